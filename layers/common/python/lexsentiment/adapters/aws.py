"""AWS clients of the layer, built lazily once per container with a caller-on-the-phone budget.

Within the layer, the adapters package is the only code that imports boto3 or botocore (ruff's
banned-api rule and an import-linter contract hold everything else to that). A bot's own table
module may use these factories too, so its look-ups share the same short timeouts.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from boto3.session import Session
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

ClientT = TypeVar("ClientT")


@dataclass(frozen=True, slots=True)
class CallBudget:
    """How long one AWS call may take: connect and read timeouts, and attempts (standard retries)."""

    connect: float
    read: float
    attempts: int

    @property
    def worst_case(self) -> float:
        """Every attempt timing out, plus botocore's standard backoff (at most 1 s before the second)."""
        return self.attempts * (self.connect + self.read) + (self.attempts - 1) * 1.0


# A caller is waiting on the phone: fail fast and let the dialogue offer an alternative. The first
# budget is every call's when there is time; later ones are for a turn whose deadline is near.
CALL_BUDGETS = (
    CallBudget(connect=1.0, read=2.0, attempts=2),
    CallBudget(connect=0.5, read=1.0, attempts=2),
    CallBudget(connect=0.5, read=1.0, attempts=1),
    CallBudget(connect=0.25, read=0.5, attempts=1),
)
FULL_BUDGET = CALL_BUDGETS[0]
# What each step keeps for the ones after it, so that a turn near its deadline still answers and
# keeps its record: the reply; the backlog queue (then the reply); recording (table, then backlog).
KEEP_FOR_REPLY = 0.2
KEEP_FOR_BACKLOG = CALL_BUDGETS[-1].worst_case + KEEP_FOR_REPLY
KEEP_FOR_RECORDING = CALL_BUDGETS[-1].worst_case + KEEP_FOR_BACKLOG

# The monotonic time by which the current turn must have answered (None: no deadline, as in a tool).
_deadline: ContextVar[float | None] = ContextVar("lexsentiment_deadline", default=None)


class DeadlineNear(RuntimeError):
    """No call budget fits before the turn's deadline: the call is not made at all."""


DEADLINE_NEAR = DeadlineNear.__name__  # the cause a result names when no call was made for lack of time


def set_deadline(seconds: float) -> Token[float | None]:
    """From now, calls must end within `seconds` (less what each keeps for the steps after it)."""
    return _deadline.set(time.monotonic() + seconds)


def clear_deadline(token: Token[float | None]) -> None:
    _deadline.reset(token)


@contextmanager
def invocation_deadline(context: Any, keep_seconds: float) -> Iterator[None]:
    """Within the block, calls end `keep_seconds` before Lambda's remaining time runs out (for a
    function's whole invocation: the drain's report, the API's answer; a turn sets its own)."""
    token = set_deadline(context.get_remaining_time_in_millis() / 1000 - keep_seconds)
    try:
        yield
    finally:
        clear_deadline(token)


def budget_within(keep: float) -> CallBudget:
    """The most generous budget whose worst case still leaves `keep` seconds before the deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return FULL_BUDGET
    left = deadline - time.monotonic() - keep
    for budget in CALL_BUDGETS:
        if budget.worst_case <= left:
            return budget
    raise DeadlineNear(f"{left:.2f}s left")


def ensure_time_for(budget: CallBudget, keep: float) -> None:
    """Raises DeadlineNear unless a call within `budget` still leaves `keep` seconds before the deadline."""
    deadline = _deadline.get()
    if deadline is not None and deadline - time.monotonic() - keep < budget.worst_case:
        raise DeadlineNear(f"{budget.worst_case:.2f}s needed")


def tight_config(budget: CallBudget = FULL_BUDGET) -> Config:
    """Standard retries within the budget's attempts and timeouts: worst case a few seconds, inside Lex's 30.

    botocore's client-side parameter validation is off: every request is built by our own code, the
    service validates it again anyway (a bad one is a ClientError, handled like any other), and it was
    the largest single cost of a recorded turn (about 45% of its botocore time, for the nine-item
    transaction). The integration tests switch it back on for every request the layer makes.
    """
    from botocore.config import Config

    return Config(
        connect_timeout=budget.connect,
        read_timeout=budget.read,
        retries={"mode": "standard", "total_max_attempts": budget.attempts},
        parameter_validation=False,
    )


# One boto3 session for every client of the container: a client from a session that already built
# one costs ~7 ms, from a fresh session ~80 ms (each session loads endpoint and partition data and
# resolves credentials anew), and the first turn pays for every client it needs. Sessions are not
# thread-safe, so clients are built under a lock (the insights API reads from threads).
_client_lock = threading.Lock()
_factories: list[Any] = []


@lru_cache(maxsize=1)
def shared_session() -> Session:
    """The container's one boto3 session (tests register botocore handlers on it)."""
    import boto3

    return boto3.session.Session()


def reset_clients() -> None:
    """Forget the session and every cached client: the next call builds them anew.

    For tests and tools that start moto after a client was built: a session copies botocore's
    handlers when it is made, so one made before moto was imported would never be mocked.
    """
    shared_session.cache_clear()
    for factory in _factories:
        factory.cache_clear()


def cached_client_factory(factory: Callable[[CallBudget], ClientT]) -> Callable[..., ClientT]:
    """One client per budget, built on first use, forgotten by reset_clients()."""
    cached = lru_cache(maxsize=len(CALL_BUDGETS))(factory)
    _factories.append(cached)
    return cached


def new_client(service: str, budget: CallBudget) -> Any:
    """A client of the container's one session, within the budget (each factory caches its own)."""
    with _client_lock:
        return shared_session().client(service, config=tight_config(budget))  # type: ignore[call-overload]


@cached_client_factory
def sqs_client(budget: CallBudget = FULL_BUDGET) -> SQSClient:
    """Built on first use (only when the sentiment table has failed), one per budget."""
    client: SQSClient = new_client("sqs", budget)
    return client


@cached_client_factory
def dynamodb_client(budget: CallBudget = FULL_BUDGET) -> DynamoDBClient:
    """One client per container and budget, built on first use so importing this module touches no AWS."""
    client: DynamoDBClient = new_client("dynamodb", budget)
    return client


def client_within(keep: float, factory: Callable[..., ClientT], injected: ClientT | None = None) -> ClientT:
    """The client for the budget the deadline allows (an injected client is used as it is, in time or not at all)."""
    budget = budget_within(keep)
    if injected is not None:
        return injected
    # dynamodb_client() and dynamodb_client(FULL_BUDGET) are two cache entries: ask as the rest of the code does.
    return factory() if budget is FULL_BUDGET else factory(budget)


# Causes (error_code values) that say "not now" rather than "not this request": throttling, the
# service's own faults, and the network. A caller may stop calling for a while after one of them.
UNAVAILABLE_CAUSES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionCanceledException",
        "ResourceNotFoundException",
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionClosedError",
        "ProxyConnectionError",
        DEADLINE_NEAR,
    }
)


def is_unavailable(cause: str) -> bool:
    return cause in UNAVAILABLE_CAUSES


# botocore retries a throttled call, but not the items a successful batch call leaves unprocessed
# (BatchGetItem's keys, BatchWriteItem's requests): those are sent again after a full-jitter
# exponential pause, AWS's advice for them.
FIRST_BACKOFF_SECONDS = 0.05
LONGEST_BACKOFF_SECONDS = 1.0


def backoff_seconds(retry: int) -> float:
    """The pause before retry number `retry` (1 for the first): random up to 50 ms, doubling, at most 1 s."""
    ceiling = min(LONGEST_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** (retry - 1))
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: object) -> list[bytes]:
        return [self._content]


@contextmanager
def answered_in_process(client: Any) -> Iterator[None]:
    """Inside this block the client's requests are built, signed and answered "200 {}" without leaving
    the process: what priming a client for a snapshot needs (serialisers, endpoint rules, parsers)."""
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    def canned(**_: object) -> AWSResponse:
        return AWSResponse("https://priming.invalid", 200, HTTPHeaders(), _Body(b"{}"))

    event = f"before-send.{client.meta.service_model.service_name}"
    client.meta.events.register(event, canned, unique_id="lexsentiment-priming")
    try:
        yield
    finally:
        client.meta.events.unregister(event, unique_id="lexsentiment-priming")


def error_code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__


class TableAdapter:
    """One table, through the given client or (by default) the container's shared one, built on first use."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self._table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        """The full-budget client, for code without a deadline (the erasure, which checks its own; tools)."""
        return self._client or dynamodb_client()

    def client_within(self, keep: float) -> DynamoDBClient:
        """The client for the budget the turn's deadline allows, keeping `keep` seconds for later steps.

        Raises DeadlineNear when no budget fits: the caller treats that as the table being unavailable.
        """
        return client_within(keep, dynamodb_client, self._client)
