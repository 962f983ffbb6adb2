"""One turn of the conversation: judge the feeling, do the job, remember it, answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from lexsentiment import intents
from lexsentiment.domain import wording
from lexsentiment.domain.conversation_score import start_and_end
from lexsentiment.domain.memory import OWN_ATTRIBUTES, ConversationMemory, within_limit
from lexsentiment.domain.recording import TurnRecord, record_key
from lexsentiment.domain.scale import turn_score
from lexsentiment.domain.sentiment_policy import Assessment, Thresholds, assess, reassess
from lexsentiment.intents.common import AGENT_HANDOVER, FALLBACK, Answer, TurnContext
from lexsentiment.models.reply import DialogActionType, Reply
from lexsentiment.models.turn import InvocationSource, Turn
from lexsentiment.ports import DeliveryRepository, RecordOutcome, RecordResult, SentimentRecorder


@dataclass(frozen=True, slots=True)
class Dependencies:
    deliveries: DeliveryRepository
    recorder: SentimentRecorder
    thresholds: Thresholds


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    """The reply plus what happened on the way, for logs and metrics."""

    reply: Reply
    assessment: Assessment
    turn_score: float | None
    recording: RecordResult
    repeated_hook: bool
    known_intent: bool
    lookup_failed: bool

    @property
    def apologised(self) -> bool:
        return bool(self.reply.message and wording.APOLOGY in self.reply.message)

    @property
    def offered_agent(self) -> bool:
        return self.reply.action is DialogActionType.CONFIRM_INTENT and self.reply.intent_name == AGENT_HANDOVER

    @property
    def handed_over(self) -> bool:
        return self.reply.session_attributes.get("handover") == "true"


def handle_turn(turn: Turn, dependencies: Dependencies, now: datetime) -> TurnOutcome:
    thresholds = dependencies.thresholds
    before = ConversationMemory.from_attributes(turn.session_attributes)
    # Lex calls the fulfilment hook for the same utterance after our dialog hook delegated: count it once.
    repeated_hook = bool(turn.utterance_key) and before.delegated_turn_key == turn.utterance_key
    score = turn_score(turn.sentiment) if turn.sentiment is not None else None
    if repeated_hook:
        assessment = reassess(turn.sentiment, before.negative_turns, thresholds, agent_declined=before.agent_declined)
        memory = before
    else:
        assessment = assess(turn.sentiment, before.negative_turns, thresholds, agent_declined=before.agent_declined)
        memory = before.with_scored_turn(score, now) if score is not None else before
    memory = replace(memory, negative_turns=assessment.negative_streak, delegated_turn_key=None)

    context = TurnContext(turn, assessment, memory, now.date(), dependencies.deliveries, score)
    answer = intents.answer(context)
    if answer.action is DialogActionType.DELEGATE and turn.invocation_source is InvocationSource.DIALOG_CODE_HOOK:
        answer = replace(answer, memory=replace(answer.memory, delegated_turn_key=turn.utterance_key or None))
    reply = _reply(answer, turn.session_attributes)

    outcome = TurnOutcome(
        reply=reply,
        assessment=assessment,
        turn_score=score,
        recording=RecordResult(RecordOutcome.SKIPPED),
        repeated_hook=repeated_hook,
        known_intent=turn.intent_name in intents.KNOWN_INTENTS,
        lookup_failed=answer.lookup_failed,
    )
    if score is None or turn.sentiment is None or repeated_hook:
        return outcome
    portions = start_and_end(memory.first_scores, memory.recent_scores, memory.scored_turns)
    record = TurnRecord(
        conversation_id=turn.conversation_id,
        user_id=turn.user_id,
        record_key=record_key(turn.utterance_key, turn.utterance_key_from_lex, before.scored_turns),
        turn_index=before.scored_turns,
        recorded_at=now,
        intent_name=turn.intent_name or FALLBACK,
        bot=turn.bot,
        lex_version=turn.lex_version,
        sentiment=turn.sentiment,
        score=score,
        decision=assessment.decision,
        apologised=outcome.apologised,
        handed_over=outcome.handed_over,
        started_at=memory.started_at or now,
        start_score=portions.start,
        end_score=portions.end,
        shift=portions.shift,
    )
    # Recording comes after the answer is settled: a failed write never changes what the customer hears.
    return replace(outcome, recording=dependencies.recorder.record(record))


def _reply(answer: Answer, caller_attributes: Mapping[str, str]) -> Reply:
    """Lex replaces the stored attributes with ours, so the caller's keys are always sent back."""
    attributes = {key: value for key, value in caller_attributes.items() if key not in OWN_ATTRIBUTES}
    attributes.update((key, value) for key, value in answer.memory.to_attributes().items() if value)
    attributes.update(answer.handover_attributes)
    return Reply(
        action=answer.action,
        session_attributes=within_limit(attributes),
        message=answer.message,
        intent_name=answer.intent_name,
        intent_state=answer.intent_state,
        slots=answer.slots,
        slot_to_elicit=answer.slot_to_elicit,
        confirmation_state=answer.confirmation_state,
    )
