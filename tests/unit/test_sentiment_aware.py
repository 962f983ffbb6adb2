"""The public decorator around a team's own handler (not DeliveryBot): what it does to the handler's replies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lexsentiment import Decision, sentiment_aware, turn_sentiment
from lexsentiment.layer import SentimentLayer
from lexsentiment.lex.response import _validated_v1, _validated_v2, _well_formed_v1, _well_formed_v2
from lexsentiment.lex.turn import LexVersion
from lexsentiment.observability import metrics
from tests.support import (
    DEFAULT_SETTINGS,
    FakeRecorder,
    assert_valid_response,
    dialog_action,
    load_event,
    reply_text,
    session_attributes,
    with_sentiment_v2,
)

APOLOGY = "Apologies for the inconvenience."
OFFER = f"{APOLOGY} Would you like to speak to an agent?"
Handler = Callable[[dict[str, Any], Any], Any]
TeamHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def team_layer(handler: Handler, recorder: FakeRecorder | None = None, **options: Any) -> SentimentLayer:
    """The team's handler in the layer, on fake recording, without Powertools' Lambda context."""
    wrapped = sentiment_aware(
        handler, settings=DEFAULT_SETTINGS, recorder=recorder if recorder is not None else FakeRecorder(), **options
    )
    layer: SentimentLayer = wrapped.sentiment_layer
    return layer


def v2_reply(
    action: str, message: str | None = "Which city?", *, content_type: str = "PlainText", **extra: Any
) -> TeamHandler:
    """A team handler that answers every V2 event with the same plain response."""

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        state: dict[str, Any] = {"dialogAction": {"type": action}, "sessionAttributes": {"teamKey": "kept"}}
        if action != "ElicitIntent":
            state["intent"] = {"name": "BookHotel", "slots": {"City": None}, "state": "InProgress"}
        if action == "ElicitSlot":
            state["dialogAction"]["slotToElicit"] = "City"
        if action == "Close":
            state["intent"]["state"] = "Fulfilled"
        response: dict[str, Any] = {"sessionState": state, **extra}
        if message is not None:
            response["messages"] = [{"contentType": content_type, "content": message}]
        return response

    return handler


def scored(negative: float, event_file: str = "lexv2/check-delivery-status-calm.json") -> dict[str, Any]:
    return with_sentiment_v2(load_event(event_file), negative)


def test_a_calm_turn_goes_out_as_the_handler_wrote_it_but_for_the_session_attributes() -> None:
    handler = v2_reply("ElicitSlot", responseCard={"kept": "as is"})
    event = scored(0.1)
    event["sessionState"]["sessionAttributes"] = {"callerKey": "from Connect"}

    response = team_layer(handler)(event, None)

    expected = handler(event, None)
    assert {key: value for key, value in response.items() if key != "sessionState"} == {
        key: value for key, value in expected.items() if key != "sessionState"
    }
    assert response["sessionState"]["dialogAction"] == expected["sessionState"]["dialogAction"]
    attributes = session_attributes(response)
    assert attributes["callerKey"] == "from Connect"
    assert attributes["teamKey"] == "kept"
    assert attributes["scoredTurns"] == "1"


@pytest.mark.parametrize(("negative", "apologised"), [(0.49, False), (0.5, True), (0.51, True)])
def test_the_apology_starts_at_the_response_threshold(negative: float, apologised: bool) -> None:
    response = team_layer(v2_reply("ElicitSlot"))(scored(negative), None)

    assert reply_text(response) == (f"{APOLOGY} Which city?" if apologised else "Which city?")
    assert dialog_action(response) == "ElicitSlot"


def test_ssml_gets_the_apology_inside_speak() -> None:
    handler = v2_reply("ElicitSlot", "<speak>Which <emphasis>city</emphasis>?</speak>", content_type="SSML")

    response = team_layer(handler)(scored(0.6), None)

    assert reply_text(response) == f"<speak>{APOLOGY} Which <emphasis>city</emphasis>?</speak>"


def test_a_message_that_already_apologises_is_not_apologised_twice() -> None:
    handler = v2_reply("ElicitSlot", "apologies for the inconvenience. Which city?")

    response = team_layer(handler)(scored(0.6), None)

    assert reply_text(response) == "apologies for the inconvenience. Which city?"


@pytest.mark.parametrize(
    "message",
    ["Sorry. apologies for the inconvenience! Which city?", "APOLOGIES FOR THE INCONVENIENCE, which city?"],
)
def test_an_apology_in_other_case_or_punctuation_is_not_apologised_for_twice(message: str) -> None:
    response = team_layer(v2_reply("ElicitSlot", message))(scored(0.6), None)

    assert reply_text(response) == message


def test_a_reply_without_messages_keeps_the_bots_own_prompt() -> None:
    response = team_layer(v2_reply("ElicitSlot", None))(scored(0.6), None)

    assert "messages" not in response


def test_a_card_first_gets_a_plain_apology_before_it() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        card = {"contentType": "ImageResponseCard", "imageResponseCard": {"title": "Pick a room"}}
        return {**v2_reply("ElicitSlot")(event, context), "messages": [card]}

    response = team_layer(handler)(scored(0.6), None)

    assert response["messages"][0] == {"contentType": "PlainText", "content": APOLOGY}
    assert response["messages"][1]["contentType"] == "ImageResponseCard"


@pytest.mark.parametrize("action", ["ElicitSlot", "ElicitIntent", "ConfirmIntent", "Delegate"])
@pytest.mark.parametrize("negative", [0.8, 0.95])
def test_a_very_upset_customer_is_offered_an_agent_instead_of_a_question(action: str, negative: float) -> None:
    response = team_layer(v2_reply(action), handover_intent="SpeakToAgent")(scored(negative), None)

    assert_valid_response(response, "V2")
    assert dialog_action(response) == "ConfirmIntent"
    assert response["sessionState"]["intent"]["name"] == "SpeakToAgent"
    assert reply_text(response) == OFFER
    assert session_attributes(response)["agentOfferReason"] == "negative_sentiment"


def test_the_offer_in_place_of_the_handlers_question_keeps_the_handlers_and_the_callers_attributes() -> None:
    event = scored(0.9)
    event["sessionState"]["sessionAttributes"] = {"callerKey": "from Connect"}

    response = team_layer(v2_reply("ElicitSlot"))(event, None)

    assert dialog_action(response) == "ConfirmIntent"
    attributes = session_attributes(response)
    assert attributes["teamKey"] == "kept"
    assert attributes["callerKey"] == "from Connect"


def test_a_v1_offer_keeps_the_handlers_attributes_too() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "sessionAttributes": {"teamKey": "kept"},
            "dialogAction": {"type": "ElicitIntent", "message": {"contentType": "PlainText", "content": "What now?"}},
        }

    response = team_layer(handler)(load_event("lexv1/check-delivery-status-very-upset.json"), None)

    assert response["dialogAction"]["type"] == "ConfirmIntent"
    assert response["sessionAttributes"]["teamKey"] == "kept"


def test_just_below_the_handover_threshold_only_apologises() -> None:
    response = team_layer(v2_reply("ElicitSlot"))(scored(0.79), None)

    assert dialog_action(response) == "ElicitSlot"
    assert reply_text(response) == f"{APOLOGY} Which city?"


def test_an_answer_beats_an_offer() -> None:
    response = team_layer(v2_reply("Close", "Your room is booked."))(scored(0.95), None)

    assert dialog_action(response) == "Close"
    assert reply_text(response) == f"{APOLOGY} Your room is booked."


def test_the_third_upset_turn_in_a_row_offers_an_agent() -> None:
    layer = team_layer(v2_reply("ElicitSlot"))
    attributes: dict[str, str] = {}
    replies = []
    for index in range(3):
        event = scored(0.6)
        event["sessionState"]["originatingRequestId"] = f"utterance-{index}"
        event["sessionState"]["sessionAttributes"] = attributes
        replies.append(layer(event, None))
        attributes = session_attributes(replies[-1])

    assert [dialog_action(reply) for reply in replies] == ["ElicitSlot", "ElicitSlot", "ConfirmIntent"]
    assert session_attributes(replies[-1])["agentOfferReason"] == "repeated_negative"


def test_an_opted_out_intent_is_never_apologised_to_or_interrupted_but_still_recorded() -> None:
    recorder = FakeRecorder()
    layer = team_layer(v2_reply("ElicitSlot"), recorder, opt_out_intents={"CheckDeliveryStatus"})

    response = layer(scored(0.95), None)

    assert dialog_action(response) == "ElicitSlot"
    assert reply_text(response) == "Which city?"
    assert len(recorder.records) == 1


def test_the_handover_intent_is_the_layers_and_hands_over_with_the_connect_attributes() -> None:
    def never_called(event: dict[str, Any], context: Any) -> Any:
        raise AssertionError("the handler is not called for the handover intent")

    response = team_layer(never_called)(load_event("lexv2/agent-handover-accepted.json"), None)

    assert dialog_action(response) == "Close"
    assert reply_text(response) == "I'm transferring you to an agent now."
    attributes = session_attributes(response)
    assert attributes["handover"] == "true"
    assert attributes["handoverReason"] == "negative_sentiment"
    assert attributes["handoverIntent"] == "CheckDeliveryStatus"


@pytest.mark.parametrize("event_file", ["lexv2/agent-handover-declined.json", "lexv1/agent-handover-declined.json"])
def test_a_no_resumes_the_interrupted_intent_through_the_handler_with_its_slots(event_file: str) -> None:
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        if "currentIntent" in event:
            return {"dialogAction": {"type": "Delegate", "slots": event["currentIntent"]["slots"]}}
        return v2_reply("ElicitSlot", "Which number?")(event, context)

    event = load_event(event_file)
    attributes = event["sessionState"]["sessionAttributes"] if "sessionState" in event else event["sessionAttributes"]
    attributes["interruptedSlots"] = json.dumps({"trackingNumber": "21132"})

    response = team_layer(handler)(event, None)

    (resumed,) = seen
    assert resumed["invocationSource"] == "DialogCodeHook"
    if "currentIntent" in resumed:
        assert resumed["currentIntent"]["name"] == "CheckDeliveryStatus"
        assert resumed["currentIntent"]["slots"] == {"trackingNumber": "21132"}
        assert dialog_action(response) == "Delegate"
    else:
        intent = resumed["sessionState"]["intent"]
        assert intent["name"] == "CheckDeliveryStatus"
        assert intent["slots"]["trackingNumber"]["value"]["interpretedValue"] == "21132"
        assert reply_text(response) == "No problem. Which number?"
    assert session_attributes(response)["agentOfferDeclined"] == "true"


def test_the_fulfilment_call_after_a_no_that_delegated_still_answers_the_no() -> None:
    """A "no" whose resumed intent delegates: Lex calls the fulfilment hook for that same utterance.

    That call is still the answer to the "no": it starts "No problem.", a failure the handler reports
    there is not turned into a second offer, and the decline holds for the next very upset turn.
    """

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["invocationSource"] == "DialogCodeHook":
            return v2_reply("Delegate", None)(event, context)
        turn_sentiment().report_failure("booking_failed")
        return v2_reply("ElicitSlot", "That hotel is full. Which city?")(event, context)

    layer = team_layer(handler)
    declined = load_event("lexv2/agent-handover-declined.json")
    declined["sessionState"]["originatingRequestId"] = "the-no"
    delegated = layer(declined, None)
    metrics.clear_metrics()  # nothing flushes them outside Lambda's wrapper
    assert dialog_action(delegated) == "Delegate"

    fulfilment = scored(0.1, "lexv2/check-delivery-status-fulfilment.json")
    fulfilment["sessionState"]["originatingRequestId"] = "the-no"
    fulfilment["sessionState"]["sessionAttributes"] = session_attributes(delegated)
    answer = layer(fulfilment, None)
    metrics.clear_metrics()

    assert dialog_action(answer) == "ElicitSlot"
    assert reply_text(answer) == "No problem. That hotel is full. Which city?"
    assert session_attributes(answer)["agentOfferDeclined"] == "true"
    assert "agentOfferReason" not in session_attributes(answer)

    furious = scored(0.95)
    furious["sessionState"]["originatingRequestId"] = "next"
    furious["sessionState"]["sessionAttributes"] = session_attributes(answer)
    after = layer(furious, None)
    assert dialog_action(after) == "Delegate"  # not the offer: only the apology a Delegate cannot carry
    assert "agentOfferReason" not in session_attributes(after)


def test_an_upset_no_that_delegated_is_not_counted_twice_in_the_upset_streak() -> None:
    layer = team_layer(v2_reply("Delegate", None))
    declined = with_sentiment_v2(load_event("lexv2/agent-handover-declined.json"), 0.9)
    declined["sessionState"]["originatingRequestId"] = "the-no"
    delegated = layer(declined, None)
    metrics.clear_metrics()

    fulfilment = scored(0.9, "lexv2/check-delivery-status-fulfilment.json")
    fulfilment["sessionState"]["originatingRequestId"] = "the-no"
    fulfilment["sessionState"]["sessionAttributes"] = session_attributes(delegated)
    answer = layer(fulfilment, None)
    metrics.clear_metrics()

    assert session_attributes(delegated)["negativeTurns"] == "0"  # a "no" starts the streak afresh
    assert session_attributes(answer)["negativeTurns"] == "0"  # and its second call does not count it


def test_a_handlers_own_offer_in_answer_to_a_no_remembers_the_resumed_intent() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "sessionState": {
                "dialogAction": {"type": "ConfirmIntent"},
                "intent": {"name": "AgentHandover", "slots": {}, "state": "InProgress"},
            },
            "messages": [{"contentType": "PlainText", "content": "Shall I get you a colleague?"}],
        }

    response = team_layer(handler)(load_event("lexv2/agent-handover-declined.json"), None)

    assert reply_text(response) == "No problem. Shall I get you a colleague?"
    assert session_attributes(response)["interruptedIntent"] == "CheckDeliveryStatus"


def test_a_no_with_nothing_to_resume_asks_what_else() -> None:
    event = load_event("lexv2/agent-handover-declined.json")
    del event["sessionState"]["sessionAttributes"]["interruptedIntent"]

    response = team_layer(v2_reply("ElicitSlot"), declined_message="No problem. Anything else?")(event, None)

    assert dialog_action(response) == "ElicitIntent"
    assert reply_text(response) == "No problem. Anything else?"


@pytest.mark.parametrize(
    "broken",
    [
        lambda event, context: 1 / 0,
        lambda event, context: None,
        lambda event, context: {"sessionState": {"dialogAction": {"type": "Explode"}}},
        lambda event, context: {"dialogAction": {"type": "Close", "fulfillmentState": "Fulfilled"}},  # V1 for V2
        lambda event, context: {"sessionState": {"dialogAction": {"type": "ElicitSlot"}, "intent": {"name": "X"}}},
    ],
)
def test_a_broken_handler_gets_a_valid_sorry_and_one_log_line_without_input(
    broken: Handler, log_lines: list[str]
) -> None:
    event = scored(0.1)
    event["sessionState"]["sessionAttributes"] = {"callerKey": "kept"}

    response = team_layer(broken, sorry_message="Sorry, that went wrong. What now?")(event, None)

    assert_valid_response(response, "V2")
    assert dialog_action(response) == "ElicitIntent"
    assert reply_text(response) == "Sorry, that went wrong. What now?"
    assert session_attributes(response)["callerKey"] == "kept"
    logged = [json.loads(line) for line in log_lines]
    (failure,) = [line for line in logged if line["message"] in {"handler_failed", "handler_reply_invalid"}]
    assert failure["level"] == "ERROR"
    assert event["inputTranscript"] not in "\n".join(log_lines)


def test_a_v1_handler_gets_the_same_rules_in_v1_shape() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "dialogAction": {
                "type": "ElicitSlot",
                "intentName": "CheckDeliveryStatus",
                "slots": {"trackingNumber": None},
                "slotToElicit": "trackingNumber",
                "message": {"contentType": "PlainText", "content": "Which number?"},
            }
        }

    upset = team_layer(handler)(load_event("lexv1/check-delivery-status-blog.json"), None)
    furious = team_layer(handler)(load_event("lexv1/check-delivery-status-very-upset.json"), None)

    assert_valid_response(upset, "V1")
    assert reply_text(upset) == f"{APOLOGY} Which number?"
    assert_valid_response(furious, "V1")
    assert furious["dialogAction"]["intentName"] == "AgentHandover"
    assert reply_text(furious) == OFFER


def test_the_handlers_attributes_win_an_empty_one_removes_a_key_and_the_layers_own_cannot_be_set() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        response = v2_reply("ElicitSlot")(event, context)
        response["sessionState"]["sessionAttributes"] = {"plan": "gold", "stale": "", "handover": "true"}
        return response

    event = scored(0.1)
    event["sessionState"]["sessionAttributes"] = {"plan": "silver", "stale": "x", "kept": "y"}

    attributes = session_attributes(team_layer(handler)(event, None))

    assert attributes["plan"] == "gold"
    assert "stale" not in attributes
    assert attributes["kept"] == "y"
    assert "handover" not in attributes


def test_the_handler_can_read_the_turns_assessment() -> None:
    seen: list[tuple[Decision, bool, int, float | None]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        view = turn_sentiment()
        seen.append((view.decision, view.upset, view.negative_streak, view.negative_score))
        return v2_reply("ElicitSlot")(event, context)

    team_layer(handler)(scored(0.6), None)

    assert seen == [(Decision.APOLOGISE, True, 1, 0.6)]
    with pytest.raises(LookupError):
        turn_sentiment()


def test_a_failure_the_handler_reports_offers_an_agent_for_its_reason() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        turn_sentiment().report_failure("payment_failed")
        return v2_reply("ElicitSlot")(event, context)

    response = team_layer(handler)(scored(0.1), None)

    assert dialog_action(response) == "ConfirmIntent"
    assert session_attributes(response)["agentOfferReason"] == "payment_failed"


def test_without_a_sentiment_table_the_rules_still_apply_and_nothing_is_recorded() -> None:
    layer = sentiment_aware(v2_reply("ElicitSlot"), settings=DEFAULT_SETTINGS).sentiment_layer

    response = layer(scored(0.6), None)

    assert reply_text(response) == f"{APOLOGY} Which city?"


def test_metric_dimensions_stay_bounded_for_intents_we_have_never_seen() -> None:
    layer = team_layer(v2_reply("ElicitSlot"))
    for index in range(105):
        event = scored(0.1)
        event["sessionState"]["intent"]["name"] = f"Intent{index}"
        event["sessionState"]["originatingRequestId"] = f"utterance-{index}"
        layer(event, None)
        metrics.clear_metrics()

    event = scored(0.1)
    event["sessionState"]["intent"]["name"] = "IntentNumber106"
    layer(event, None)

    metric_set: dict[str, Any] = dict(metrics.serialize_metric_set())
    assert metric_set["intent"] == "Other"


VALUES: st.SearchStrategy[Any] = (
    st.none() | st.booleans() | st.integers() | st.sampled_from(["", "x", "Close", "ElicitSlot", "SSML"]) | st.just({})
)
VALID_REPLIES: dict[LexVersion, list[dict[str, Any]]] = {
    LexVersion.V2: [
        v2_reply(action)({}, None) for action in ("Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot")
    ],
    LexVersion.V1: [
        {"dialogAction": {"type": "Close", "fulfillmentState": "Fulfilled"}, "sessionAttributes": {"a": "b"}},
        {
            "dialogAction": {
                "type": "ElicitSlot",
                "intentName": "BookHotel",
                "slots": {"City": None},
                "slotToElicit": "City",
                "message": {"contentType": "PlainText", "content": "Which city?"},
            }
        },
    ],
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated_replies(draw: st.DrawFn) -> tuple[LexVersion, dict[str, Any]]:
    """A valid reply with one part replaced by something else (or removed)."""
    version: LexVersion = draw(st.sampled_from([LexVersion.V1, LexVersion.V2]))
    reply = json.loads(json.dumps(draw(st.sampled_from(VALID_REPLIES[version]))))
    path = draw(st.sampled_from(_paths(reply)[1:]))
    holder = reply
    for part in path[:-1]:
        holder = holder[part]
    if draw(st.booleans()) and isinstance(holder, dict):
        del holder[path[-1]]
    else:
        holder[path[-1]] = draw(VALUES)
    return version, reply


@settings(max_examples=2_000, deadline=None)
@given(case=mutated_replies())
def test_the_fast_reading_of_a_reply_never_accepts_what_the_models_reject(
    case: tuple[LexVersion, dict[str, Any]],
) -> None:
    version, response = case
    fast = _well_formed_v1(response) if version is LexVersion.V1 else _well_formed_v2(response)
    if fast is None:
        return
    validated = _validated_v1(response) if version is LexVersion.V1 else _validated_v2(response)
    assert (fast.action, fast.intent_name, dict(fast.slots), fast.has_message) == (
        validated.action,
        validated.intent_name,
        dict(validated.slots),
        validated.has_message,
    )


@settings(max_examples=500, deadline=None)
@given(attributes=st.dictionaries(st.text(max_size=40), st.text(max_size=600), max_size=40))
def test_the_quick_size_check_never_lets_an_oversized_map_through(attributes: dict[str, str]) -> None:
    from lexsentiment.memory import SESSION_ATTRIBUTES_LIMIT, _surely_fits, attributes_size

    if _surely_fits(attributes):
        assert attributes_size(attributes) <= SESSION_ATTRIBUTES_LIMIT


def test_the_decorated_handler_answers_a_test_that_passes_no_lambda_context(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)  # the local tools set it for their process
    handler = sentiment_aware(v2_reply("ElicitSlot"), settings=DEFAULT_SETTINGS, recorder=FakeRecorder())

    response = handler(scored(0.6), None)  # as a team's own unit test calls its handler

    assert reply_text(response) == f"{APOLOGY} Which city?"
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert [metric.get("Apologies") for metric in emitted] == [[1.0]]  # the turn's metrics still flushed


def test_an_utterance_is_one_turn_in_the_metrics_however_many_code_hooks_lex_calls() -> None:
    layer = team_layer(v2_reply("Delegate", None))
    dialog = scored(0.1)
    dialog["sessionState"]["originatingRequestId"] = "one-utterance"
    delegated = layer(dialog, None)
    first = dict(metrics.serialize_metric_set())
    metrics.clear_metrics()

    fulfilment = scored(0.1, "lexv2/check-delivery-status-fulfilment.json")
    fulfilment["sessionState"]["originatingRequestId"] = "one-utterance"
    fulfilment["sessionState"]["sessionAttributes"] = session_attributes(delegated)
    layer(fulfilment, None)
    second = dict(metrics.serialize_metric_set())
    metrics.clear_metrics()

    assert first["Turns"] == [1.0]
    assert second["Turns"] == [0.0]  # counted once (Sum), and the flush of the second call is not empty
