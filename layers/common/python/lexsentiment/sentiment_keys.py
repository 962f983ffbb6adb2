"""The sentiment table's key layout, shared by its writer (recording.table), reader (insights.store) and erasure.

  PK                                SK                      item
  CONV#<id>                         TURN#<record key>       one scored turn (TTL)
  CONV#<id>                         SUMMARY                 the conversation (TTL);
                                                            GSI1 SHIFT#<shift> / <startedAt>#<id>
  CONV#<id>                         INTENT#<intent>         per intent per conversation (TTL)
  INTENT#<intent>#S<n>              TOTAL                   per intent, shard n; GSI1 INTENTS / <intent>#S<n>
  INTENT#<intent>#S<n>              DAY#<yyyy-mm-dd>        per intent per day, shard n
  USER#<user>                       TOTAL                   per user (TTL)
  USER#<user>                       CONV#<startedAt>#<id>   one user's conversations, oldest first in key order (TTL)
  BOT#<name>#<alias>#<locale>#S<n>  TOTAL                   per bot alias and locale, shard n;
                                                            GSI1 BOTS / <name>#<alias>#<locale>#S<n>
  BOT#<name>#<alias>#<locale>#S<n>  DAY#<yyyy-mm-dd>        per bot alias and locale per day, shard n

(TTL) items are personal: they carry `expiresAt` (epoch seconds) and readers skip them once it has
passed, because DynamoDB deletes expired items only eventually. Intent and bot items are anonymous
and never expire.

GSI1 is KEYS_ONLY and its keys change only when a conversation starts or changes shift class, or an
intent or bot shard is first seen, so it never takes a write per turn and has no hot partition.

Why SHARDS = 8: every turn updates its intent's and its bot's counters; one DynamoDB partition takes
about 1,000 write units a second and a transactional update of a small item costs 2, so one item
tops out near 500 turns a second. Eight shards lift that to about 4,000 turns a second for the busiest
intent (a large contact centre's peak with room to spare) while a read merges only eight items per
day. The shard is chosen from the conversation id, so a conversation's turns land on one shard.
"""

from __future__ import annotations

import hashlib

from lexsentiment.lex.keys import bounded_id

SHARDS = 8
SUMMARY = "SUMMARY"
TOTAL = "TOTAL"
INTENTS_INDEX_KEY = "INTENTS"
BOTS_INDEX_KEY = "BOTS"
SHIFT_INDEX = "GSI1"
# The TTL attribute (template.yaml's TimeToLiveSpecification): epoch seconds, on personal items only.
EXPIRES_AT = "expiresAt"


def shard_of(conversation_id: str) -> int:
    return int(hashlib.sha256(conversation_id.encode()).hexdigest()[:8], 16) % SHARDS


def conversation_pk(conversation_id: str) -> str:
    # bounded_id is what the code hook stored (it leaves a bounded id as it is): a reader or the
    # erasure asked for a long id finds the digest it was kept under.
    return f"CONV#{bounded_id(conversation_id)}"


def turn_sk(record_key: str) -> str:
    return f"TURN#{record_key}"


def conversation_intent_sk(intent: str) -> str:
    return f"INTENT#{intent}"


def intent_pk(intent: str, shard: int) -> str:
    return f"INTENT#{intent}#S{shard}"


def sharded_index_sk(key: str, shard: int) -> str:
    """An INTENTS or BOTS index entry's sort key: the intent, or the bot key, and its shard."""
    return f"{key}#S{shard}"


def day_sk(day: str) -> str:
    return f"DAY#{day}"


def user_pk(user_id: str) -> str:
    return f"USER#{bounded_id(user_id)}"


def user_conversation_sk(started_at: str, conversation_id: str) -> str:
    return f"CONV#{started_at}#{conversation_id}"


def bot_key(name: str, alias: str, locale: str) -> str:
    """One bot alias and locale; Lex's names have no "#", and a V1 bot's locale is empty."""
    return f"{name}#{alias}#{locale}"


def bot_pk(bot: str, shard: int) -> str:
    return f"BOT#{bot}#S{shard}"


def unsharded(index_sk: str) -> str:
    """sharded_index_sk's key without its shard: the intent, or the bot key."""
    return index_sk.rsplit("#S", 1)[0]


def shift_pk(shift: str) -> str:
    return f"SHIFT#{shift}"


def shift_sk(started_at: str, conversation_id: str) -> str:
    return f"{started_at}#{conversation_id}"
