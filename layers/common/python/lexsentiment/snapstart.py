"""Lambda SnapStart: what the layer builds before the snapshot, so a restored instance does not.

With SnapStart on (template.yaml's EnableSnapStart), Lambda runs the init phase once per published
version, snapshots it, and restores that snapshot on a cold start. Whatever init built is in the
snapshot; whatever the first turn builds lazily is paid on every restore. `prime` builds the lazy
parts without a network call: the V2 event validators (a sample event parsed), the DynamoDB and SQS
clients, and one turn record written through them to an in-process answer, so botocore's request
serialisers, endpoint rules and response parsers for the very table and queue are built too; the
Secrets Manager client the same way (the signing keys themselves are read after the restore, so no
snapshot holds them); then the backlog message model and a rendered reply.

Nothing unique or random is made here: no ids, no clock reading kept, no credentials cached beyond
what botocore refreshes itself (Lambda serves them from its container endpoint after a restore);
the random module, seeded at import, is reseeded after every restore.
The hook module exists only in Lambda's managed runtimes, so it is imported guarded.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from lexsentiment.adapters.aws import answered_in_process, dynamodb_client, sqs_client
from lexsentiment.lex.events import parse_event
from lexsentiment.lex.reply import DialogActionType, Reply, render
from lexsentiment.lex.turn import LexVersion
from lexsentiment.policy.assess import Decision
from lexsentiment.policy.conversation_score import Shift
from lexsentiment.recording.record import TurnRecord
from lexsentiment.settings import LayerSettings

# The smallest V2 code hook event the parser takes, with scores: it exercises the sentiment path too.
_SAMPLE_EVENT = {
    "messageVersion": "1.0",
    "invocationSource": "DialogCodeHook",
    "inputMode": "Text",
    "responseContentType": "text/plain; charset=utf-8",
    "sessionId": "snapstart-priming",
    "inputTranscript": "",
    "bot": {"id": "PRIMING", "name": "Priming", "localeId": "en_US", "version": "DRAFT", "aliasId": "TSTALIASID"},
    "interpretations": [
        {
            "intent": {"name": "FallbackIntent", "slots": {}, "state": "InProgress", "confirmationState": "None"},
            "sentimentResponse": {
                "sentiment": "NEUTRAL",
                "sentimentScore": {"positive": 0.1, "negative": 0.1, "neutral": 0.8, "mixed": 0.0},
            },
        }
    ],
    "sessionState": {
        "sessionAttributes": {},
        "intent": {"name": "FallbackIntent", "slots": {}, "state": "InProgress", "confirmationState": "None"},
        "originatingRequestId": "snapstart-priming",
    },
}


# A fixed moment: nothing read from the clock goes into the snapshot.
_PRIMING_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def prime(settings: LayerSettings) -> None:
    """Build now what the first turn would otherwise build (no network call is made)."""
    from lexsentiment.adapters.secrets import secrets_client
    from lexsentiment.recording.backlog import SqsSentimentBacklog
    from lexsentiment.recording.message import TurnRecordMessage
    from lexsentiment.recording.table import DynamoDbSentimentRecorder

    turn = parse_event(_SAMPLE_EVENT)
    assert turn.sentiment is not None
    record = TurnRecord(
        conversation_id=turn.conversation_id,
        user_id=turn.user_id,
        record_key="snapstart-priming",
        turn_index=0,
        recorded_at=_PRIMING_TIME,
        intent_name=turn.intent_name,
        bot=turn.bot,
        lex_version=turn.lex_version,
        sentiment=turn.sentiment,
        score=0.0,
        decision=Decision.NONE,
        apologised=False,
        handed_over=False,
        started_at=_PRIMING_TIME,
        start_score=0.0,
        end_score=0.0,
        shift=Shift.STABLE,
    )
    dynamodb = dynamodb_client()
    if settings.sentiment_table_name:
        with answered_in_process(dynamodb):
            DynamoDbSentimentRecorder(settings.sentiment_table_name, timedelta(days=1)).record(record)
    if settings.sentiment_backlog_queue_url:
        with answered_in_process(sqs_client()):
            SqsSentimentBacklog(settings.sentiment_backlog_queue_url).put(record)
    for secret_id in (settings.memory_seal_secret, settings.user_id_signing_secret):
        if secret_id:
            # The client and its request path only: the key itself is read after the restore.
            secrets = secrets_client()
            with answered_in_process(secrets):
                secrets.get_secret_value(SecretId=secret_id)
    TurnRecordMessage.model_rebuild(force=True)
    render(Reply(DialogActionType.ELICIT_INTENT, {}, message="primed"), LexVersion.V2)


def reseed_after_restore() -> None:
    """Every instance restored from one snapshot would draw the same "random" numbers (the retry
    jitter, adapters.aws.backoff_seconds): each reseeds from the OS once it is restored."""
    random.seed()


def register_priming(settings: LayerSettings) -> bool:
    """Run `prime` before Lambda takes the snapshot, and reseed after each restore; False outside
    Lambda's managed runtime."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(prime, settings)
    register_after_restore(reseed_after_restore)
    return True
