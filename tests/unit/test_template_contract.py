"""template.yaml and the code agree: the bot has what the handler names, and the wiring is least-privilege."""

from __future__ import annotations

from typing import Any

import pytest

from deliverybot.intents.common import (
    AGENT_HANDOVER,
    CHANGE_DELIVERY_DATE,
    CHECK_DELIVERY_STATUS,
    FALLBACK,
    INTENTS,
    NEW_DELIVERY_DATE,
    TRACKING_NUMBER,
)
from lexsentiment.memory import Attr
from lexsentiment.recording.table import DynamoDbSentimentRecorder
from local.flow import in_sync, load_flow
from local.template import load_template
from tests.support import ROOT

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
# Lex calls the function's published "live" alias (AutoPublishAlias), never $LATEST (SnapStart needs versions).
FUNCTION_ARN = {"Ref": "DeliveryBotFunction.Alias"}
# The slots each intent's dialogue reads.
SLOTS_THE_CODE_READS = {
    CHECK_DELIVERY_STATUS: {TRACKING_NUMBER},
    CHANGE_DELIVERY_DATE: {TRACKING_NUMBER, NEW_DELIVERY_DATE},
    AGENT_HANDOVER: set(),
    FALLBACK: set(),
}


def bot_intents() -> dict[str, dict[str, Any]]:
    (locale,) = RESOURCES["DeliveryBot"]["Properties"]["BotLocales"]
    return {intent["Name"]: intent for intent in locale["Intents"]}


def test_every_intent_the_code_handles_is_in_the_bot_and_the_other_way_round() -> None:
    assert set(bot_intents()) == set(INTENTS) == set(SLOTS_THE_CODE_READS)


@pytest.mark.parametrize("intent_name", sorted(SLOTS_THE_CODE_READS))
def test_the_bot_defines_the_slots_the_code_reads_with_prompts(intent_name: str) -> None:
    intent = bot_intents()[intent_name]
    slots = {slot["Name"]: slot for slot in intent.get("Slots", [])}

    assert set(slots) == SLOTS_THE_CODE_READS[intent_name]
    assert {item["SlotName"] for item in intent.get("SlotPriorities", [])} == set(slots)
    for slot in slots.values():
        prompts = slot["ValueElicitationSetting"]["PromptSpecification"]["MessageGroupsList"]
        assert prompts[0]["Message"]["PlainTextMessage"]["Value"]


@pytest.mark.parametrize("intent_name", sorted(SLOTS_THE_CODE_READS))
def test_both_code_hooks_are_enabled_where_the_code_expects_calls(intent_name: str) -> None:
    # The dialog hook validates and delegates; the fulfilment hook looks up, reschedules or hands over.
    intent = bot_intents()[intent_name]

    assert intent["DialogCodeHook"] == {"Enabled": True}
    assert intent["FulfillmentCodeHook"]["Enabled"] is True


def test_the_fallback_intent_is_the_mandatory_built_in_one() -> None:
    assert bot_intents()[FALLBACK]["ParentIntentSignature"] == "AMAZON.FallbackIntent"


def test_the_seed_blog_utterance_is_a_sample_utterance() -> None:
    utterances = [item["Utterance"] for item in bot_intents()[CHECK_DELIVERY_STATUS]["SampleUtterances"]]

    assert "When is my package arriving? It's so late." in utterances


@pytest.mark.parametrize(
    "alias_settings",
    [
        RESOURCES["DeliveryBotAlias"]["Properties"],
        RESOURCES["DeliveryBot"]["Properties"]["TestBotAliasSettings"],
    ],
    ids=["live alias", "test alias"],
)
def test_sentiment_and_the_code_hook_are_on_for_both_aliases(alias_settings: dict[str, Any]) -> None:
    assert alias_settings["SentimentAnalysisSettings"] == {"DetectSentiment": True}
    (locale,) = alias_settings["BotAliasLocaleSettings"]
    hook = locale["BotAliasLocaleSetting"]["CodeHookSpecification"]["LambdaCodeHook"]
    assert hook == {"LambdaArn": FUNCTION_ARN, "CodeHookInterfaceVersion": "1.0"}
    assert locale["BotAliasLocaleSetting"]["Enabled"] is True


def test_only_our_bot_aliases_may_invoke_the_code_hook() -> None:
    permissions = {
        logical_id: resource["Properties"]
        for logical_id, resource in RESOURCES.items()
        if resource["Type"] == "AWS::Lambda::Permission"
    }

    assert {permission["Principal"] for permission in permissions.values()} == {"lexv2.amazonaws.com"}
    source_arns = [permission["SourceArn"] for permission in permissions.values()]
    assert {"Fn::GetAtt": ["DeliveryBotAlias", "Arn"]} in source_arns
    assert {
        "Fn::Sub": "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot-alias/${DeliveryBot.Id}/TSTALIASID"
    } in source_arns
    assert "*" not in str(source_arns)
    assert all(permission["FunctionName"] == FUNCTION_ARN for permission in permissions.values())


def iam_statements() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for logical_id, resource in RESOURCES.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            # SAM policy templates ({"SQSSendMessagePolicy": ...}) are checked on their own below.
            documents = [policy for policy in properties.get("Policies", []) if "Statement" in policy]
        elif resource["Type"] == "AWS::IAM::Role":
            documents = [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        else:
            continue
        found += [(logical_id, statement) for document in documents for statement in document["Statement"]]
    return found


def test_no_iam_statement_grants_every_resource_except_where_the_service_requires_it() -> None:
    # Polly's SynthesizeSpeech and Comprehend's DetectSentiment have no resource-level permissions.
    wildcard = [(role, statement.get("Sid")) for role, statement in iam_statements() if statement["Resource"] == "*"]

    assert wildcard == [("BotRuntimeRole", "SpeechAndSentiment")]


def test_the_code_hook_may_only_read_and_update_deliveries_and_write_sentiment() -> None:
    statements = {statement["Sid"]: statement for role, statement in iam_statements() if role == "DeliveryBotFunction"}

    assert statements["ReadAndRescheduleDeliveries"]["Action"] == ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    # TransactWriteItems is authorised per Put and Update; no ConditionCheck item is ever sent.
    assert statements["RecordSentiment"]["Action"] == ["dynamodb:PutItem", "dynamodb:UpdateItem"]


@pytest.mark.parametrize("parameter", ["ResponseThreshold", "AgentHandoverThreshold"])
def test_threshold_parameters_are_bounded_like_the_settings(parameter: str) -> None:
    definition = TEMPLATE["Parameters"][parameter]

    assert (definition["MinValue"], definition["MaxValue"]) == (0, 1)


def test_the_sentiment_table_expires_turn_records_on_the_attribute_the_code_writes() -> None:
    table = RESOURCES["SentimentTable"]
    recorder_item_keys = DynamoDbSentimentRecorder.TTL_ATTRIBUTE

    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": recorder_item_keys, "Enabled": True}
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("table", ["DeliveriesTable", "SentimentTable"])
def test_tables_are_on_demand_encrypted_and_recoverable(table: str) -> None:
    properties = RESOURCES[table]["Properties"]

    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_layer_is_built_for_the_function_runtime() -> None:
    layer = RESOURCES["CommonLayer"]
    function = TEMPLATE["Globals"]["Function"]

    assert layer["Properties"]["ContentUri"] == "layers/common/python/"
    assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
    assert (function["Runtime"], function["Architectures"]) == ("python3.13", ["arm64"])


@pytest.mark.parametrize(
    ("artifact", "modules"),
    [
        (
            "CommonLayer/python",
            ["lexsentiment/layer", "pydantic/main", "botocore/client", "aws_lambda_powertools/logging/logger"],
        ),
        ("DeliveryBotFunction", ["deliverybot/app", "deliverybot/intents/check_delivery_status"]),
    ],
)
def test_the_built_layer_and_function_ship_bytecode_for_the_runtime(artifact: str, modules: list[str]) -> None:
    """Lambda's /opt and /var/task are read-only: code without .pyc files is compiled on every cold start."""
    built = ROOT / ".aws-sam" / "build" / artifact
    if not built.is_dir():
        pytest.skip("no `sam build` output here (make test builds before it runs the tests)")
    for module in modules:
        package, name = module.rsplit("/", 1)
        bytecode = built / package / "__pycache__" / f"{name}.cpython-313.pyc"
        assert bytecode.is_file(), f"{bytecode} is missing: an old build? Run `make build` again"
        header = bytecode.read_bytes()[:8]
        # PEP 552 flags: hash-based (bit 0) and not checked against the source (bit 1 clear),
        # because zip archives round file times and would make timestamp-checked bytecode stale.
        assert int.from_bytes(header[4:8], "little") == 0b01, bytecode


def test_the_built_layer_carries_its_dependencies_and_no_scripts() -> None:
    built = ROOT / ".aws-sam" / "build" / "CommonLayer" / "python"
    if not built.is_dir():
        pytest.skip("no `sam build` output here (make test builds before it runs the tests)")
    assert (built / "pydantic_core").is_dir() and not (built / "bin").exists()


def test_connect_resources_exist_only_when_an_instance_and_queue_are_given() -> None:
    connect = [
        logical_id for logical_id, resource in RESOURCES.items() if resource["Type"].startswith("AWS::Connect::")
    ]

    assert connect == ["ConnectBotAssociation", "ConnectHandoverFlow"]
    assert all(RESOURCES[logical_id]["Condition"] == "HasConnect" for logical_id in connect)
    assert RESOURCES["ConnectBotAssociation"]["Properties"]["IntegrationArn"] == {
        "Fn::GetAtt": ["DeliveryBotAlias", "Arn"]
    }


class TestContactFlow:
    flow = load_flow()
    actions = {action["Identifier"]: action for action in flow["Actions"]}

    def test_the_template_carries_the_flow_file(self) -> None:
        assert in_sync(), "run `make flow`"

    def test_it_is_flow_language_whose_transitions_all_lead_somewhere(self) -> None:
        assert self.flow["Version"] == "2019-10-30"
        assert self.flow["StartAction"] in self.actions
        for action in self.flow["Actions"]:
            transitions = action["Transitions"]
            targets = [transitions.get("NextAction")]
            targets += [branch["NextAction"] for branch in transitions.get("Conditions", [])]
            targets += [branch["NextAction"] for branch in transitions.get("Errors", [])]
            assert all(target in self.actions for target in targets if target is not None), action["Identifier"]

    def test_it_runs_our_bot_and_branches_on_the_handover_attribute(self) -> None:
        bot = self.actions[self.flow["StartAction"]]
        assert bot["Type"] == "ConnectParticipantWithLexBot"
        assert bot["Parameters"]["LexV2Bot"]["AliasArn"] == "${BotAliasArn}"
        check = self.actions[bot["Transitions"]["NextAction"]]
        assert check["Parameters"]["ComparisonValue"] == f"$.Lex.SessionAttributes.{Attr.HANDOVER}"
        assert check["Transitions"]["Conditions"][0]["Condition"] == {"Operator": "Equals", "Operands": ["true"]}

    def test_the_agent_sees_why_and_the_contact_is_queued_then_transferred(self) -> None:
        copy = self.actions["copy-handover-context"]["Parameters"]["Attributes"]
        for attribute in (
            Attr.HANDOVER_REASON,
            Attr.HANDOVER_SENTIMENT_SCORE,
            Attr.CONVERSATION_SENTIMENT_SCORE,
            Attr.HANDOVER_INTENT,
        ):
            assert copy[attribute] == f"$.Lex.SessionAttributes.{attribute}"
        assert self.actions["set-working-queue"]["Parameters"]["QueueId"] == "${QueueArn}"
        assert self.actions["set-working-queue"]["Transitions"]["NextAction"] == "transfer-to-queue"
        assert self.actions["transfer-to-queue"]["Type"] == "TransferContactToQueue"


def test_every_insights_route_is_behind_iam_auth_and_served_by_the_insights_function() -> None:
    api = RESOURCES["InsightsApi"]["Properties"]
    events = RESOURCES["InsightsFunction"]["Properties"]["Events"]

    assert api["Auth"]["DefaultAuthorizer"] == "AWS_IAM"
    routes = {(event["Properties"]["Method"], event["Properties"]["Path"]) for event in events.values()}
    assert routes == {
        ("GET", "/intents"),
        ("GET", "/intents/{intent}"),
        ("GET", "/conversations"),
        ("GET", "/conversations/{conversationId}"),
        ("GET", "/users/{userId}"),
        ("GET", "/bots"),
    }
    assert all(event["Properties"]["ApiId"] == {"Ref": "InsightsApi"} for event in events.values())
    assert all("Auth" not in event["Properties"] for event in events.values()), "no route may opt out of IAM"


def test_the_insights_function_can_only_read_the_sentiment_table() -> None:
    (statement,) = [statement for role, statement in iam_statements() if role == "InsightsFunction"]

    assert statement["Action"] == ["dynamodb:BatchGetItem", "dynamodb:Query"]
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["SentimentTable", "Arn"]},
        {"Fn::Sub": "${SentimentTable.Arn}/index/GSI1"},
    ]


def test_the_code_hook_may_send_only_to_its_backlog_queue_and_read_only_its_two_keys() -> None:
    templates = [
        policy for policy in RESOURCES["DeliveryBotFunction"]["Properties"]["Policies"] if "Statement" not in policy
    ]

    assert templates == [
        {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["SentimentBacklogQueue", "QueueName"]}}},
        {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "MemorySealSecret"}}},
        {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "UserIdSigningSecret"}}},
    ]
    variables = RESOURCES["DeliveryBotFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["MEMORY_SEAL_SECRET"] == {"Ref": "MemorySealSecret"}
    assert variables["USER_ID_SIGNING_SECRET"] == {"Ref": "UserIdSigningSecret"}
    for secret in ("MemorySealSecret", "UserIdSigningSecret"):
        generated = RESOURCES[secret]["Properties"]["GenerateSecretString"]
        assert generated["PasswordLength"] >= 32  # adapters/secrets.py refuses a key under 32 bytes


def test_only_lex_acting_for_a_bot_of_this_account_may_assume_the_bot_role() -> None:
    (statement,) = RESOURCES["BotRuntimeRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]

    assert statement["Principal"] == {"Service": "lexv2.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert statement["Condition"]["ArnLike"] == {
        "aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot/*"}
    }


def test_the_backlog_drain_may_only_write_sentiment_and_reports_partial_failures() -> None:
    properties = RESOURCES["SentimentBacklogFunction"]["Properties"]
    (statement,) = [statement for role, statement in iam_statements() if role == "SentimentBacklogFunction"]

    assert statement["Action"] == ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    assert statement["Resource"] == {"Fn::GetAtt": ["SentimentTable", "Arn"]}
    event = properties["Events"]["Backlog"]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Queue"] == {"Fn::GetAtt": ["SentimentBacklogQueue", "Arn"]}


def test_the_backlog_queues_are_encrypted_and_the_dead_letters_alarmed() -> None:
    queue = RESOURCES["SentimentBacklogQueue"]["Properties"]
    dead_letters = RESOURCES["SentimentBacklogDeadLetterQueue"]["Properties"]
    alarm = RESOURCES["SentimentBacklogDeadLetterAlarm"]["Properties"]

    assert queue["SqsManagedSseEnabled"] is True and dead_letters["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["SentimentBacklogDeadLetterQueue", "Arn"]}
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["SentimentBacklogDeadLetterQueue", "QueueName"]}
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")


DELETE_ACTIONS = {"dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable", "dynamodb:*"}


def test_only_the_erasure_function_may_delete_and_only_sentiment_items() -> None:
    deleting = [(role, statement) for role, statement in iam_statements() if DELETE_ACTIONS & set(statement["Action"])]

    assert [(role, statement["Sid"]) for role, statement in deleting] == [("ErasureFunction", "EraseSentiment")]
    ((_, statement),) = deleting
    assert statement["Action"] == ["dynamodb:Query", "dynamodb:BatchWriteItem"]  # never Scan
    assert statement["Resource"] == {"Fn::GetAtt": ["SentimentTable", "Arn"]}
    # The partitions erasure reaches (sentiment_keys: conversation_pk, user_pk); never the anonymous totals.
    assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONV#*", "USER#*"]}}
    templates = [
        policy for policy in RESOURCES["ErasureFunction"]["Properties"]["Policies"] if "Statement" not in policy
    ]
    assert templates == []


def test_the_erasure_route_is_behind_iam_auth_on_the_insights_api() -> None:
    properties = RESOURCES["ErasureFunction"]["Properties"]
    (event,) = properties["Events"].values()

    assert event["Type"] == "HttpApi"
    assert event["Properties"] == {"ApiId": {"Ref": "InsightsApi"}, "Method": "DELETE", "Path": "/users/{userId}"}
    assert properties["Environment"]["Variables"]["SENTIMENT_TABLE_NAME"] == {"Ref": "SentimentTable"}


def test_the_erasure_function_answers_before_api_gateway_gives_up() -> None:
    from functions.erasure.app import DEADLINE_RESERVE_MS

    timeout_ms = RESOURCES["ErasureFunction"]["Properties"]["Timeout"] * 1000

    # API Gateway's HTTP API waits 30 s; the function stops deleting with the reserve still left.
    assert DEADLINE_RESERVE_MS < timeout_ms < 30_000


@pytest.mark.parametrize(
    "function", ["DeliveryBotFunction", "InsightsFunction", "SentimentBacklogFunction", "ErasureFunction"]
)
def test_every_function_has_a_log_group_with_the_retention_parameter(function: str) -> None:
    groups = [
        resource["Properties"]
        for resource in RESOURCES.values()
        if resource["Type"] == "AWS::Logs::LogGroup"
        and resource["Properties"].get("LogGroupName") == {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    ]

    assert groups == [
        {"LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{function}}}"}, "RetentionInDays": {"Ref": "LogRetentionDays"}}
    ]
