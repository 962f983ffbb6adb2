"""BookTrip's tests run offline, on fake AWS credentials, with no sentiment table (the layer records nothing).

The handler is imported here, before any test module, so the decorator reads this environment
whatever else the same pytest run has set; test modules then `from booktrip import app` as usual.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
)
os.environ.pop("AWS_PROFILE", None)

from booktrip_support import import_app  # noqa: E402 - after the fake credentials

import_app()


@pytest.fixture(autouse=True)
def _reset_metrics(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Metrics flushed per turn as deployed, and cleared after each test, as Powertools advises: the
    local tools another suite runs in the same process switch metrics off, and then nothing flushes."""
    from lexsentiment.observability import metrics

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    yield
    metrics.clear_metrics()
