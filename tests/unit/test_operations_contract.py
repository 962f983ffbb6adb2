"""template.yaml is deployable on a new account and operable on day one: opt-in reservations, a backlog
that outlasts an hour, alarms on every path that loses sight of a record, and a dashboard."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from lexsentiment.layer import RECOVERY_MARK
from local.template import TEMPLATE_PATH, load_template

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
PARAMETERS: dict[str, Any] = TEMPLATE["Parameters"]
CONDITIONS: dict[str, Any] = TEMPLATE["Conditions"]
HOUR = 3600
ROOT = TEMPLATE_PATH.parent
# Per stack, so that two stacks in one account and region never share a metric (or an alarm).
OPERATIONS_NAMESPACE = {"Fn::Sub": "DeliveryBot/${AWS::StackName}"}


def functions() -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"}


@pytest.mark.parametrize("function", sorted(functions()))
def test_no_function_reserves_concurrency_unless_a_parameter_asks(function: str) -> None:
    reserved = functions()[function].get("ReservedConcurrentExecutions")
    if reserved is None:
        return
    condition, (when_on, when_off) = reserved["Fn::If"][0], reserved["Fn::If"][1:]
    assert when_off == {"Ref": "AWS::NoValue"}
    parameter = when_on["Ref"]
    assert PARAMETERS[parameter]["Default"] == 0
    assert CONDITIONS[condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, 0]}]}


def test_the_drain_is_bounded_by_the_event_sources_maximum_concurrency() -> None:
    event = functions()["SentimentBacklogFunction"]["Events"]["Backlog"]["Properties"]

    assert event["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "BacklogMaximumConcurrency"}}
    assert PARAMETERS["BacklogMaximumConcurrency"]["MinValue"] == 2  # SQS's own lower bound


def test_a_queued_record_outlasts_an_hour_of_table_outage() -> None:
    queue = RESOURCES["SentimentBacklogQueue"]["Properties"]
    drain_timeout = functions()["SentimentBacklogFunction"]["Timeout"]

    # Each receive of a failing record costs one visibility timeout before the next.
    assert queue["RedrivePolicy"]["maxReceiveCount"] * queue["VisibilityTimeout"] >= HOUR
    # AWS's advice for SQS event sources, so a batch is never redelivered while it still runs.
    assert queue["VisibilityTimeout"] >= 6 * drain_timeout
    assert queue["MessageRetentionPeriod"] >= 4 * 24 * HOUR


def alarms() -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in RESOURCES.items() if r["Type"] == "AWS::CloudWatch::Alarm"}


@pytest.mark.parametrize("alarm", sorted(alarms()))
def test_every_alarm_notifies_the_operations_topic(alarm: str) -> None:
    assert alarms()[alarm]["AlarmActions"] == [{"Ref": "OperationsAlarmTopic"}]
    assert alarms()[alarm]["TreatMissingData"] == "notBreaching"


@pytest.mark.parametrize(
    ("metric", "namespace"),
    [
        ("RecordsLoggedForRecovery", OPERATIONS_NAMESPACE),
        ("CodeHookErrors", OPERATIONS_NAMESPACE),
        ("SigningKeyUnavailable", OPERATIONS_NAMESPACE),
        ("BacklogReplayFailures", "DeliveryBot"),
        ("ApproximateAgeOfOldestMessage", "AWS/SQS"),
        ("ApproximateNumberOfMessagesVisible", "AWS/SQS"),
    ],
)
def test_every_path_that_loses_sight_of_a_record_is_alarmed(metric: str, namespace: str) -> None:
    assert any(a.get("MetricName") == metric and a.get("Namespace") == namespace for a in alarms().values())


def test_lambda_failing_or_throttling_the_code_hook_is_alarmed() -> None:
    """Timeouts, out-of-memory and start-up errors write no line of ours: only Lambda's metrics see them."""
    (alarm,) = [
        a
        for a in alarms().values()
        if {"Errors", "Throttles"}
        <= {q["MetricStat"]["Metric"]["MetricName"] for q in a.get("Metrics", []) if "MetricStat" in q}
    ]
    for query in alarm["Metrics"]:
        if "MetricStat" in query:
            metric = query["MetricStat"]["Metric"]
            assert metric["Namespace"] == "AWS/Lambda"
            assert metric["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "DeliveryBotFunction"}}]
    (returned,) = [q for q in alarm["Metrics"] if q.get("ReturnData", True)]
    assert returned["Expression"] == "FILL(errors, 0) + FILL(throttles, 0)"


def test_alarms_can_publish_to_the_encrypted_topic() -> None:
    """CloudWatch cannot use the AWS-managed SNS key: the topic's key must be ours and grant it."""
    topic = RESOURCES["OperationsAlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "OperationsAlarmKey"}
    key = RESOURCES["OperationsAlarmKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    (grant,) = [
        statement
        for statement in key["KeyPolicy"]["Statement"]
        if statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert set(grant["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert grant["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def metric_filters() -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in RESOURCES.items() if r["Type"] == "AWS::Logs::MetricFilter"}


def test_the_recovery_filter_matches_the_line_the_code_hook_writes() -> None:
    pattern = metric_filters()["RecordsLoggedForRecoveryFilter"]["FilterPattern"]

    assert pattern == f'{{ $.recovery = "{RECOVERY_MARK}" }}'


def test_the_error_filter_matches_every_sorry_reply_line() -> None:
    pattern = metric_filters()["CodeHookErrorsFilter"]["FilterPattern"]

    for message in ("turn_failed", "handler_failed", "handler_reply_invalid", "malformed_event"):
        assert f'$.message = "{message}"' in pattern


def test_an_email_subscribes_to_the_topic_only_when_given() -> None:
    subscription = RESOURCES["OperationsAlarmEmail"]

    assert subscription["Condition"] == "HasAlarmEmail"
    assert PARAMETERS["AlarmEmail"]["Default"] == ""
    assert re.fullmatch(PARAMETERS["AlarmEmail"]["AllowedPattern"], "ops@example.com")
    assert re.fullmatch(PARAMETERS["AlarmEmail"]["AllowedPattern"], "")


def dashboard_widgets() -> list[dict[str, Any]]:
    body, values = RESOURCES["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    # CloudFormation fills ${...} in; any stand-in keeps the JSON's shape.
    filled = re.sub(r"\$\{[A-Za-z0-9:.]+\}", "x", body)
    widgets: list[dict[str, Any]] = json.loads(filled)["widgets"]
    assert set(values) == {"Service", "OperationsNamespace", "BacklogQueueName", "DeadLetterQueueName"}
    return widgets


def shown_metrics() -> dict[str, set[str]]:
    """Each metric name on the dashboard, with the statistics it is shown by."""
    shown: dict[str, set[str]] = {}
    for widget in dashboard_widgets():
        properties = widget["properties"]
        for line in properties["metrics"]:
            options = line[-1] if isinstance(line[-1], dict) else {}
            if "expression" in options:
                name = re.search(r'MetricName="(\w+)"', options["expression"])
                statistic = re.search(r"'(\w+)', \d+\)+$", options["expression"])
                assert name and statistic, options["expression"]
                shown.setdefault(name.group(1), set()).add(statistic.group(1))
            else:
                shown.setdefault(line[1], set()).add(options.get("stat", properties.get("stat", "")))
    return shown


def test_the_dashboard_shows_what_an_operator_and_a_supervisor_ask_first() -> None:
    shown = shown_metrics()

    for metric in ("Turns", "Apologies", "AgentOffers", "HandoversByIntent", "CodeHookErrors", "Errors", "Throttles"):
        assert "Sum" in shown[metric], metric
    assert shown["TurnSentimentScore"] == {"Average"}  # the mean score per intent, on -5..+5
    assert "p99" in shown["Duration"]
    assert {"ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesVisible"} <= set(shown)
    # Forged or unverifiable session memory, unproven user ids, and the signing key's reads.
    for metric in ("SessionMemoryDiscarded", "UnverifiedUserIds", "SigningKeyUnavailable"):
        assert "Sum" in shown[metric], metric
    assert "OperationsDashboardUrl" in TEMPLATE["Outputs"]


def test_snapstart_is_a_choice_on_the_published_versions_lex_calls() -> None:
    function = functions()["DeliveryBotFunction"]

    assert PARAMETERS["EnableSnapStart"]["Default"] == "false"
    assert function["AutoPublishAlias"] == "live"
    assert function["SnapStart"] == {"ApplyOn": {"Fn::If": ["SnapStartOn", "PublishedVersions", "None"]}}
    # SAM's version id hashes the unresolved !If, so the toggle alone would publish nothing: the version's
    # description follows it, and a changed description replaces the version (a new one, with the choice).
    on, off = function["VersionDescription"]["Fn::If"][1:]
    assert function["VersionDescription"]["Fn::If"][0] == "SnapStartOn" and on != off
    assert TEMPLATE["Globals"]["Function"]["Runtime"] in {"python3.12", "python3.13"}  # SnapStart: Python 3.12+


def test_priming_builds_what_the_first_turn_would_and_needs_no_network() -> None:
    from lexsentiment.settings import LayerSettings, load_settings
    from lexsentiment.snapstart import prime, register_priming

    settings = load_settings(
        {
            "SENTIMENT_TABLE_NAME": "local-SentimentTable",
            "MEMORY_SEAL_SECRET": "local-memory-seal",
            "SENTIMENT_BACKLOG_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/local-sentiment-backlog",
        },
        LayerSettings,
    )
    prime(settings)  # sockets are off in this suite: a request that left the process would fail here
    assert register_priming(settings) is False  # snapshot_restore_py exists only in Lambda's managed runtime


def test_in_lambdas_runtime_priming_runs_before_the_snapshot_and_each_restore_reseeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import random
    import sys
    import types

    from lexsentiment.settings import LayerSettings, load_settings
    from lexsentiment.snapstart import prime, register_priming

    registered: dict[str, Any] = {}
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_before_snapshot = lambda hook, *args: registered.update(before=(hook, args))  # type: ignore[attr-defined]
    runtime.register_after_restore = lambda hook, *args: registered.update(after=(hook, args))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    settings = load_settings({}, LayerSettings)

    assert register_priming(settings) is True
    assert registered["before"] == (prime, (settings,))
    random.seed(7)
    snapshot_draw = random.random()
    random.seed(7)
    registered["after"][0]()  # what a restored instance runs first
    assert random.random() != snapshot_draw  # not the sequence every restored copy would share


def test_the_score_filter_reads_fields_the_turn_line_has(log_lines: list[str]) -> None:
    from tests.support import load_event, respond

    respond(load_event("lexv2/check-delivery-status-upset.json"))
    (line,) = [json.loads(text) for text in log_lines if '"turn_handled"' in text]
    metric_filter = metric_filters()["TurnSentimentScoreFilter"]
    (transformation,) = metric_filter["MetricTransformations"]

    for field in re.findall(r"\$\.(\w+)", metric_filter["FilterPattern"]):
        assert field in line, field
    assert line["repeated_hook"] is False and -5 <= line["turn_score"] <= 5
    assert transformation["MetricValue"] == "$.turn_score"
    assert transformation["Dimensions"] == [{"Key": "intent", "Value": "$.metric_intent"}]
    assert line["metric_intent"] == "CheckDeliveryStatus"


def test_hand_overs_are_counted_by_the_intent_they_interrupted(log_lines: list[str]) -> None:
    from tests.support import load_event, respond

    respond(load_event("lexv2/agent-handover-accepted.json"))
    (line,) = [json.loads(text) for text in log_lines if '"turn_handled"' in text]
    metric_filter = metric_filters()["HandoversByIntentFilter"]
    (transformation,) = metric_filter["MetricTransformations"]

    assert metric_filter["FilterPattern"] == '{ $.message = "turn_handled" && $.handover_intent = "*" }'
    assert transformation["Dimensions"] == [{"Key": "intent", "Value": "$.handover_intent"}]
    assert line["intent"] == "AgentHandover"  # the turn's own intent says nothing of why
    assert line["handover_intent"] == "CheckDeliveryStatus"


def test_every_metric_of_the_stack_is_its_own_so_two_stacks_in_one_account_never_mix() -> None:
    globals_ = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert globals_["POWERTOOLS_SERVICE_NAME"] == {"Ref": "AWS::StackName"}  # the EMF metrics' service dimension
    for function in functions().values():
        service = function.get("Environment", {}).get("Variables", {}).get("POWERTOOLS_SERVICE_NAME")
        assert service is None or "AWS::StackName" in json.dumps(service)
    for metric_filter in metric_filters().values():
        for transformation in metric_filter["MetricTransformations"]:
            assert transformation["MetricNamespace"] == OPERATIONS_NAMESPACE
    for alarm in alarms().values():
        namespace = alarm.get("Namespace")
        ours = namespace is not None and not str(namespace).startswith("AWS/")
        assert not ours or "AWS::StackName" in json.dumps(alarm)  # our namespace, or our service dimension
    _, values = RESOURCES["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    assert values["Service"] == {"Ref": "AWS::StackName"}
    assert values["OperationsNamespace"] == OPERATIONS_NAMESPACE


def test_the_signing_key_filter_matches_both_lines_the_key_reader_writes() -> None:
    pattern = metric_filters()["SigningKeyUnavailableFilter"]["FilterPattern"]
    source = (ROOT / "layers/common/python/lexsentiment/adapters/secrets.py").read_text(encoding="utf-8")

    for message in ("signing_key_unavailable", "signing_key_misconfigured"):
        assert f'"{message}"' in source
        assert f'$.message = "{message}"' in pattern


def test_layer_versions_a_team_pinned_are_kept() -> None:
    assert RESOURCES["CommonLayer"]["Properties"]["RetentionPolicy"] == "Retain"
