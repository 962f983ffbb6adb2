"""The sentiment table's key layout, shared by the writer (the code hook) and the reader (insights).

  PK                              SK                      item
  CONV#<id>                       TURN#<record key>       one scored turn (TTL expiresAt)
  CONV#<id>                       SUMMARY                 the conversation; GSI1 SHIFT#<shift> / <startedAt>#<id>
  CONV#<id>                       INTENT#<intent>         per intent per conversation
  INTENT#<intent>#S<n>            TOTAL                   per intent, shard n; GSI1 INTENTS / <intent>#S<n>
  INTENT#<intent>#S<n>            DAY#<yyyy-mm-dd>        per intent per day, shard n
  USER#<user>                     TOTAL                   per user
  USER#<user>                     CONV#<startedAt>#<id>   one user's conversations, oldest first in key order
  BOT#<name>#<alias>#<locale>#S<n> TOTAL                  per bot alias and locale, shard n

GSI1 is KEYS_ONLY and its keys change only when a conversation starts or changes shift class, or an
intent shard is first seen, so it never takes a write per turn and has no hot partition.

Why SHARDS = 8: every turn updates its intent's and its bot's counters; one DynamoDB partition takes
about 1,000 write units a second and a transactional update of a small item costs 2, so one item
tops out near 500 turns a second. Eight shards lift that to about 4,000 turns a second for the busiest
intent (a large contact centre's peak with room to spare) while a read merges only eight items per
day. The shard is chosen from the conversation id, so a conversation's turns land on one shard.
"""

from __future__ import annotations

import hashlib

SHARDS = 8
SUMMARY = "SUMMARY"
TOTAL = "TOTAL"
INTENTS_INDEX_KEY = "INTENTS"
SHIFT_INDEX = "GSI1"


def shard_of(conversation_id: str) -> int:
    return int(hashlib.sha256(conversation_id.encode()).hexdigest()[:8], 16) % SHARDS


def conversation_pk(conversation_id: str) -> str:
    return f"CONV#{conversation_id}"


def turn_sk(record_key: str) -> str:
    return f"TURN#{record_key}"


def conversation_intent_sk(intent: str) -> str:
    return f"INTENT#{intent}"


def intent_pk(intent: str, shard: int) -> str:
    return f"INTENT#{intent}#S{shard}"


def intent_index_sk(intent: str, shard: int) -> str:
    return f"{intent}#S{shard}"


def day_sk(day: str) -> str:
    return f"DAY#{day}"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def user_conversation_sk(started_at: str, conversation_id: str) -> str:
    return f"CONV#{started_at}#{conversation_id}"


def bot_pk(name: str, alias: str, locale: str, shard: int) -> str:
    return f"BOT#{name}#{alias}#{locale}#S{shard}"


def shift_pk(shift: str) -> str:
    return f"SHIFT#{shift}"


def shift_sk(started_at: str, conversation_id: str) -> str:
    return f"{started_at}#{conversation_id}"
