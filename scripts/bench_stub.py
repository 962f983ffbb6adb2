"""DynamoDB answered in-process: botocore builds, validates and signs each request, nothing leaves the process.

Used by the benchmark's own process and by the child processes it starts (they import this module), so
every section stubs DynamoDB the same way. Standard library and botocore only.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

HANDLER_ID = "bench-stub"


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> list[bytes]:
        return [self._content]


def answer_in_process(client: Any, found_item: dict[str, Any] | None = None) -> Counter[str]:
    """Empty successes for every request (GetItem returns `found_item` when given); counts per operation."""
    counts: Counter[str] = Counter()
    found = json.dumps({"Item": found_item}).encode() if found_item else b"{}"

    def canned(request: Any, **_: Any) -> AWSResponse:
        operation = request.headers.get("X-Amz-Target", b"").decode().split(".")[-1]
        counts[operation] += 1
        return AWSResponse("https://stub", 200, HTTPHeaders(), _Body(found if operation == "GetItem" else b"{}"))

    client.meta.events.register("before-send.dynamodb", canned, unique_id=HANDLER_ID)
    return counts


def stop_answering(client: Any) -> None:
    client.meta.events.unregister("before-send.dynamodb", unique_id=HANDLER_ID)
