"""The burst rule of feedback (clause 3.6), without the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tradepost.policy.trade import FeedbackPolicy
from tradepost.trade.services.feedback import feedback_hold_decide

POLICY = FeedbackPolicy(new_account_days=30, burst_window_hours=24, burst_max=3)


@pytest.mark.parametrize(
    ("age_days", "count", "held"),
    [(1, 3, False), (1, 4, True), (29, 10, True), (30, 10, False), (400, 100, False)],
)
def test_a_burst_from_a_new_account_is_held(age_days, count, held):
    decision = feedback_hold_decide(
        account_age=timedelta(days=age_days), recent_count=count, policy=POLICY
    )
    assert decision.held is held
    assert decision.rule == ("feedback.burst_new_account" if held else "")
