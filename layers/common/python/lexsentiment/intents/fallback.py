"""FallbackIntent and any intent this code hook does not know: say what the bot can do."""

from __future__ import annotations

from lexsentiment.domain import wording
from lexsentiment.domain.sentiment_policy import Decision
from lexsentiment.intents.common import Answer, TurnContext, elicit_intent, offer_agent_for_sentiment


def fallback(context: TurnContext) -> Answer:
    if context.assessment.decision is Decision.OFFER_AGENT:
        return offer_agent_for_sentiment(context)
    return elicit_intent(context, wording.with_apology(wording.CAPABILITIES, context.upset))
