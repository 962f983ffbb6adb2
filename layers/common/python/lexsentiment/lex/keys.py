"""Keys we derive from what Lex sends: bounded ids, and utterance keys for events without a request id."""

from __future__ import annotations

import hashlib
import re

# Lex's own ids (sessionId, V1 userId) are at most 100 of these characters; allowing a little more
# keeps every id Lex can send as it is. "#" is out: it separates the parts of the table's keys.
_PLAIN_ID = re.compile(r"^[0-9A-Za-z._:@+=/-]{1,128}$")


def bounded_id(raw: str) -> str:
    """The id itself when it is short and plain; otherwise a digest of it (the same id, the same digest).

    Ids become table keys, queue messages and log fields: none of those may break or carry
    whatever a caller chose to send, and a digest still keeps one conversation together.
    """
    if _PLAIN_ID.match(raw):
        return raw
    return "sha256-" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def derived_utterance_key(conversation_id: str, raw_sentiment: str) -> str:
    """A stable key for one utterance: the same conversation and the same raw scores.

    Comprehend's scores carry eight or more significant digits, so two different utterances
    of one conversation practically never share them; the transcript is deliberately left
    out so no digest of customer text is stored anywhere.
    """
    digest = hashlib.sha256(f"{conversation_id}\x1f{raw_sentiment}".encode()).hexdigest()
    return digest[:32]
