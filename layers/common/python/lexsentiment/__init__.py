"""The sentiment layer for Amazon Lex code hooks.

    from lexsentiment import sentiment_aware

    @sentiment_aware(handover_intent="SpeakToAgent")
    def lambda_handler(event, context):
        ...  # the team's own code hook: returns a plain Lex V2 or V1 response

Inside the handler, `turn_sentiment()` gives this turn's assessment (it never has to be used).
Names are loaded on first use, so a function that imports only part of the package (the insights
API, the backlog drain) does not pay for the rest at cold start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lexsentiment.decorator import sentiment_aware
    from lexsentiment.policy.assess import Decision, HandoverReason
    from lexsentiment.sentiment_view import TurnSentiment, turn_sentiment

__all__ = ["Decision", "HandoverReason", "TurnSentiment", "sentiment_aware", "turn_sentiment"]

_HOMES = {
    "sentiment_aware": "lexsentiment.decorator",
    "turn_sentiment": "lexsentiment.sentiment_view",
    "TurnSentiment": "lexsentiment.sentiment_view",
    "Decision": "lexsentiment.policy.assess",
    "HandoverReason": "lexsentiment.policy.assess",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'lexsentiment' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
