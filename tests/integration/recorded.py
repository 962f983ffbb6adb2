"""Turn records written straight through the recorder: conversations of known customers, at known times."""

from __future__ import annotations

from datetime import datetime, timedelta

from lexsentiment.lex.turn import BotRef, LexVersion
from lexsentiment.policy.assess import Decision
from lexsentiment.policy.conversation_score import Shift
from lexsentiment.policy.sentiment import SentimentLabel, SentimentScores
from lexsentiment.recording.record import RecordOutcome, TurnRecord
from lexsentiment.recording.table import DynamoDbSentimentRecorder
from tests.support import NOW

CUSTOMER = "customer-047"
OTHER_CUSTOMER = "customer-048"
BOT = BotRef(name="DeliveryBot", alias="live", locale="en_US")


def turn_record(
    conversation_id: str,
    user_id: str,
    turn_index: int,
    recorded_at: datetime = NOW,
    *,
    started_at: datetime = NOW,
    intent: str = "CheckDeliveryStatus",
) -> TurnRecord:
    return TurnRecord(
        conversation_id=conversation_id,
        user_id=user_id,
        record_key=f"{conversation_id}-{turn_index}",
        turn_index=turn_index,
        recorded_at=recorded_at,
        intent_name=intent,
        bot=BOT,
        lex_version=LexVersion.V2,
        sentiment=SentimentScores(SentimentLabel.NEGATIVE, positive=0.1, negative=0.8, neutral=0.05, mixed=0.05),
        score=-3.5,
        decision=Decision.APOLOGISE,
        apologised=True,
        handed_over=False,
        started_at=started_at,
        start_score=-3.5,
        end_score=-3.5,
        shift=Shift.STABLE,
    )


def record_conversations(recorder: DynamoDbSentimentRecorder, *, turns: int = 2) -> dict[str, list[str]]:
    """Two conversations of CUSTOMER's and one of OTHER_CUSTOMER's, `turns` turns each; their ids by customer."""
    conversations = {CUSTOMER: ["session-a", "session-b"], OTHER_CUSTOMER: ["session-c"]}
    for user_id, ids in conversations.items():
        for number, conversation_id in enumerate(ids):
            started_at = NOW + timedelta(hours=number)
            for index in range(1, turns + 1):
                record = turn_record(
                    conversation_id, user_id, index, started_at + timedelta(minutes=index), started_at=started_at
                )
                assert recorder.record(record).outcome is RecordOutcome.RECORDED
    return conversations
