"""What the layer believes of what a client sent: HMAC signatures over session attributes.

Lex V2 session attributes are written by whoever calls the Lex runtime (RecognizeText, PutSession):
Amazon Connect, but also a public web chat. Two things in them must not be forgeable, each with a
key of its own (Secrets Manager keeps both; `adapters.secrets` reads them):

- the layer's own memory (streak, scores, offer state): sealed by the layer itself with one HMAC
  over those attributes and the conversation id, so a set that was changed, moved to another
  conversation or made up is discarded and the conversation starts afresh;
- the customer's identity (`userId`): it counts only with `userIdSignature`, an HMAC over the
  session id and the user id made by a trusted party (the Connect flow's Lambda, the web backend)
  with a key the layer shares with it and with nobody else. See the README for the signer's code.

Standard library only, and kept apart from the keys' source, so it is tested without AWS.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

USER_ID_ATTRIBUTE = "userId"
USER_ID_SIGNATURE_ATTRIBUTE = "userIdSignature"
SEAL_LENGTH = 43  # 32 bytes of HMAC-SHA256, base64url without padding


class KeySource(Protocol):
    def key(self) -> bytes | None:
        """The current key, or None when it cannot be had (then nothing is trusted)."""
        ...


@dataclass(frozen=True, slots=True)
class StaticKey:
    """A key held in memory: for tests and local tools, never for a deployed bot."""

    value: bytes

    def key(self) -> bytes | None:
        return self.value


def user_id_signature(key: bytes, session_id: str, user_id: str) -> str:
    """What the trusted side sends as userIdSignature: hex HMAC-SHA256 of "<sessionId>\\n<userId>"."""
    return hmac.new(key, f"{session_id}\n{user_id}".encode(), hashlib.sha256).hexdigest()


def signed_user_id(attributes: Mapping[str, str], session_id: str, key: bytes | None) -> str | None:
    """The userId attribute when its signature proves it for this session; otherwise None."""
    user_id = attributes.get(USER_ID_ATTRIBUTE)
    signature = attributes.get(USER_ID_SIGNATURE_ATTRIBUTE)
    if key is None or not user_id or not signature or len(signature) != 64:
        return None
    expected = user_id_signature(key, session_id, user_id)
    return user_id if hmac.compare_digest(expected.encode(), signature.encode()) else None


def seal(key: bytes, conversation_id: str, attributes: Mapping[str, str], names: Sequence[str]) -> str:
    """One HMAC over the named attributes present (names and values, in `names` order) and the conversation id.

    Each part is prefixed with its length, so the message is unambiguous whatever the values contain
    (hand-written rather than JSON: this runs twice a turn, and JSON tripled its cost).
    """
    parts = [f"{len(conversation_id)}:{conversation_id}"]
    for name in names:
        value = attributes.get(name)
        if value is not None:
            parts += (_name_part(name), str(len(value)), ":", value)
    digest = hmac.digest(key, "".join(parts).encode("utf-8", "surrogatepass"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@functools.cache
def _name_part(name: str) -> str:
    return f"{len(name)}:{name}"


def seal_holds(
    key: bytes, conversation_id: str, attributes: Mapping[str, str], names: Sequence[str], given: str | None
) -> bool:
    if given is None:
        return False
    return hmac.compare_digest(seal(key, conversation_id, attributes, names).encode(), given.encode("utf-8", "replace"))
