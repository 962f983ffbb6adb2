"""Call the deployed code hook's lambda_handler in-process, keeping what it logged about the turn."""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TextIO

from local.backend import TableNames
from local.lambda_context import FakeLambdaContext
from local.store import use_tables

HANDLER_MODULE = "deliverybot.app"


@dataclass(frozen=True)
class HookResult:
    response: dict[str, Any]
    # The fields of the code hook's own `turn_handled` (or `malformed_event`) log line.
    fields: dict[str, Any] = field(default_factory=dict)


class _TurnLogCapture(logging.Handler):
    def __init__(self, current_keys: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self.fields: dict[str, Any] = {}
        self._current_keys = current_keys

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() in {"turn_handled", "malformed_event"}:
            self.fields = {"message": record.getMessage(), **self._current_keys(), **record.__dict__}


class CodeHookRunner:
    def __init__(self, tables: TableNames, log_stream: TextIO | None) -> None:
        """`log_stream`: where the hook's JSON logs go (None: nowhere)."""
        use_tables(tables)
        self._tables = tables
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # EMF lines would clutter the output
        self._module = importlib.import_module(HANDLER_MODULE)
        self._real_clock = self._module.utc_now
        from lexsentiment.observability import logger

        handler = logger.registered_handler
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(log_stream or open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process
        self._logger = logging.getLogger(logger.name)
        self._current_keys = logger.get_current_keys
        from lexsentiment.observability import metrics

        self._metrics = metrics

    def on_day(self, day: date | None) -> None:
        """The code hook's clock on `day`, at the real time of day (None: the real clock again).

        deliverybot.app looks its clock up on every turn, so a transcript recorded for one day (its
        dates, "next Monday") replays the same on any other.
        """
        real = self._real_clock
        clock = real if day is None else (lambda: datetime.combine(day, real().timetz()))
        setattr(self._module, "utc_now", clock)  # noqa: B010 - the module's attribute is the seam

    def memory_seal_key(self) -> bytes:
        """The key the hook seals its memory with (the local store's secret, or the stack's)."""
        import boto3

        secret = boto3.client("secretsmanager").get_secret_value(SecretId=self._tables.memory_seal_secret)
        return secret["SecretString"].encode()

    def __call__(self, event: Any) -> HookResult:
        capture = _TurnLogCapture(self._current_keys)
        self._logger.addHandler(capture)
        try:
            response: dict[str, Any] = self._module.lambda_handler(event, FakeLambdaContext())
        finally:
            self._logger.removeHandler(capture)
            # With metrics switched off nothing flushes them; drop them rather than let them pile up.
            self._metrics.clear_metrics()
        return HookResult(response, capture.fields)
