"""Record a few hundred realistic demo conversations through the real code hook.

    python -m local.seed [--conversations 300] [--days 14] [--seed 7] [--backend embedded|aws]

Each conversation is a persona's script of user turns (intent, slots, yes/no, sentiment). The driver
sends them to the code hook as Lex V2 events, follows its replies as Lex would (a Delegate is
followed by the fulfilment hook for the same utterance; slots carry over), and spreads the
conversations over the last days, so the report and the insights API have something to show.
Nothing is written to the tables except by the code hook itself.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from lexsentiment.trust import user_id_signature
from local.backend import seed_deliveries
from local.cli import ToolError, command
from local.demo_data import DEMO_TRACKING_NUMBERS
from local.lex_events import sentiment_response, v2_event
from local.store import open_backend, use_tables

Respond = Callable[[dict[str, Any], datetime], dict[str, Any]]
KNOWN_NUMBERS = list(DEMO_TRACKING_NUMBERS)
# Rescheduling in the demo leaves the seed blog's package 21132 on its documented date.
RESCHEDULABLE = [number for number in KNOWN_NUMBERS if number != "21132"]
SECONDS_BETWEEN_TURNS = 20
# A few hundred: enough for every shift class and intent to show, about a minute on the local store.
DEFAULT_CONVERSATIONS = 200


@dataclass(frozen=True)
class UserTurn:
    intent: str
    negative: float
    positive: float
    slots: dict[str, str] = field(default_factory=dict)
    confirmation: str = "None"


def calm(rng: random.Random) -> float:
    return rng.uniform(0.0, 0.2)


def upset(rng: random.Random) -> float:
    return rng.uniform(0.5, 0.78)


def furious(rng: random.Random) -> float:
    return rng.uniform(0.8, 0.98)


def persona_blog(rng: random.Random, day: datetime) -> list[UserTurn]:
    """The seed blog: 'When is my package arriving? It's so late.', the number, thanks."""
    turns = [
        UserTurn("CheckDeliveryStatus", upset(rng), 0.01),
        UserTurn(
            "CheckDeliveryStatus", calm(rng), rng.uniform(0.0, 0.2), {"trackingNumber": rng.choice(KNOWN_NUMBERS)}
        ),
    ]
    if rng.random() < 0.6:
        turns.append(UserTurn("FallbackIntent", 0.01, rng.uniform(0.7, 0.98)))  # "Great, thanks!"
    return turns


def persona_calm(rng: random.Random, day: datetime) -> list[UserTurn]:
    return [
        UserTurn("CheckDeliveryStatus", calm(rng), rng.uniform(0.1, 0.4)),
        UserTurn(
            "CheckDeliveryStatus", calm(rng), rng.uniform(0.0, 0.3), {"trackingNumber": rng.choice(KNOWN_NUMBERS)}
        ),
        UserTurn("FallbackIntent", 0.02, rng.uniform(0.6, 0.95)),
    ]


def persona_soured(rng: random.Random, day: datetime) -> list[UserTurn]:
    """Starts friendly, the number is never found, leaves for an agent."""
    return [
        UserTurn("CheckDeliveryStatus", 0.02, rng.uniform(0.7, 0.95)),
        UserTurn(
            "CheckDeliveryStatus", rng.uniform(0.2, 0.5), 0.05, {"trackingNumber": f"{rng.randint(60000, 69999)}"}
        ),
        UserTurn("CheckDeliveryStatus", upset(rng), 0.01, {"trackingNumber": f"{rng.randint(60000, 69999)}"}),
        UserTurn("AgentHandover", furious(rng), 0.01, confirmation="Confirmed"),
    ]


def persona_furious(rng: random.Random, day: datetime) -> list[UserTurn]:
    """Very upset at once; accepts the agent, or declines and gets the answer."""
    first = UserTurn("CheckDeliveryStatus", furious(rng), 0.0)
    if rng.random() < 0.5:
        return [first, UserTurn("AgentHandover", upset(rng), 0.02, confirmation="Confirmed")]
    return [
        first,
        UserTurn("AgentHandover", upset(rng), 0.02, confirmation="Denied"),
        UserTurn(
            "CheckDeliveryStatus", calm(rng), rng.uniform(0.3, 0.9), {"trackingNumber": rng.choice(KNOWN_NUMBERS)}
        ),
    ]


def persona_reschedule(rng: random.Random, day: datetime) -> list[UserTurn]:
    new_date = (day + timedelta(days=rng.randint(1, 12))).date().isoformat()
    slots = {"trackingNumber": rng.choice(RESCHEDULABLE), "newDeliveryDate": new_date}
    return [
        UserTurn("ChangeDeliveryDate", rng.uniform(0.05, 0.6), rng.uniform(0.0, 0.3), slots),
        UserTurn("ChangeDeliveryDate", 0.01, rng.uniform(0.6, 0.95), slots, confirmation="Confirmed"),
    ]


def persona_lost(rng: random.Random, day: datetime) -> list[UserTurn]:
    """Asks for things the bot cannot do, gets cross, takes an agent."""
    return [
        UserTurn("FallbackIntent", calm(rng), 0.2),
        UserTurn("FallbackIntent", furious(rng), 0.0),
        UserTurn("AgentHandover", upset(rng), 0.05, confirmation="Confirmed"),
    ]


PERSONAS: list[tuple[Callable[[random.Random, datetime], list[UserTurn]], float]] = [
    (persona_blog, 0.25),
    (persona_calm, 0.2),
    (persona_soured, 0.15),
    (persona_furious, 0.12),
    (persona_reschedule, 0.18),
    (persona_lost, 0.10),
]


def play(
    respond: Respond, session_id: str, turns: list[UserTurn], started: datetime, signing_key: bytes | None = None
) -> int:
    """Send a persona's turns as Lex would; returns the number of code-hook calls made.

    With `signing_key`, the customer is named as a trusted web backend would name them (a signed
    userId), so the demo has customers with several conversations; without it the session is the user.
    """
    user_id = f"customer-{session_id.rsplit('-', 1)[-1][-3:]}"
    attributes: dict[str, str] = (
        {"userId": user_id, "userIdSignature": user_id_signature(signing_key, session_id, user_id)}
        if signing_key
        else {}
    )
    known_slots: dict[str, dict[str, str | None]] = {}
    calls = 0
    for index, turn in enumerate(turns):
        now = started + timedelta(seconds=SECONDS_BETWEEN_TURNS * index)
        slots = {**known_slots.get(turn.intent, {}), **turn.slots}
        event = v2_event(
            session_id=session_id,
            request_id=f"{session_id}-{index}",
            intent=turn.intent,
            slots=slots,
            confirmation_state=turn.confirmation,
            sentiment=sentiment_response(turn.positive, turn.negative),
            session_attributes=attributes,
        )
        reply = respond(event, now)
        calls += 1
        state = reply["sessionState"]
        if state["dialogAction"]["type"] == "Delegate":
            event["invocationSource"] = "FulfillmentCodeHook"
            event["sessionState"]["sessionAttributes"] = state["sessionAttributes"]
            reply = respond(event, now)
            calls += 1
            state = reply["sessionState"]
        attributes = state["sessionAttributes"]
        intent = state.get("intent")
        if intent:
            known_slots[intent["name"]] = {
                name: slot["value"]["interpretedValue"] if slot else None for name, slot in intent["slots"].items()
            }
    return calls


def seed(respond: Respond, conversations: int, days: int, rng: random.Random, now: datetime) -> int:
    from rich.progress import track

    personas, weights = zip(*PERSONAS, strict=True)
    signing_key = _user_id_signing_key()
    calls = 0
    for number in track(range(conversations), description="Recording demo conversations", transient=True):
        persona = rng.choices(personas, weights=weights)[0]
        day = now - timedelta(days=rng.randint(0, max(days - 1, 0)))
        started = day.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59), second=rng.randint(0, 59))
        started = min(started, now - timedelta(minutes=5))
        calls += play(respond, f"demo-{started:%Y%m%d}-{number:04d}", persona(rng, started), started, signing_key)
    return calls


def _user_id_signing_key() -> bytes | None:
    """The key the code hook checks signed user ids with (the store's secret), if this machine may read it."""
    secret_id = os.environ.get("USER_ID_SIGNING_SECRET")
    if not secret_id:
        return None
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"].encode()
    except (BotoCoreError, ClientError):
        print("The user-id signing key cannot be read here: each demo conversation is its own user.")
        return None


def code_hook_responder() -> Respond:
    """The real code hook (DeliveryBot on the deployed settings and tables, in the layer), with a given clock."""
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    app = importlib.import_module("deliverybot.app")
    from deliverybot.bot import delivery_bot
    from deliverybot.deliveries_table import DynamoDbDeliveryRepository
    from lexsentiment.observability import metrics

    moment = [datetime.now(UTC)]
    deliveries = DynamoDbDeliveryRepository(app.settings.deliveries_table_name)
    layer = delivery_bot(deliveries, clock=lambda: moment[0]).sentiment_layer

    def call(event: dict[str, Any], now: datetime) -> dict[str, Any]:
        moment[0] = now
        try:
            response: dict[str, Any] = layer(event, None)
            return response
        finally:
            # Outside Lambda nobody flushes the metrics; drop them instead of letting them pile up.
            metrics.clear_metrics()

    return call


@command("seed")
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=DEFAULT_CONVERSATIONS)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=7, help="random seed, for repeatable demo data")
    parser.add_argument("--backend", choices=("embedded", "aws"), default=os.environ.get("BACKEND", "embedded"))
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME"))
    parser.add_argument(
        "--deliveries", action="store_true", help="only put the demo deliveries back, dated from today (local store)"
    )
    args = parser.parse_args(argv)
    if args.deliveries:
        if args.backend != "embedded":
            raise ToolError("--deliveries resets the local store's demo deliveries only, never a real table")
        with open_backend("embedded") as backend:
            count = seed_deliveries(backend.client, backend.tables.deliveries)
        print(f"Put back the {count} demo deliveries, dated from today; the recorded sentiment is untouched.")
        return 0
    with open_backend(args.backend, args.stack_name) as backend:
        use_tables(backend.tables)
        calls = seed(code_hook_responder(), args.conversations, args.days, random.Random(args.seed), datetime.now(UTC))  # noqa: S311 - demo data, not secrets
    print(f"Recorded {args.conversations} demo conversations ({calls} code-hook calls) in the {args.backend} store.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
