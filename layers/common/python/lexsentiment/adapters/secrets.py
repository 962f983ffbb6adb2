"""Keys kept in AWS Secrets Manager, read with one GetSecretValue call and kept for a quarter of an hour.

Powertools' parameters utility would do the read and the caching, but importing it costs 30-50 ms of
the first turn (measured beside the boto3 client it wraps, ~10 ms); the call and the freshness check
it would replace are a few lines, and ours must also keep the last key when a refresh fails.

A key is read on the first turn that needs it and then served from the cache for KEY_MAX_AGE, so a
turn pays Secrets Manager's round trip once per container and cache period. The call gets a short
budget of its own, and is not made when the turn's deadline cannot spare it. If it fails, the key
read last is kept (a secret that existed a quarter of an hour ago has not stopped being right), the
next try waits a little, and with no key at all the caller trusts nothing that turn.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit

from lexsentiment.adapters.aws import (
    CALL_BUDGETS,
    KEEP_FOR_RECORDING,
    CallBudget,
    cached_client_factory,
    ensure_time_for,
    error_code,
    new_client,
)
from lexsentiment.observability import logger, metrics

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

KEY_MAX_AGE_SECONDS = 900
# One attempt, 0.5 s to connect and 1 s to read (Secrets Manager answers in tens of milliseconds): a
# stalled key read must leave the turn its time for the bot's own work and the recording.
KEY_BUDGET = CALL_BUDGETS[2]
# After a failed read, the next try waits this long: an outage must not cost every turn a timeout.
RETRY_AFTER_SECONDS = 30
# A key shorter than this is a configuration mistake (an HMAC key should carry 256 bits).
MIN_KEY_BYTES = 32


@cached_client_factory
def secrets_client(budget: CallBudget = KEY_BUDGET) -> SecretsManagerClient:
    client: SecretsManagerClient = new_client("secretsmanager", budget)
    return client


# Answers no retry will mend: the setting names a secret that is not there, or the role may not read it.
MISCONFIGURED = frozenset({"AccessDeniedException", "ResourceNotFoundException", "InvalidRequestException"})


class SecretsManagerKey:
    """One secret's string value as an HMAC key (lexsentiment.trust.KeySource).

    `setting` names the environment variable the secret came from, so a log line can say which to fix.
    """

    def __init__(
        self, secret_id: str, client: SecretsManagerClient | None = None, *, setting: str = "the key's secret"
    ) -> None:
        self._secret_id = secret_id
        self._setting = setting
        self._client = client
        self._last: bytes | None = None
        self._read_at = -math.inf

    def key(self) -> bytes | None:
        if time.monotonic() - self._read_at < KEY_MAX_AGE_SECONDS:
            return self._last
        try:
            ensure_time_for(KEY_BUDGET, keep=KEEP_FOR_RECORDING)
            client = self._client or secrets_client()
            value = client.get_secret_value(SecretId=self._secret_id).get("SecretString")
        except Exception as error:  # a key source must never fail the turn: without a key, nothing is trusted
            code = error_code(error)
            return self._unavailable(
                "signing_key_misconfigured" if code in MISCONFIGURED else "signing_key_unavailable", code
            )
        key = value.encode() if isinstance(value, str) else None
        if key is None or len(key) < MIN_KEY_BYTES:
            return self._unavailable("signing_key_misconfigured", "KeyTooShort")
        self._last, self._read_at = key, time.monotonic()
        return key

    def _unavailable(self, event: str, cause: str) -> bytes | None:
        # The code only: an error's message can quote the secret's name or the request. A misconfiguration
        # (no such secret, no permission, too short a key) is an error naming the setting to fix; an
        # outage a warning. template.yaml's SigningKeyUnavailableFilter alarms on both.
        log = logger.error if event == "signing_key_misconfigured" else logger.warning
        log(event, extra={"setting": self._setting, "error_code": cause})
        metrics.add_metric(name="SigningKeyUnavailable", unit=MetricUnit.Count, value=1)
        self._read_at = time.monotonic() - KEY_MAX_AGE_SECONDS + RETRY_AFTER_SECONDS
        return self._last
