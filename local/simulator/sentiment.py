"""Where a simulated utterance's sentiment comes from: VADER offline, a script, or Amazon Comprehend.

Each provider returns a Lex V2 `sentimentResponse` ({sentiment, sentimentScore{positive, negative,
neutral, mixed}}) or None.

VADER mapping (our own; Lex uses Comprehend, which publishes no formula to imitate): VADER's
compound score c in -1..1 sets the winning class's confidence to 0.35 + 0.65 x |c| (POSITIVE when
c >= 0.05, NEGATIVE when c <= -0.05, else NEUTRAL at 0.9); MIXED gets the smaller of VADER's positive
and negative word shares when both are present; the rest is split so the four scores sum to 1.
VADER is a social-media lexicon: it misses domain words, so a dozen delivery words are added
("late", "delayed", "lost", ...), and bare "yes"/"no" are made neutral (answers, not feelings).
It reads words, not context: sarcasm, and most of what Comprehend gets from sentence structure,
is beyond it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

DELIVERY_LEXICON = {
    "late": -1.9,
    "delayed": -1.8,
    "delay": -1.5,
    "lost": -1.8,
    "missing": -1.4,
    "waiting": -0.9,
    "ages": -1.0,
    "forever": -1.0,
    "useless": -2.2,
    "rubbish": -2.0,
    "yes": 0.0,
    "no": 0.0,
}


class SentimentProvider(Protocol):
    name: str

    def analyse(self, text: str, scripted: Mapping[str, float] | None = None) -> dict[str, Any] | None: ...


def lex_sentiment(positive: float, negative: float, neutral: float, mixed: float) -> dict[str, Any]:
    scores = {"positive": positive, "negative": negative, "neutral": neutral, "mixed": mixed}
    label = max(scores, key=lambda name: scores[name]).upper()
    return {"sentiment": label, "sentimentScore": {name: round(value, 6) for name, value in scores.items()}}


class VaderSentiment:
    name = "vader"

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyser = SentimentIntensityAnalyzer()
        self._analyser.lexicon.update(DELIVERY_LEXICON)

    def analyse(self, text: str, scripted: Mapping[str, float] | None = None) -> dict[str, Any] | None:
        if not text.strip():
            return None
        polarity = self._analyser.polarity_scores(text)
        compound = polarity["compound"]
        mixed = min(polarity["pos"], polarity["neg"]) if polarity["pos"] and polarity["neg"] else 0.0
        strength = 0.35 + 0.65 * abs(compound)
        if compound >= 0.05:
            positive, negative = strength, (1 - strength) * 0.2
        elif compound <= -0.05:
            positive, negative = (1 - strength) * 0.2, strength
        else:
            positive, negative = 0.04, 0.04
        mixed = min(mixed, max(0.0, 1 - positive - negative))
        neutral = max(0.0, 1 - positive - negative - mixed)
        return lex_sentiment(positive, negative, neutral, mixed)


class ScriptedSentiment:
    """Scores written in the transcript (for tests); a turn without scores has no sentiment."""

    name = "scripted"

    def analyse(self, text: str, scripted: Mapping[str, float] | None = None) -> dict[str, Any] | None:
        if scripted is None:
            return None
        return lex_sentiment(
            float(scripted.get("positive", 0.0)),
            float(scripted.get("negative", 0.0)),
            float(scripted.get("neutral", 0.0)),
            float(scripted.get("mixed", 0.0)),
        )


class ScriptedOrVader:
    """Scripted scores where the transcript gives them, VADER elsewhere (the replay default)."""

    name = "scripted+vader"

    def __init__(self) -> None:
        self._scripted = ScriptedSentiment()
        self._vader = VaderSentiment()

    def analyse(self, text: str, scripted: Mapping[str, float] | None = None) -> dict[str, Any] | None:
        if scripted is not None:
            return self._scripted.analyse(text, scripted)
        return self._vader.analyse(text)


class ComprehendSentiment:
    """Amazon Comprehend's DetectSentiment, as Lex itself uses (needs AWS credentials)."""

    name = "comprehend"

    def __init__(self, language: str = "en", client: Any = None) -> None:
        """`client`: one built with the user's own credentials (the local store's environment is fake)."""
        import boto3

        self._client = client or boto3.client("comprehend")
        self._language = language

    def analyse(self, text: str, scripted: Mapping[str, float] | None = None) -> dict[str, Any] | None:
        if not text.strip():
            return None
        result = self._client.detect_sentiment(Text=text[:5000], LanguageCode=self._language)
        scores = result["SentimentScore"]
        return lex_sentiment(scores["Positive"], scores["Negative"], scores["Neutral"], scores["Mixed"])


def provider(name: str) -> SentimentProvider:
    providers: dict[str, type[SentimentProvider]] = {
        "vader": VaderSentiment,
        "scripted": ScriptedSentiment,
        "scripted+vader": ScriptedOrVader,
        "comprehend": ComprehendSentiment,
    }
    if name not in providers:
        raise ValueError(f"unknown sentiment provider {name!r}: choose from {', '.join(providers)}")
    return providers[name]()
