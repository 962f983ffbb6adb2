"""Deterministic language understanding over the bot's own sample utterances and slot types.

Limits, on purpose: intents are scored by word overlap with the sample utterances (best utterance
wins; no synonyms, no stemming beyond a trailing "s"), so a request phrased with none of the
samples' words falls back; slots are filled by the slot type's regular expression (custom types),
a small date reader (AMAZON.Date: ISO dates, today/tomorrow, weekday names, "next <weekday>",
"<month> <day>"), or the text itself; yes/no is a word list. Good enough to drive the dialogue the
code hook decides; not a replacement for Lex's statistical NLU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

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
    lowered = text.lower()
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", lowered)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    if "day after tomorrow" in lowered:
        return today + timedelta(days=2)
    if "tomorrow" in lowered:
        return today + timedelta(days=1)
    if "today" in lowered:
        return today
    for index, weekday in enumerate(_WEEKDAYS):
        if weekday in lowered:
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead + (7 if f"next {weekday}" in lowered and ahead < 7 else 0))
    month_day = re.search(rf"\b({'|'.join(_MONTHS)})\s+(\d{{1,2}})", lowered) or re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({'|'.join(_MONTHS)})", lowered
    )
    if month_day:
        first, second = month_day.groups()
        month_name, day_text = (first, second) if first.isalpha() else (second, first)
        month = _MONTHS.index(month_name) + 1
        try:
            candidate = date(today.year, month, int(day_text))
        except ValueError:
            return None
        return candidate if candidate >= today else date(today.year + 1, month, int(day_text))
    return None
