"""`make forget USER=<id> [DRY_RUN=1] [BACKEND=aws]`: the erasure from a terminal, on the local store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from lexsentiment.insights.store import DynamoDbInsightsStore
from lexsentiment.recording.table import DynamoDbSentimentRecorder
from local import forget
from local.store import local_store
from tests.integration.recorded import CUSTOMER, OTHER_CUSTOMER, record_conversations

CUSTOMER_ITEMS = 2 * 4 + 3


@pytest.fixture
def snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A local store holding two conversations of CUSTOMER's and one of OTHER_CUSTOMER's."""
    path = tmp_path / "dynamodb.json"
    monkeypatch.setenv("DELIVERYBOT_LOCAL_STORE", str(path))
    monkeypatch.delenv("FORGET_USER", raising=False)
    with local_store(path) as store:
        record_conversations(DynamoDbSentimentRecorder(store.tables.sentiment, timedelta(days=90), store.client))
    return path


def known_users(snapshot: Path) -> set[str]:
    with local_store(snapshot) as store:
        insights = DynamoDbInsightsStore(store.tables.sentiment, store.client)
        return {user for user in (CUSTOMER, OTHER_CUSTOMER) if insights.user_history(user, 10) is not None}


def test_it_forgets_the_customer_and_prints_counts_without_ids(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert forget.main(["--user", CUSTOMER]) == 0

    printed = capsys.readouterr().out
    assert printed == f"Forgotten: 2 conversation(s), {CUSTOMER_ITEMS} item(s) deleted.\n"
    assert known_users(snapshot) == {OTHER_CUSTOMER}


def test_the_make_target_names_the_customer_through_the_environment(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORGET_USER", CUSTOMER)

    assert forget.main([]) == 0
    assert known_users(snapshot) == {OTHER_CUSTOMER}


def test_a_dry_run_counts_and_deletes_nothing(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert forget.main(["--user", CUSTOMER, "--dry-run"]) == 0

    assert capsys.readouterr().out == (
        f"Dry run, nothing deleted: this customer has 2 conversation(s), {CUSTOMER_ITEMS} item(s).\n"
    )
    assert known_users(snapshot) == {CUSTOMER, OTHER_CUSTOMER}


def test_forgetting_twice_says_there_is_nothing_left(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forget.main(["--user", CUSTOMER])
    capsys.readouterr()

    assert forget.main(["--user", CUSTOMER]) == 0
    assert capsys.readouterr().out == "Nothing to forget: no sentiment data is stored for this customer.\n"


@pytest.mark.parametrize(("argv", "told"), [([], "name the customer"), (["--user", "a\tb"], "not a valid user id")])
def test_a_missing_or_invalid_user_is_one_line_and_a_non_zero_exit(
    snapshot: Path, capsys: pytest.CaptureFixture[str], argv: list[str], told: str
) -> None:
    assert forget.main(argv) == 2

    output = capsys.readouterr()
    assert output.out == ""
    assert output.err.count("\n") == 1 and told in output.err


def test_aws_without_a_region_is_one_line_and_a_non_zero_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("DELIVERIES_TABLE_NAME", "deliveries")
    monkeypatch.setenv("SENTIMENT_TABLE_NAME", "sentiment")

    assert forget.main(["--user", CUSTOMER, "--backend", "aws"]) == 1

    error = capsys.readouterr().err
    assert error == "forget: AWS could not be reached (NoRegionError): check the region and credentials\n"
