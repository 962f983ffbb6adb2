"""Talk to DeliveryBot in the terminal, offline: the simulator plays Lex, the real code hook answers.

    python -m local.chat [--sentiment vader|comprehend] [--backend embedded|aws] [--save FILE]   # interactive
    python -m local.chat --demo                                                  # the AWS blog's conversation

Each bot reply shows the turn's sentiment label, its -5..+5 score and the code hook's decision.
What the code hook records lands in the local store, so `make report` shows the conversation.
Type `quit` (or press Ctrl-D or Ctrl-C) to leave; the turns so far stay recorded either way.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from deliverybot.wording import spoken_date
from local.backend import TableNames, seed_deliveries
from local.cli import INTERRUPTED_STATUS, ToolError, command
from local.demo_data import BLOG_TRACKING_NUMBER, demo_delivery_date
from local.hook_runner import CodeHookRunner
from local.simulator.bot_definition import load_bot
from local.simulator.engine import BotTurn, Simulator
from local.simulator.sentiment import ComprehendSentiment, SentimentProvider, provider
from local.store import open_backend

# The blog's first utterance with the scores of the blog's own sample event, then the tracking number.
BLOG_CONVERSATION = [
    (
        "When is my package arriving? It's so late.",
        {"positive": 0.005262882, "negative": 0.6347739, "neutral": 0.35993648, "mixed": 2.6722797e-5},
    ),
    ("It's 21132", {"positive": 0.02, "negative": 0.03, "neutral": 0.94, "mixed": 0.01}),
]


HANDED_OVER = (
    "      ⇢ The bot has closed. Amazon Connect would now run the rest of its contact flow"
    " (connect/agent-handover-flow.json): copy the hand-over attributes to the contact and"
    " transfer the caller to the agents' queue."
)


def describe(turn: BotTurn) -> str:
    score = f"{turn.turn_score:+.1f}" if turn.turn_score is not None else "n/a"
    feeling = f"{turn.sentiment_label} · score {score} · decision {turn.decision or 'none'}"
    handover = ""
    if turn.session_attributes.get("handover") == "true":
        handover = f"\n      ⇢ hand-over to Amazon Connect: reason {turn.session_attributes.get('handoverReason')}"
    hint = f"\n      ({turn.hint})" if turn.hint else ""
    return f"      {feeling} · {turn.dialog_action}{handover}\nbot ▸ {turn.text or '(no message)'}{hint}"


NewSimulator = Callable[[str, date | None], Simulator]


def simulator_factory(tables: TableNames, sentiment: str | SentimentProvider, *, own_deliveries: bool) -> NewSimulator:
    """New simulated conversations (a session id, and the day they happen on, today by default) against
    the real code hook on these tables. With `own_deliveries` (the local store only: never a real
    table), each starts from the demo deliveries dated from its day, whatever a chat rescheduled."""
    hook = CodeHookRunner(tables, log_stream=None)
    bot = load_bot()
    analyser = provider(sentiment) if isinstance(sentiment, str) else sentiment

    def new(session_id: str, day: date | None = None) -> Simulator:
        today = day or datetime.now(UTC).date()
        hook.on_day(day)
        if own_deliveries:
            import boto3

            seed_deliveries(boto3.client("dynamodb"), tables.deliveries, today)
        return Simulator(bot=bot, hook=hook, sentiment=analyser, session_id=session_id, today=today)

    return new


@contextmanager
def simulator(
    backend_name: str, stack_name: str | None, sentiment: str, *, own_deliveries: bool = False
) -> Iterator[Simulator]:
    # Amazon Comprehend is the real one even beside the local tables: its client gets the user's own
    # credentials, read before the local store swaps the environment's for fake ones.
    analyser: str | SentimentProvider = sentiment
    real_services: tuple[str, ...] = ()
    if sentiment == "comprehend":
        analyser = ComprehendSentiment(client=real_comprehend_client())
        real_services = ("comprehend",) if backend_name == "embedded" else ()
    with open_backend(backend_name, stack_name, real_services=real_services) as backend:
        new = simulator_factory(backend.tables, analyser, own_deliveries=own_deliveries)
        yield new(f"chat-{uuid.uuid4().hex[:12]}", None)


def real_comprehend_client() -> Any:
    """A Comprehend client on the user's own credentials and region, or one line saying what is missing."""
    import boto3

    session = boto3.session.Session()
    credentials = session.get_credentials()
    if credentials is None or session.region_name is None:
        raise ToolError(
            "SENTIMENT=comprehend calls Amazon Comprehend with your AWS credentials and region: none found"
            " (aws configure or AWS_PROFILE, and AWS_DEFAULT_REGION), or use SENTIMENT=vader"
        )
    frozen = credentials.get_frozen_credentials()
    return boto3.session.Session(
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
        region_name=session.region_name,
    ).client("comprehend")


def demo(backend_name: str, stack_name: str | None) -> int:
    # On the local store the demo starts from its own deliveries, so a chat's rescheduling cannot break it.
    with simulator(backend_name, stack_name, "scripted", own_deliveries=backend_name == "embedded") as bot:
        expected = spoken_date(demo_delivery_date(BLOG_TRACKING_NUMBER, bot.today))
        turns = []
        for text, scores in BLOG_CONVERSATION:
            print(f"you ▸ {text}")
            turns.append(bot.say(text, scores))
            print(describe(turns[-1]))
    if expected not in turns[-1].text:
        hint = "make local-reset starts the local store afresh" if backend_name == "embedded" else "check 21132"
        raise ToolError(f"the demo expected the answer to mention {expected} ({hint})")
    return 0


def chat(backend_name: str, stack_name: str | None, sentiment: str, save: Path | None = None) -> int:
    status = 0
    turns: list[BotTurn] = []
    with simulator(backend_name, stack_name, sentiment) as bot:
        print(f"DeliveryBot (offline simulator, {sentiment} sentiment, session {bot.session_id}). Type quit to leave.")
        print("bot ▸ Hello! Ask me when your package arrives, or to change its delivery date.")
        try:
            converse(bot, turns)
        except KeyboardInterrupt:
            # Caught inside the with-block, so the local store still saves this chat's turns on the way out.
            print()
            status = INTERRUPTED_STATUS
    if save is not None and turns:
        save_transcript(save, bot, turns)
        print(f"Saved the conversation to {save}: `make replay TRANSCRIPTS={save}` plays it again.")
    print("Goodbye. `make report` shows how this conversation felt.")
    return status


def save_transcript(path: Path, bot: Simulator, turns: list[BotTurn]) -> None:
    """Append the conversation as a transcript line (local/replay.py's format): each utterance with the
    scores it got, and what the bot did then as the expectation, so a replay checks nothing changed."""
    transcript = {
        "name": f"chat {bot.session_id}",
        "today": bot.today.isoformat(),
        "turns": [
            {
                "user": turn.user_text,
                **({"scores": turn.sentiment["sentimentScore"]} if turn.sentiment else {}),
                "expect": {
                    key: value
                    for key, value in {
                        "action": turn.dialog_action,
                        "intent": turn.intent,
                        "slot": turn.slot_to_elicit,
                        "decision": turn.decision,
                        "exactly": turn.text,
                    }.items()
                    if value is not None
                },
            }
            for turn in turns
        ],
    }
    with path.open("a", encoding="utf-8") as transcripts:
        transcripts.write(json.dumps(transcript, ensure_ascii=False) + "\n")


def converse(bot: Simulator, turns: list[BotTurn] | None = None) -> None:
    """Read utterances until quit, end of input or a hand-over, print each reply, and keep the turns."""
    while True:
        try:
            text = input("you ▸ ").strip()
        except EOFError:
            print()
            return
        if text.lower() in {"quit", "exit", "bye"}:
            return
        if text:
            turn = bot.say(text)
            if turns is not None:
                turns.append(turn)
            print(describe(turn))
            if turn.session_attributes.get("handover") == "true":
                # Lex closed the conversation: from here the caller is Amazon Connect's, not the bot's.
                print(HANDED_OVER)
                return


@command("chat")
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="play the AWS blog's conversation and exit")
    parser.add_argument("--sentiment", choices=("vader", "comprehend"), default="vader")
    parser.add_argument("--backend", choices=("embedded", "aws"), default=os.environ.get("BACKEND", "embedded"))
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME"))
    parser.add_argument("--save", type=Path, help="append the conversation to this transcript file (for make replay)")
    args = parser.parse_args(argv)
    if args.demo:
        return demo(args.backend, args.stack_name)
    return chat(args.backend, args.stack_name, args.sentiment, args.save)


if __name__ == "__main__":
    sys.exit(main())
