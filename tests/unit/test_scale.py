"""Contact Lens's -5..+5 scale applied to Lex's probabilities."""

from __future__ import annotations

import pytest

from lexsentiment.policy.scale import mean_score, shown, turn_score
from lexsentiment.policy.sentiment import SentimentLabel, SentimentScores
from lexsentiment.recording.record import record_key


def test_the_blog_utterance_scores_minus_3_15() -> None:
    blog = SentimentScores(SentimentLabel.NEGATIVE, 0.005262882, 0.6347739, 0.35993648, 2.6722797e-5)

    assert turn_score(blog) == pytest.approx(-3.14755509)
    assert shown(turn_score(blog)) == "-3.1"


def test_scores_stay_within_the_scale() -> None:
    assert turn_score(SentimentScores(SentimentLabel.POSITIVE, 1.0, 0.0, 0.0, 0.0)) == 5.0
    assert turn_score(SentimentScores(SentimentLabel.NEGATIVE, 0.0, 1.0, 0.0, 0.0)) == -5.0


def test_the_conversation_score_is_the_mean_of_turn_scores() -> None:
    # Contact Lens's worked example: portions -2.5, 5, 5, 5 give 3.125, shown as 3.1.
    assert mean_score(-2.5 + 5 + 5 + 5, 4) == pytest.approx(3.125)
    assert shown(mean_score(12.5, 4)) == "3.1"
    assert mean_score(0.0, 0) is None
    assert shown(None) == "unknown"


def test_record_keys_use_lex_request_ids_and_otherwise_count_turns() -> None:
    assert record_key("request-1", True, 5) == "request-1"
    assert record_key("digest", False, 0) != record_key("digest", False, 1)
    assert record_key("digest", False, 1) == record_key("digest", False, 1)
