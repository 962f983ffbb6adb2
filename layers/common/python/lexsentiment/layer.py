"""The sentiment layer around a team's Lex code hook: judge the feeling, let the handler do its job,
apologise or offer an agent where the rules say so, hand over to Amazon Connect, remember the turn.

A reader follows one turn in three calls: `SentimentLayer.__call__` -> `answer` -> `_apply_rules`.
The layer never raises: a malformed event, a failing handler, a broken reply or a store outage
each end in a valid Lex response and one log line naming the error type (never its message).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from lexsentiment.adapters.aws import clear_deadline, set_deadline
from lexsentiment.lex.events import MalformedEvent, forget_parsed, parse_event, parsed_as, resumed
from lexsentiment.lex.keys import bounded_id
from lexsentiment.lex.reply import DialogActionType, IntentState, Reply, render
from lexsentiment.lex.response import (
    HandlerResponse,
    NotALexResponse,
    already_apologises,
    read_response,
    with_prefix,
    with_session_attributes,
)
from lexsentiment.lex.turn import ConfirmationState, InvocationSource, Turn
from lexsentiment.memory import (
    MEMORY_ATTRIBUTES,
    OWN_ATTRIBUTES,
    Attr,
    ConversationMemory,
    MemoryTrust,
    remembered,
    sealed_within_limit,
)
from lexsentiment.observability import logger, metrics
from lexsentiment.policy import scale
from lexsentiment.policy.assess import Decision, HandoverReason, Thresholds, assess, reassess
from lexsentiment.policy.conversation_score import start_and_end
from lexsentiment.recording.message import TurnRecordMessage
from lexsentiment.recording.record import RecordOutcome, RecordResult, SentimentRecorder, TurnRecord, record_key
from lexsentiment.sentiment_view import ReportedFailure, TurnSentiment, answered, answering
from lexsentiment.trust import USER_ID_ATTRIBUTE, KeySource, signed_user_id

Handler = Callable[[dict[str, Any], Any], Any]

# Lex's built-in fallback intent: what a turn without any intent is recorded under.
NO_INTENT = "FallbackIntent"
# Metric dimensions stay bounded for a bot we have never seen: an intent name is a dimension only
# when it is spelled as Lex allows and is among the first MAX_INTENT_DIMENSIONS this container met
# (Lex sends only the bot's own intents); everything else is counted under "Other".
OTHER_INTENT = "Other"
MAX_INTENT_DIMENSIONS = 100
_LEX_INTENT_NAME = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")
RECOVERY_MARK = "sentiment_turn_record"
# Kept from Lambda's remaining time for what follows the turn: the metrics flush and the response.
LAMBDA_RESERVE_SECONDS = 0.5
RECORDING_METRICS = {
    RecordOutcome.RECORDED: "SentimentRecorded",
    RecordOutcome.DUPLICATE: "SentimentRecordDuplicates",
    RecordOutcome.QUEUED: "SentimentRecordQueued",
    RecordOutcome.LOGGED_FOR_RECOVERY: "SentimentRecordLoggedForRecovery",
}


@dataclass(frozen=True)  # no slots: sentiment_aware's keyword defaults read the class's own defaults
class Wording:
    """Everything the layer itself says; a bot passes its own through `sentiment_aware`."""

    apology: str = "Apologies for the inconvenience."
    agent_offer: str = "Would you like to speak to an agent?"
    transfer_message: str = "I'm transferring you to an agent now."
    sorry_message: str = "Sorry, something went wrong on my side. What would you like to do?"
    # Said before the resumed intent's own reply when the customer turns the agent down...
    no_problem: str = "No problem."
    # ...or alone, when there was nothing to resume.
    declined_message: str = "No problem. What else can I help you with?"


@dataclass(frozen=True, slots=True)
class LayerOptions:
    """What `sentiment_aware`'s keyword arguments set (their defaults are there)."""

    handover_intent: str
    wording: Wording
    # Intents whose replies go out as the handler wrote them (no apology, no offer); still recorded.
    opt_out_intents: frozenset[str]
    # The bot's intents, when known: the only metric dimensions (others count as "Other").
    metric_intents: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Answer:
    """What goes back to Lex before the session attributes are settled."""

    response: HandlerResponse
    memory: ConversationMemory
    handover_attributes: Mapping[str, str] = field(default_factory=dict)
    handler_error: str | None = None
    failure: ReportedFailure | None = None


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    """The final response plus what happened on the way, for logs, metrics and the turn record."""

    response: dict[str, Any]
    answer: Answer
    sentiment: TurnSentiment
    recording: RecordResult
    repeated_hook: bool
    apologised: bool

    @property
    def offered_agent(self) -> bool:
        return self.answer.memory.agent_offer_reason is not None

    @property
    def handed_over(self) -> bool:
        return bool(self.answer.handover_attributes)


class SentimentLayer:
    """One handler, its options, the thresholds and where turns are recorded (None: nowhere)."""

    def __init__(
        self,
        handler: Handler,
        options: LayerOptions,
        thresholds: Thresholds,
        recorder: SentimentRecorder | None,
        clock: Callable[[], datetime],
        *,
        log_shape: bool = False,
        turn_deadline_seconds: float,
        memory_key: KeySource | None = None,
        user_id_key: KeySource | None = None,
    ) -> None:
        """`memory_key` seals the layer's memory (None: unsealed, for a trial without recording);
        `user_id_key` checks a trusted party's signed userId (None: the session is the user)."""
        self._handler = handler
        self._options = options
        self._thresholds = thresholds
        self._recorder = recorder
        self._clock = clock
        self._log_shape = log_shape
        self._turn_deadline_seconds = turn_deadline_seconds
        self._memory_key = memory_key
        self._user_id_key = user_id_key
        self._intent_dimensions: set[str] = set()

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        try:
            turn = parse_event(event)
        except MalformedEvent as error:
            logger.warning("malformed_event", extra={"lex_version": error.lex_version.value, "problem": error.problem})
            metrics.add_metric(name="MalformedEvents", unit=MetricUnit.Count, value=1)
            return render(self._sorry_reply(error.session_attributes), error.lex_version)
        deadline = set_deadline(self._seconds_for_turn(context))
        try:
            outcome = self.answer(turn, event, context, self._clock())
        except Exception as error:  # the last line of defence: Lex must get an answer, not a 424
            logger.error("turn_failed", extra=_error_fields(error))
            metrics.add_metric(name="TurnErrors", unit=MetricUnit.Count, value=1)
            return render(self._sorry_reply(dict(turn.session_attributes)), turn.lex_version)
        finally:
            clear_deadline(deadline)
        intent_dimension = self._intent_dimension(turn.intent_name or NO_INTENT)
        self._log(turn, outcome, intent_dimension)
        self._count(outcome, intent_dimension)
        return outcome.response

    def _seconds_for_turn(self, context: Any) -> float:
        """The turn's own budget, or less when Lambda's remaining time is shorter (minus time to reply)."""
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        if remaining is None:
            return self._turn_deadline_seconds
        lambda_seconds = float(remaining()) / 1000 - LAMBDA_RESERVE_SECONDS
        return max(0.0, min(self._turn_deadline_seconds, lambda_seconds))

    def answer(self, turn: Turn, event: dict[str, Any], context: Any, now: datetime) -> TurnOutcome:
        """One parsed turn to its outcome, without the log line and metrics (tests and tools read it)."""
        logger.append_keys(
            conversation_id=turn.conversation_id,
            intent=turn.intent_name,
            lex_version=turn.lex_version.value,
            invocation_source=turn.invocation_source.value,
        )
        if self._log_shape:
            _log_shape(turn)
        memory_key = self._memory_key.key() if self._memory_key is not None else None
        # Sealing is on but its key could not be had (our outage, not the client's doing): nothing
        # can be trusted or sealed this turn, so the memory that came is passed back as it came.
        keyless = self._memory_key is not None and memory_key is None
        before = self._remembered(turn, memory_key)
        turn = self._identified(turn)
        # Lex calls the fulfilment hook for the same utterance after a dialog hook delegated: count it once.
        repeated_hook = bool(turn.utterance_key) and before.delegated_turn_key == turn.utterance_key
        # ... and when that utterance was a "no" to an agent, this call still answers the "no".
        after_decline = repeated_hook and before.declined_turn_key == turn.utterance_key
        score = scale.turn_score(turn.sentiment) if turn.sentiment is not None else None
        judge = reassess if repeated_hook else assess
        assessment = judge(
            turn.sentiment, before.negative_turns, self._thresholds, agent_declined=before.agent_declined
        )
        if after_decline:
            # The "no" reset the streak after counting itself: this second call leaves it as the first left it.
            assessment = replace(assessment, negative_streak=before.negative_turns)
        memory = before.after_turn(
            None if repeated_hook else score,
            now,
            negative_turns=assessment.negative_streak,
            agent_declined=assessment.agent_declined,
        )
        sentiment = TurnSentiment(turn, assessment, score, memory)
        if after_decline:
            sentiment = sentiment.resumed_as(turn)

        if turn.intent_name == self._options.handover_intent:
            answer = self._handover_intent(turn, event, context, sentiment, memory)
        else:
            handled = self._call_handler(event, turn, context, sentiment, memory)
            answer = (
                self._resumed_reply(turn, handled) if after_decline else self._apply_rules(turn, sentiment, handled)
            )
        attributes = self._session_attributes(turn, answer, memory_key, keep_sent_memory=keyless)
        response = with_session_attributes(answer.response, attributes)
        apologised = already_apologises(response, turn.lex_version, self._options.wording.apology)
        recording = RecordResult(RecordOutcome.SKIPPED)
        if keyless and score is not None and self._recorder is not None:
            # Counted from a fresh memory, the turn would be recorded as a new conversation's first.
            logger.warning("sentiment_record_skipped", extra={"reason": "memory_key_unavailable"})
        elif score is not None and turn.sentiment is not None and not repeated_hook and self._recorder is not None:
            # Recording comes after the answer is settled: a failed write never changes what the customer hears.
            record = self._turn_record(turn, sentiment, answer, apologised, before, memory, now)
            recording = self._recorded(self._recorder, record)
        return TurnOutcome(response, answer, sentiment, recording, repeated_hook, apologised)

    @staticmethod
    def _recorded(recorder: SentimentRecorder, record: TurnRecord) -> RecordResult:
        """The recorder's result; one that raises (a bot's own recorder can) leaves the record in the log."""
        try:
            return recorder.record(record)
        except Exception as error:
            logger.error("recorder_failed", extra=_error_fields(error))
            recovery = TurnRecordMessage.unchecked_json(record)
            return RecordResult(RecordOutcome.LOGGED_FOR_RECOVERY, type(error).__name__, recovery=recovery)

    def _call_handler(
        self, event: dict[str, Any], turn: Turn, context: Any, sentiment: TurnSentiment, memory: ConversationMemory
    ) -> Answer:
        """The team's handler on this event; a raise or a reply Lex would reject becomes the sorry reply."""
        token, parsed = answering(sentiment), parsed_as(event, turn)
        try:
            raw = self._handler(event, context)
            response = read_response(raw, turn.lex_version)
        except NotALexResponse as error:
            logger.error("handler_reply_invalid", extra={"problem": error.problem})
            return Answer(self._own(self._sorry_reply({}), turn), memory, handler_error=type(error).__name__)
        except Exception as error:  # a broken handler must not cost the customer the call
            logger.error("handler_failed", extra=_error_fields(error))
            return Answer(self._own(self._sorry_reply({}), turn), memory, handler_error=type(error).__name__)
        finally:
            forget_parsed(parsed)
            answered(token)
        return Answer(response, memory, failure=sentiment.failure)

    def _apply_rules(self, turn: Turn, sentiment: TurnSentiment, answer: Answer) -> Answer:
        """Apologise when upset; offer an agent in place of a question when very upset, after an upset
        streak, or when the handler reports a failure; an answer (Close) beats an offer."""
        response, failure = answer.response, answer.failure
        if answer.handler_error or turn.intent_name in self._options.opt_out_intents:
            return Answer(response, answer.memory.without_offer(), handler_error=answer.handler_error, failure=failure)
        memory = answer.memory
        wording = self._options.wording
        handler_offer = self._handler_offer_memory(memory, turn, response, failure)
        if handler_offer is not None:
            memory = handler_offer
        elif response.asks and (sentiment.decision is Decision.OFFER_AGENT or failure is not None):
            reason = failure.reason if failure else (sentiment.reason or HandoverReason.NEGATIVE_SENTIMENT).value
            offer = Reply(
                action=DialogActionType.CONFIRM_INTENT,
                session_attributes={},
                message=f"{wording.apology} {wording.agent_offer}",
                intent_name=self._options.handover_intent,
                intent_state=IntentState.IN_PROGRESS,
            )
            # The handler's own session attributes go with the offer, as they would with its question.
            own_offer = self._own(offer, turn, session_attributes=response.session_attributes)
            return Answer(own_offer, self._offer_memory(memory, turn, response, reason, failure), failure=failure)
        else:
            delegated = response.action is DialogActionType.DELEGATE
            dialog_hook = turn.invocation_source is InvocationSource.DIALOG_CODE_HOOK
            # Lex runs the fulfilment hook for this same utterance next: remembered, so it is counted once.
            memory = memory.without_offer(
                delegated_turn_key=turn.utterance_key or None if delegated and dialog_hook else None
            )
        if sentiment.upset and not already_apologises(response.raw, turn.lex_version, wording.apology):
            response = response.with_raw(with_prefix(dict(response.raw), turn.lex_version, wording.apology))
        return Answer(response, memory, failure=failure)

    def _handler_offer_memory(
        self, memory: ConversationMemory, turn: Turn, response: HandlerResponse, failure: ReportedFailure | None
    ) -> ConversationMemory | None:
        """When the handler offered an agent itself, in its own words: the memory that remembers it; else None."""
        if (
            response.action is not DialogActionType.CONFIRM_INTENT
            or response.intent_name != self._options.handover_intent
        ):
            return None
        reason = failure.reason if failure else HandoverReason.HANDLER_OFFER.value
        return self._offer_memory(memory, turn, response, reason, failure)

    def _offer_memory(
        self,
        memory: ConversationMemory,
        turn: Turn,
        response: HandlerResponse,
        reason: str,
        failure: ReportedFailure | None,
    ) -> ConversationMemory:
        """Remember why the offer was made and what it interrupted, so a "no" can resume it."""
        # The handler's own offer interrupts the event's intent; an offer in place of a reply interrupts
        # the intent that reply was working on (an ElicitIntent names none: nothing to resume).
        own_offer = response.intent_name == self._options.handover_intent
        intent = turn.intent_name if own_offer else response.intent_name
        if intent is None and response.action is DialogActionType.DELEGATE:
            intent = turn.intent_name  # a V1 Delegate carries slots but no intent name: it goes on with the event's
        slots: dict[str, str | None] = (
            {name: value.interpreted if value else None for name, value in turn.slots.items()}
            if own_offer
            else dict(response.slots)
        )
        if failure is not None and failure.slot in slots:
            slots[failure.slot] = None  # the value that failed is asked for again, not retried
        return replace(
            memory,
            agent_offer_reason=reason,
            interrupted_intent=intent or None,
            interrupted_slots=slots if intent else {},
        )

    def _handover_intent(
        self, turn: Turn, event: dict[str, Any], context: Any, sentiment: TurnSentiment, memory: ConversationMemory
    ) -> Answer:
        """The handover intent is the layer's: a yes (or a direct request) hands over, a no resumes."""
        if turn.confirmation_state is ConfirmationState.DENIED:
            return self._declined(turn, event, context, sentiment, memory)
        offered = memory.agent_offer_reason
        confirmed = turn.confirmation_state is ConfirmationState.CONFIRMED and offered is not None
        reason = offered if confirmed and offered else HandoverReason.CUSTOMER_REQUEST.value
        handover_attributes = {
            Attr.HANDOVER: "true",
            Attr.HANDOVER_REASON: reason,
            Attr.HANDOVER_INTENT: self._bot_intent(memory.interrupted_intent) or self._options.handover_intent,
            Attr.HANDOVER_SENTIMENT_SCORE: scale.shown(sentiment.turn_score),
            Attr.CONVERSATION_SENTIMENT_SCORE: scale.shown(sentiment.conversation_score),
        }
        close = Reply(
            action=DialogActionType.CLOSE,
            session_attributes={},
            message=self._options.wording.transfer_message,
            intent_name=self._options.handover_intent,
            intent_state=IntentState.FULFILLED,
        )
        memory = replace(memory.without_offer(), negative_turns=0)
        return Answer(self._own(close, turn), memory, handover_attributes=handover_attributes)

    def _declined(
        self, turn: Turn, event: dict[str, Any], context: Any, sentiment: TurnSentiment, memory: ConversationMemory
    ) -> Answer:
        """The customer said no: carry on where we were, and do not ask again until there is a new cause."""
        wording = self._options.wording
        interrupted, slots = memory.interrupted_intent, memory.interrupted_slots
        memory = replace(memory.without_offer(), agent_declined=True, negative_turns=0)
        if not interrupted or interrupted == self._options.handover_intent:
            nothing_to_resume = Reply(DialogActionType.ELICIT_INTENT, {}, message=wording.declined_message)
            return Answer(self._own(nothing_to_resume, turn), memory)
        resumed_event, resumed_turn = resumed(event, turn, interrupted, slots)
        view = sentiment.resumed_as(resumed_turn)
        answer = self._call_handler(resumed_event, resumed_turn, context, view, memory)
        if answer.response.action is DialogActionType.DELEGATE and not answer.handler_error:
            # Lex calls the fulfilment hook for this "no" next: that call answers the "no" too.
            key = turn.utterance_key or None
            answer = replace(answer, memory=replace(answer.memory, delegated_turn_key=key, declined_turn_key=key))
        return self._resumed_reply(resumed_turn, answer)

    def _resumed_reply(self, turn: Turn, answer: Answer) -> Answer:
        """The resumed intent's reply to a "no", after "No problem.": never an offer of ours in the same
        breath (the handler sees `resumed_after_decline`; one that still offers in its own words is heard)."""
        if answer.handler_error:
            return answer
        response = answer.response
        memory = self._handler_offer_memory(answer.memory, turn, response, answer.failure) or answer.memory
        raw = with_prefix(dict(response.raw), turn.lex_version, self._options.wording.no_problem)
        return Answer(response.with_raw(raw), memory, failure=answer.failure)

    def _remembered(self, turn: Turn, memory_key: bytes | None) -> ConversationMemory:
        """The memory the turn arrived with, if our seal proves it; otherwise a fresh one, counted."""
        memory, trust = remembered(
            turn.session_attributes, turn.conversation_id, memory_key, sealed=self._memory_key is not None
        )
        if trust is MemoryTrust.REJECTED or trust is MemoryTrust.UNVERIFIABLE:
            # Names how many of our attributes came, never their values.
            mine = sum(1 for name in turn.session_attributes if name in OWN_ATTRIBUTES)
            logger.warning("session_memory_discarded", extra={"trust": trust.value, "own_attributes": mine})
            metrics.add_metric(name="SessionMemoryDiscarded", unit=MetricUnit.Count, value=1)
        return memory

    def _identified(self, turn: Turn) -> Turn:
        """The turn with the user a trusted party signed for, if any; else the session (V2) or Lex's userId (V1)."""
        attributes = turn.session_attributes
        if USER_ID_ATTRIBUTE not in attributes:
            return turn
        key = self._user_id_key.key() if self._user_id_key is not None else None
        user_id = signed_user_id(attributes, turn.conversation_id, key)
        if user_id is None:
            logger.debug("user_id_unverified")
            metrics.add_metric(name="UnverifiedUserIds", unit=MetricUnit.Count, value=1)
            return turn
        return replace(turn, user_id=bounded_id(user_id))

    def _session_attributes(
        self, turn: Turn, answer: Answer, memory_key: bytes | None, *, keep_sent_memory: bool = False
    ) -> dict[str, str]:
        """The caller's attributes, the handler's over them, then the layer's own (which nobody else may set).

        Lex replaces the stored map with the one returned, so the caller's keys are always sent
        back; a handler removes one of its keys by setting it to "". `keep_sent_memory`: our memory
        goes back exactly as it came (its seal still holds for a turn that has the key).
        """
        handler_attributes = answer.response.session_attributes or {}
        attributes = {key: value for key, value in turn.session_attributes.items() if key not in OWN_ATTRIBUTES}
        for key, value in handler_attributes.items():
            if key in OWN_ATTRIBUTES:
                continue
            if value == "":
                attributes.pop(key, None)
            else:
                attributes[key] = value
        if keep_sent_memory:
            sent = turn.session_attributes
            attributes.update({key: sent[key] for key in (*MEMORY_ATTRIBUTES, Attr.SEAL) if key in sent})
        else:
            attributes.update({key: value for key, value in answer.memory.to_attributes().items() if value})
        attributes.update(answer.handover_attributes)
        return sealed_within_limit(attributes, turn.conversation_id, memory_key)

    def _turn_record(
        self,
        turn: Turn,
        sentiment: TurnSentiment,
        answer: Answer,
        apologised: bool,
        before: ConversationMemory,
        memory: ConversationMemory,
        now: datetime,
    ) -> TurnRecord:
        """`before`: the memory the turn arrived with; `memory`: with this turn scored."""
        assert turn.sentiment is not None and sentiment.turn_score is not None
        portions = start_and_end(memory.first_scores, memory.recent_scores, memory.scored_turns)
        return TurnRecord(
            conversation_id=turn.conversation_id,
            user_id=turn.user_id,
            record_key=record_key(turn.utterance_key, turn.utterance_key_from_lex, before.scored_turns),
            turn_index=before.scored_turns,
            recorded_at=now,
            intent_name=turn.intent_name or NO_INTENT,
            bot=turn.bot,
            lex_version=turn.lex_version,
            sentiment=turn.sentiment,
            score=sentiment.turn_score,
            decision=sentiment.decision,
            apologised=apologised,
            handed_over=bool(answer.handover_attributes),
            started_at=memory.started_at or now,
            start_score=portions.start,
            end_score=portions.end,
            shift=portions.shift,
        )

    def _own(self, reply: Reply, turn: Turn, *, session_attributes: Mapping[str, str] | None = None) -> HandlerResponse:
        """A reply the layer built, in the event's format, as if a handler had returned it (with its attributes)."""
        return HandlerResponse(
            lex_version=turn.lex_version,
            raw=render(reply, turn.lex_version),
            action=reply.action,
            intent_name=reply.intent_name,
            slots={name: value.interpreted if value else None for name, value in reply.slots.items()},
            session_attributes=session_attributes,
            has_message=bool(reply.message),
        )

    def _sorry_reply(self, session_attributes: dict[str, str]) -> Reply:
        """What an unreadable event, a failed handler or an unexpected error gets: a fresh question."""
        return Reply(DialogActionType.ELICIT_INTENT, session_attributes, message=self._options.wording.sorry_message)

    def _log(self, turn: Turn, outcome: TurnOutcome, intent_dimension: str) -> None:
        if turn.sentiment_unreadable:
            logger.warning("sentiment_unreadable")
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
        sentiment, answer = outcome.sentiment, outcome.answer
        fields: dict[str, Any] = {
            "sentiment": turn.sentiment.label.value if turn.sentiment else "unknown",
            "negative_score": round(turn.sentiment.negative, 4) if turn.sentiment else None,
            "turn_score": round(sentiment.turn_score, 2) if sentiment.turn_score is not None else None,
            "decision": sentiment.decision.value,
            "dialog_action": answer.response.action.value,
            "reply_intent": answer.response.intent_name,
            "recording": recording.outcome.value,
            "repeated_hook": outcome.repeated_hook,
            # The bounded intent name (as the metrics have it): template.yaml's TurnSentimentScoreFilter
            # turns this line's turn_score into the per-intent mean-score metric, at no cost per turn here.
            "metric_intent": intent_dimension,
        }
        # What happened only sometimes is logged only then: a shorter line on the common turn.
        if answer.handover_attributes:
            fields["handover_reason"] = answer.handover_attributes.get(Attr.HANDOVER_REASON)
            # The intent the hand-over interrupted, bounded as a dimension: the turn's own intent is
            # always the handover intent, so template.yaml's HandoversByIntentFilter counts this one.
            fields["handover_intent"] = self._intent_dimension(
                answer.handover_attributes.get(Attr.HANDOVER_INTENT) or NO_INTENT
            )
        if answer.memory.agent_offer_reason:
            fields["offer_reason"] = answer.memory.agent_offer_reason
        if answer.failure:
            fields["reported_failure"] = answer.failure.reason
        if answer.handler_error:
            fields["handler_error"] = answer.handler_error
        logger.info("turn_handled", extra=fields)

    def _count(self, outcome: TurnOutcome, intent_dimension: str) -> None:
        metrics.add_dimension(name="intent", value=intent_dimension)
        # An utterance is one turn, however many code hooks Lex calls for it (0 keeps the flush non-empty).
        metrics.add_metric(name="Turns", unit=MetricUnit.Count, value=0 if outcome.repeated_hook else 1)
        answer = outcome.answer
        for happened, name in (
            (outcome.apologised, "Apologies"),
            (outcome.offered_agent, "AgentOffers"),
            (outcome.handed_over, "Handovers"),
            (answer.failure is not None, "HandlerReportedFailures"),
            (answer.handler_error is not None, "HandlerErrors"),
        ):
            if happened:
                metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
        recording_metric = RECORDING_METRICS.get(outcome.recording.outcome)
        if recording_metric:
            metrics.add_metric(name=recording_metric, unit=MetricUnit.Count, value=1)

    def _bot_intent(self, intent: str | None) -> str | None:
        """The intent, if it is one of the bot's (when the bot named them; memory holds only Lex names)."""
        known = self._options.metric_intents
        return intent if intent and (known is None or intent in known) else None

    def _intent_dimension(self, intent: str) -> str:
        known = self._options.metric_intents
        if known is not None:
            return intent if intent in known else OTHER_INTENT
        if intent in self._intent_dimensions:
            return intent
        if _LEX_INTENT_NAME.match(intent) and len(self._intent_dimensions) < MAX_INTENT_DIMENSIONS:
            self._intent_dimensions.add(intent)
            return intent
        return OTHER_INTENT


def _error_fields(error: BaseException) -> dict[str, str]:
    """The error's type and where it was raised: never its message, which can carry customer input."""
    fields = {"error_type": type(error).__name__}
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is not None:
        code = trace.tb_frame.f_code
        fields["error_location"] = f"{code.co_filename.rsplit('/', 1)[-1]}:{trace.tb_lineno} in {code.co_name}"
    return fields


def redacted_shape(text: str) -> str:
    """'Where is 21132?' -> 'Aaaaa aa #####?': letters become a/A, digits #, the rest stays; at most 80 characters."""
    shape = "".join("#" if c.isdigit() else ("A" if c.isupper() else "a") if c.isalpha() else c for c in text[:80])
    return shape + ("…" if len(text) > 80 else "")


def _log_shape(turn: Turn) -> None:
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
