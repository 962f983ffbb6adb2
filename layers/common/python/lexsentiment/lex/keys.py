"""Derived utterance keys for events that carry no request id of their own."""

from __future__ import annotations

import hashlib


def derived_utterance_key(conversation_id: str, raw_sentiment: str) -> str:
    """A stable key for one utterance: the same conversation and the same raw scores.

    Comprehend's scores carry eight or more significant digits, so two different utterances
    of one conversation practically never share them; the transcript is deliberately left
    out so no digest of customer text is stored anywhere.
    """
    digest = hashlib.sha256(f"{conversation_id}\x1f{raw_sentiment}".encode()).hexdigest()
    return digest[:32]
