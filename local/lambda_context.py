"""A stand-in for the Lambda context object, with the attributes Powertools reads."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeLambdaContext:
    function_name: str = "DeliveryBotFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:DeliveryBotFunction"
    aws_request_id: str = "local-invoke"
    # The function's timeout. With `counts_down`, the remaining time runs down from when the context was
    # made, as in one Lambda invocation; without it, every call sees the whole timeout (a context that
    # tools reuse across many invocations).
    timeout_millis: int = 10_000
    counts_down: bool = False
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        if not self.counts_down:
            return self.timeout_millis
        return max(0, self.timeout_millis - int((time.monotonic() - self.started) * 1000))
