"""The Lex code hook from raw event to raw response: parse, handle, render, log, count. Never raises."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from lexsentiment.adapters.lex_event import MalformedEvent, parse_event
from lexsentiment.adapters.lex_response import render
from lexsentiment.domain import wording
from lexsentiment.intents import KNOWN_INTENTS
from lexsentiment.models.reply import DialogActionType, Reply
from lexsentiment.models.turn import Turn
from lexsentiment.observability import logger, metrics
from lexsentiment.ports import RecordOutcome
from lexsentiment.service import Dependencies, TurnOutcome, handle_turn

# Metric dimensions stay bounded even when an event names an intent the bot does not have.
OTHER_INTENT = "Other"
RECOVERY_MARK = "sentiment_turn_record"
RECORDING_METRICS = {
    RecordOutcome.RECORDED: "SentimentRecorded",
    RecordOutcome.DUPLICATE: "SentimentRecordDuplicates",
    RecordOutcome.QUEUED: "SentimentRecordQueued",
    RecordOutcome.LOGGED_FOR_RECOVERY: "SentimentRecordLoggedForRecovery",
}


def redacted_shape(text: str) -> str:
    """'Where is 21132?' -> 'Aaaaa aa #####?': letters become a/A, digits #, the rest stays; at most 80 characters."""
    shape = "".join("#" if c.isdigit() else ("A" if c.isupper() else "a") if c.isalpha() else c for c in text[:80])
    return shape + ("…" if len(text) > 80 else "")


def respond(event: Any, dependencies: Dependencies, now: datetime, *, log_shape: bool = False) -> dict[str, Any]:
    try:
        turn = parse_event(event)
    except MalformedEvent as error:
        logger.warning("malformed_event", extra={"lex_version": error.lex_version.value, "problem": error.problem})
        metrics.add_metric(name="MalformedEvents", unit=MetricUnit.Count, value=1)
        return render(_recovery_reply(error.session_attributes), error.lex_version)
    try:
        return _respond_to_turn(turn, dependencies, now, log_shape=log_shape)
    except Exception as error:  # the last line of defence: Lex must get an answer, not a 424
        logger.exception("turn_failed", extra={"error_type": type(error).__name__})
        metrics.add_metric(name="TurnErrors", unit=MetricUnit.Count, value=1)
        return render(_recovery_reply(dict(turn.session_attributes)), turn.lex_version)


def _respond_to_turn(turn: Turn, dependencies: Dependencies, now: datetime, *, log_shape: bool) -> dict[str, Any]:
    intent_dimension = turn.intent_name if turn.intent_name in KNOWN_INTENTS else OTHER_INTENT
    logger.append_keys(
        conversation_id=turn.conversation_id,
        intent=turn.intent_name,
        lex_version=turn.lex_version.value,
        invocation_source=turn.invocation_source.value,
    )
    if log_shape:
        # Redacted on purpose: enough to debug parsing (lengths, which slots, what kind of characters).
        logger.info(
            "turn_shape",
            extra={
                "transcript_shape": redacted_shape(turn.input_transcript),
                "slot_shapes": {
                    name: redacted_shape(value.original) if value else None for name, value in turn.slots.items()
                },
            },
        )
    outcome = handle_turn(turn, dependencies, now)
    _log_outcome(turn, outcome)
    _count(outcome, intent_dimension)
    return render(outcome.reply, turn.lex_version)


def _log_outcome(turn: Turn, outcome: TurnOutcome) -> None:
    if turn.sentiment_unreadable:
        logger.warning("sentiment_unreadable")
    if not outcome.known_intent:
        logger.warning("unknown_intent")
    if outcome.lookup_failed:
        logger.warning("delivery_store_unavailable")
    recording = outcome.recording
    if recording.outcome is RecordOutcome.QUEUED:
        logger.warning("sentiment_record_queued", extra={"error_code": recording.cause})
    elif recording.outcome is RecordOutcome.LOGGED_FOR_RECOVERY:
        # The one copy of this turn's record: `python -m local.recover` re-imports such lines.
        logger.error(
            "sentiment_record_recovery",
            extra={
                "recovery": RECOVERY_MARK,
                "error_code": recording.cause,
                "record": json.loads(recording.recovery or "{}"),
            },
        )
    logger.info(
        "turn_handled",
        extra={
            "sentiment": turn.sentiment.label.value if turn.sentiment else "unknown",
            "negative_score": round(turn.sentiment.negative, 4) if turn.sentiment else None,
            "turn_score": round(outcome.turn_score, 2) if outcome.turn_score is not None else None,
            "decision": outcome.assessment.decision.value,
            "handover_reason": outcome.reply.session_attributes.get("handoverReason"),
            "dialog_action": outcome.reply.action.value,
            "reply_intent": outcome.reply.intent_name,
            "recording": outcome.recording.outcome.value,
            "repeated_hook": outcome.repeated_hook,
        },
    )


def _count(outcome: TurnOutcome, intent: str) -> None:
    metrics.add_dimension(name="intent", value=intent)
    metrics.add_metric(name="Turns", unit=MetricUnit.Count, value=1)
    if outcome.apologised:
        metrics.add_metric(name="Apologies", unit=MetricUnit.Count, value=1)
    if outcome.offered_agent:
        metrics.add_metric(name="AgentOffers", unit=MetricUnit.Count, value=1)
    if outcome.handed_over:
        metrics.add_metric(name="Handovers", unit=MetricUnit.Count, value=1)
    if outcome.lookup_failed:
        metrics.add_metric(name="DeliveryLookupFailures", unit=MetricUnit.Count, value=1)
    recording_metric = RECORDING_METRICS.get(outcome.recording.outcome)
    if recording_metric:
        metrics.add_metric(name=recording_metric, unit=MetricUnit.Count, value=1)


def _recovery_reply(session_attributes: dict[str, str]) -> Reply:
    """What an unreadable event or an unexpected error gets: a fresh question, the session kept."""
    return Reply(
        action=DialogActionType.ELICIT_INTENT,
        session_attributes=session_attributes,
        message=f"{wording.SOMETHING_WENT_WRONG} {wording.CAPABILITIES}",
    )
