"""Deterministic language understanding over the bot's own sample utterances and slot types.

Limits, on purpose: intents are scored by word overlap with the sample utterances (best utterance
wins; no synonyms, no stemming beyond a trailing "s"), so a request phrased with none of the
samples' words falls back; slots are filled by the slot type's regular expression (custom types),
dateparser for AMAZON.Date (configured to resolve as Lex does: see read_date), or the text itself;
yes/no is a word list. Good enough to drive the dialogue the code hook decides; not a replacement
for Lex's statistical NLU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from local.simulator.bot_definition import BotDefinition, IntentDefinition, SlotDefinition

_WORD = re.compile(r"[a-z0-9']+")
_SLOT_REFERENCE = re.compile(r"\{(\w+)\}")
_STOP_WORDS = frozenset({"a", "an", "the", "is", "my", "i", "to", "it", "of", "me", "on", "can", "you", "please"})
YES = frozenset({"yes", "yeah", "yep", "sure", "ok", "okay", "please", "correct", "right", "definitely", "y"})
NO = frozenset({"no", "nope", "nah", "not", "don't", "dont", "n", "never"})
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class IntentMatch:
    intent: IntentDefinition
    confidence: float
    slots: dict[str, str]


def words(text: str) -> list[str]:
    return [word.removesuffix("s") if len(word) > 3 else word for word in _WORD.findall(text.lower())]


def classify(bot: BotDefinition, text: str, today: date) -> list[IntentMatch]:
    """Every non-fallback intent with its best utterance's confidence, best first."""
    spoken = set(words(text)) - _STOP_WORDS
    matches = []
    for intent in bot.intents:
        if intent.is_fallback:
            continue
        best = 0.0
        for utterance in intent.sample_utterances:
            sample = set(words(_SLOT_REFERENCE.sub(" ", utterance))) - _STOP_WORDS
            if sample and spoken:
                best = max(best, len(sample & spoken) / len(sample | spoken) ** 0.5 / len(sample) ** 0.5)
        matches.append(IntentMatch(intent, round(best, 2), extract_slots(bot, intent, text, today)))
    return sorted(matches, key=lambda match: -match.confidence)


def extract_slots(bot: BotDefinition, intent: IntentDefinition, text: str, today: date) -> dict[str, str]:
    found = {}
    for slot in intent.slots:
        value = resolve_slot(bot, slot, text, today, whole_reply=False)
        if value is not None:
            found[slot.name] = value
    return found


def resolve_slot(bot: BotDefinition, slot: SlotDefinition, text: str, today: date, *, whole_reply: bool) -> str | None:
    """A value for the slot from the text; `whole_reply` when the text answers this slot's prompt."""
    if slot.slot_type == "AMAZON.Date":
        found = read_date(text, today)
        return found.isoformat() if found else None
    slot_type = bot.slot_types.get(slot.slot_type)
    if slot_type is not None and slot_type.pattern:
        pattern = re.compile(rf"^(?:{slot_type.pattern})$")
        tokens: list[str] = re.findall(r"[A-Za-z0-9]+", text)
        for token in tokens:
            # Inside a longer request only tokens with a digit count: "Where is my package" has no number.
            if pattern.match(token) and (whole_reply or any(character.isdigit() for character in token)):
                return token
        return None
    if not whole_reply:
        return None
    stripped = text.strip()
    return stripped or None


def yes_or_no(text: str) -> bool | None:
    spoken = set(_WORD.findall(text.lower()))
    if spoken & NO:
        return False
    if spoken & YES:
        return True
    return None


def read_date(text: str, today: date) -> date | None:
    """The date in a reply, as Lex's AMAZON.Date resolves it: relative to today, the coming one when
    the year or week is not said ("next Monday" on a Tuesday is six days on, as Lex gives it).

    dateparser reads the phrasing; two things it lacks are added here: ordinal words ("the sixth of
    December") become numbers, and only matches that name a day are taken (its text search also
    finds "of December" alone, which Lex would not resolve to a day).
    """
    import dateparser
    from dateparser.search import search_dates

    spoken = _ORDINAL.sub(lambda match: _ORDINALS[match.group(0)], text.lower())
    spoken = _FROM_TODAY.sub(lambda match: f"in {_count(match.group(1))} {match.group(2)}", spoken)
    day_only = _DAY_OF_MONTH.search(spoken)
    if day_only and not any(month in spoken for month in _MONTHS):
        # "the 12th": Lex gives the next such day, this month or the next.
        day = int(day_only.group(1))
        for months_ahead in range(3):
            year, month = divmod(today.month - 1 + months_ahead, 12)
            try:
                candidate = date(today.year + year, month + 1, day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
        return None
    settings: Any = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "REQUIRE_PARTS": [],
    }
    whole: datetime | None = dateparser.parse(spoken, languages=["en"], settings=settings)
    if whole is not None and _names_a_day(spoken):
        return whole.date()
    found: list[tuple[str, datetime]] = search_dates(spoken, languages=["en"], settings=settings) or []
    for phrase, moment in found:
        if _names_a_day(phrase):
            return moment.date()
    return None


def _count(spoken: str) -> str:
    return "1" if spoken == "a" else spoken


def _names_a_day(phrase: str) -> bool:
    """A digit, a weekday or a relative day word: "December" alone names a month, not a day."""
    return bool(re.search(r"\d", phrase)) or any(word in phrase for word in (*_WEEKDAYS, *_RELATIVE_DAYS))


_RELATIVE_DAYS = ("today", "tomorrow", "week", "month")
# dateparser reads "in 1 week" but not "a week from today".
_FROM_TODAY = re.compile(r"\b(a|\d+) (days?|weeks?) from (?:today|now)\b")
_DAY_OF_MONTH = re.compile(r"\b(?:the )?(\d{1,2})(?:st|nd|rd|th)\b")
_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
_ORDINALS = {
    word: f"{number}{_SUFFIXES.get(number % 10, 'th') if number not in (11, 12, 13) else 'th'}"
    for number, word in enumerate(
        (
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty-second", "twenty-third",
            "twenty-fourth", "twenty-fifth", "twenty-sixth", "twenty-seventh", "twenty-eighth",
            "twenty-ninth", "thirtieth", "thirty-first",
        ),
        start=1,
    )
}  # fmt: skip
# Longest first, so "twenty-first" is read before "first".
_ORDINAL = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True)) + r")\b")
