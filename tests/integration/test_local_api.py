"""make api: the insights API on loopback, answering as the deployed one does."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from local.api import LOOPBACK, handlers, make_server
from local.backend import TableNames
from tests.integration.conftest import Invoke
from tests.support import NOW, play_conversation


@pytest.fixture
def api(tables: TableNames, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    play_conversation(invoke, "soured-local", [0.05, 0.05, 0.1, 0.85, 0.9, 0.95], user_id="customer-7")
    insights, erasure = handlers()
    import functions.insights.app as insights_app

    monkeypatch.setattr(insights_app, "now", lambda: NOW)
    server = make_server(0, insights, erasure)
    assert server.server_address[0] == "127.0.0.1"  # loopback only: the local API has no IAM in front
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOOPBACK}:{server.server_port}"
    server.shutdown()
    server.server_close()


def call(url: str, method: str = "GET") -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own loopback server
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.enable_socket
def test_the_local_api_answers_on_loopback_as_the_deployed_one(api: str) -> None:
    status, answer = call(f"{api}/conversations?shift=positive_to_negative")

    assert status == 200
    assert [item["conversationId"] for item in answer["conversations"]] == ["soured-local"]
    assert call(f"{api}/users/customer-7")[1]["totals"]["turns"] == 6
    status, problem = call(f"{api}/conversations?shift=sideways")
    assert status == 400 and "shift" in problem["message"]
    assert call(f"{api}/users/customer-7", method="DELETE")[0] == 200
    assert call(f"{api}/users/customer-7")[0] == 404
