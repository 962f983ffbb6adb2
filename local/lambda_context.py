"""A stand-in for the Lambda context object, with the attributes Powertools reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FakeLambdaContext:
    function_name: str = "DeliveryBotFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:DeliveryBotFunction"
    aws_request_id: str = "local-invoke"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000
