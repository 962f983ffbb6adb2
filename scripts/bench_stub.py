"""AWS answered in-process: botocore builds, validates and signs each request, nothing leaves the process.

DynamoDB gets empty successes; Secrets Manager gets one fixed signing key (what the code hook reads
once per container to seal its session memory).

Used by the benchmark's own process and by the child processes it starts (they import this module), so
every section stubs DynamoDB the same way. Standard library and botocore only.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

HANDLER_ID = "bench-stub"
SIGNING_KEY = "bench-signing-key-0123456789abcdef0123456789"


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> list[bytes]:
        return [self._content]


def answer_in_process(client: Any, found_item: dict[str, Any] | None = None) -> Counter[str]:
    """Empty successes for every request (GetItem returns `found_item` when given); counts per operation."""
    counts: Counter[str] = Counter()
    found = json.dumps({"Item": found_item}).encode() if found_item else b"{}"

    secret = json.dumps({"Name": "bench", "SecretString": SIGNING_KEY}).encode()

    def canned(request: Any, **_: Any) -> AWSResponse:
        operation = request.headers.get("X-Amz-Target", b"").decode().split(".")[-1]
        counts[operation] += 1
        body = found if operation == "GetItem" else secret if operation == "GetSecretValue" else b"{}"
        return AWSResponse("https://stub", 200, HTTPHeaders(), _Body(body))

    client.meta.events.register(_event(client), canned, unique_id=HANDLER_ID)
    return counts


def stop_answering(client: Any) -> None:
    client.meta.events.unregister(_event(client), unique_id=HANDLER_ID)


def _event(client: Any) -> str:
    return f"before-send.{client.meta.service_model.service_name}"
