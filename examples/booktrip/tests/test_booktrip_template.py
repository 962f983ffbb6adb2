"""template.yaml and the code agree: the bot has the intents the handler knows, and the wiring is least-privilege."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import yaml
from booktrip import app
from booktrip_support import TEMPLATE, action, event_names, intent_name, invoke, load_event

from lexsentiment.settings import LayerSettings


class CloudFormationLoader(yaml.SafeLoader):
    """SafeLoader that reads !Ref, !GetAtt, !Sub, !If ... as their long-form dictionaries."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in {"Ref", "Condition"} else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        return {name: value.split(".", 1) if suffix == "GetAtt" else value}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    assert isinstance(node, yaml.MappingNode)
    return {name: loader.construct_mapping(node, deep=True)}


CloudFormationLoader.add_multi_constructor("!", _intrinsic)

with TEMPLATE.open(encoding="utf-8") as handle:
    TEMPLATE_DOCUMENT = yaml.load(handle, Loader=CloudFormationLoader)  # noqa: S506 - a SafeLoader subclass
RESOURCES = TEMPLATE_DOCUMENT["Resources"]
PARAMETERS = TEMPLATE_DOCUMENT["Parameters"]
FUNCTION = RESOURCES["BookTripFunction"]["Properties"]


def of_type(resource_type: str) -> dict[str, Any]:
    return {name: resource for name, resource in RESOURCES.items() if resource["Type"] == resource_type}


def bot_locale() -> dict[str, Any]:
    (bot,) = of_type("AWS::Lex::Bot").values()
    locales: list[dict[str, Any]] = bot["Properties"]["BotLocales"]
    (locale,) = locales
    return locale


def bot_intents() -> dict[str, dict[str, Any]]:
    return {intent["Name"]: intent for intent in bot_locale()["Intents"]}


def test_the_bots_intents_are_exactly_the_ones_the_handler_and_the_layer_answer() -> None:
    assert set(bot_intents()) == {*app.INTENTS, app.HANDOVER_INTENT}


def test_the_handover_intent_the_decorator_offers_exists_in_the_bot() -> None:
    offer = invoke(load_event("book-hotel-very-upset"))

    assert action(offer) == "ConfirmIntent"
    assert intent_name(offer) == app.HANDOVER_INTENT
    assert intent_name(offer) in bot_intents()


def test_the_fallback_intent_is_built_on_amazons() -> None:
    assert bot_intents()["FallbackIntent"]["ParentIntentSignature"] == "AMAZON.FallbackIntent"


@pytest.mark.parametrize("intent", ["BookHotel", "BookCar", "SpeakToAgent", "FallbackIntent"])
def test_both_code_hooks_are_enabled(intent: str) -> None:
    assert bot_intents()[intent]["DialogCodeHook"] == {"Enabled": True}
    assert bot_intents()[intent]["FulfillmentCodeHook"] == {"Enabled": True}


@pytest.mark.parametrize("name", event_names())
def test_the_events_name_the_slots_the_bot_defines(name: str) -> None:
    intent = load_event(name)["sessionState"]["intent"]
    defined = {slot["Name"]: slot for slot in bot_intents()[intent["name"]].get("Slots", [])}

    assert set(intent["slots"]) == set(defined)


@pytest.mark.parametrize("intent", ["BookHotel", "BookCar"])
def test_every_slot_has_a_prompt_a_priority_and_a_type_the_locale_knows(intent: str) -> None:
    slots = bot_intents()[intent]["Slots"]
    custom_types = {slot_type["Name"] for slot_type in bot_locale()["SlotTypes"]}

    assert {priority["SlotName"] for priority in bot_intents()[intent]["SlotPriorities"]} == {s["Name"] for s in slots}
    for slot in slots:
        assert slot["SlotTypeName"].startswith("AMAZON.") or slot["SlotTypeName"] in custom_types
        prompt = slot["ValueElicitationSetting"]["PromptSpecification"]["MessageGroupsList"][0]
        assert prompt["Message"]["PlainTextMessage"]["Value"]


def test_the_alias_detects_sentiment_and_calls_the_function() -> None:
    (alias,) = of_type("AWS::Lex::BotAlias").values()
    properties = alias["Properties"]
    (locale,) = properties["BotAliasLocaleSettings"]

    assert properties["SentimentAnalysisSettings"] == {"DetectSentiment": True}
    assert locale["LocaleId"] == bot_locale()["LocaleId"] == "en_US"
    hook = locale["BotAliasLocaleSetting"]["CodeHookSpecification"]["LambdaCodeHook"]
    assert hook == {"LambdaArn": {"Fn::GetAtt": ["BookTripFunction", "Arn"]}, "CodeHookInterfaceVersion": "1.0"}


def test_only_the_bots_alias_may_invoke_the_function() -> None:
    (permission,) = of_type("AWS::Lambda::Permission").values()
    properties = permission["Properties"]

    assert properties["Principal"] == "lexv2.amazonaws.com"
    assert properties["Action"] == "lambda:InvokeFunction"
    assert properties["FunctionName"] == {"Fn::GetAtt": ["BookTripFunction", "Arn"]}
    assert properties["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot-alias/"
        "${BookTripBot.Id}/${BookTripBotAlias.BotAliasId}"
    }


def test_the_function_runs_this_handler_on_the_sentiment_layer() -> None:
    module, function = FUNCTION["Handler"].rsplit(".", 1)

    assert getattr(importlib.import_module(module), function) is app.lambda_handler
    assert FUNCTION["CodeUri"] == "src/"
    assert FUNCTION["Runtime"] == "python3.13"
    assert FUNCTION["Architectures"] == ["arm64"]
    assert FUNCTION["Layers"] == [{"Ref": "SentimentLayerArn"}]


def test_the_layers_settings_come_from_parameters_whose_defaults_are_the_layers() -> None:
    variables = FUNCTION["Environment"]["Variables"]
    defaults = LayerSettings()
    expected = {
        "RESPONSE_THRESHOLD": ("ResponseThreshold", defaults.response_threshold),
        "AGENT_HANDOVER_THRESHOLD": ("AgentHandoverThreshold", defaults.agent_handover_threshold),
        "NEGATIVE_TURNS_BEFORE_HANDOVER": ("NegativeTurnsBeforeHandover", defaults.negative_turns_before_handover),
        "SENTIMENT_TABLE_NAME": ("SentimentTableName", ""),
        "TURN_RETENTION_DAYS": ("TurnRetentionDays", 90),
        "CONVERSATION_RETENTION_DAYS": ("ConversationRetentionDays", 365),
    }

    for variable, (parameter, default) in expected.items():
        assert variables[variable] == {"Ref": parameter}
        assert PARAMETERS[parameter]["Default"] == default
    assert variables["POWERTOOLS_SERVICE_NAME"] == {"Ref": "AWS::StackName"}  # two stacks never share metrics
    assert variables["SENTIMENT_BACKLOG_QUEUE_URL"] == {
        "Fn::If": ["HasBacklog", {"Ref": "SentimentBacklogQueueUrl"}, ""]
    }
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "BookTrip"


def test_recording_is_granted_only_the_layers_writes_and_only_when_a_table_is_named() -> None:
    key_read, policy, backlog = FUNCTION["Policies"]
    condition, granted, otherwise = policy["Fn::If"]
    (statement,) = granted["Statement"]

    assert TEMPLATE_DOCUMENT["Conditions"][condition] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "SentimentTableName"}, ""]}]
    }
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    # The memory is sealed whether or not it is recorded: the hand-over attributes agents read come from it.
    assert key_read == {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "MemorySealSecret"}}}
    assert FUNCTION["Environment"]["Variables"]["MEMORY_SEAL_SECRET"] == {"Ref": "MemorySealSecret"}
    assert statement["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${SentimentTableName}"
    }
    # The backlog queue, only when a table and a queue are named, and only to send to it.
    queue_condition, (queued,), no_queue = backlog["Fn::If"][0], backlog["Fn::If"][1]["Statement"], backlog["Fn::If"][2]
    assert queue_condition == "HasBacklog" and no_queue == {"Ref": "AWS::NoValue"}
    assert queued["Action"] == "sqs:SendMessage"
    assert {"Condition": "RecordsSentiment"} in TEMPLATE_DOCUMENT["Conditions"]["HasBacklog"]["Fn::And"]


def test_the_logs_are_kept_for_a_bounded_time() -> None:
    (log_group,) = of_type("AWS::Logs::LogGroup").values()

    assert log_group["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${BookTripFunction}"}
    assert log_group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_every_output_is_described() -> None:
    assert all(output["Description"] for output in TEMPLATE_DOCUMENT["Outputs"].values())
