"""Pure rules of clause 9.1 (phases, read-only, banner) and of service lost (2.4, 9.1)."""

from datetime import UTC, datetime, timedelta

import pytest

from tradepost.billing.rules.operations import (
    Phase,
    WindowFacts,
    banner_windows,
    lost_interval,
    read_only_now,
    time_lost,
    window_phase,
)
from tradepost.policy.operations import ServiceLossPolicy

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def facts(**over) -> WindowFacts:
    base = {
        "id": 1,
        "kind": "maintenance",
        "cause": "maintenance",
        "title": "Upgrade",
        "message": "We upgrade.",
        "starts_at": NOW - H,
        "ends_at": NOW + H,
        "ended_at": None,
        "read_only": True,
        "status": "in_progress",
    }
    base.update(over)
    return WindowFacts(**base)


@pytest.mark.parametrize(
    ("over", "phase"),
    [
        ({}, Phase.IN_PROGRESS),
        ({"starts_at": NOW + H, "ends_at": NOW + 2 * H, "status": "scheduled"}, Phase.UPCOMING),
        ({"ends_at": NOW - H / 2, "starts_at": NOW - H}, Phase.IN_PROGRESS),  # overrun
        ({"ended_at": NOW - H / 2, "status": "completed"}, Phase.ENDED),
        ({"status": "cancelled"}, Phase.CANCELLED),
        ({"starts_at": NOW - H, "status": "scheduled"}, Phase.IN_PROGRESS),
    ],
)
def test_window_phase(over, phase):
    assert window_phase(facts(**over), NOW) is phase


def test_read_only_retry_after_is_seconds_to_the_published_end():
    decision = read_only_now([facts()], NOW, default_retry_after=300)

    assert decision.read_only is True
    assert decision.retry_after == 3600
    assert decision.clause == "9.1"


def test_read_only_past_its_published_end_retries_after_the_default():
    decision = read_only_now([facts(ends_at=NOW - H / 2)], NOW, default_retry_after=300)

    assert (decision.read_only, decision.retry_after) == (True, 300)


def test_a_window_that_is_not_read_only_or_not_started_leaves_writes():
    windows = [facts(read_only=False), facts(id=2, starts_at=NOW + H, ends_at=NOW + 2 * H)]

    assert read_only_now(windows, NOW, default_retry_after=300).read_only is False


def test_banner_shows_windows_within_the_lead_and_in_progress():
    soon = facts(id=2, starts_at=NOW + 10 * H, ends_at=NOW + 11 * H, status="scheduled")
    later = facts(id=3, starts_at=NOW + 100 * H, ends_at=NOW + 101 * H, status="scheduled")
    ended = facts(id=4, ended_at=NOW - H / 2, status="completed")

    shown = banner_windows([later, soon, facts(), ended], NOW, lead=48 * H)

    assert [w.id for w in shown] == [1, 2]


def test_lost_interval_by_cause():
    policy = ServiceLossPolicy()
    overrun = facts(starts_at=NOW - 3 * H, ends_at=NOW - 2 * H, ended_at=NOW - H)
    incident = facts(
        kind="incident", cause="force_majeure", starts_at=NOW - 3 * H, ends_at=None, ended_at=None
    )
    writable = facts(read_only=False, starts_at=NOW - 3 * H, ends_at=NOW - 2 * H, ended_at=NOW)

    assert lost_interval(overrun, NOW, policy) == (NOW - 2 * H, NOW - H)
    assert lost_interval(incident, NOW, policy) == (NOW - 3 * H, NOW)
    assert lost_interval(writable, NOW, policy) is None
    assert lost_interval(facts(), NOW, policy) is None  # on time so far: nothing lost


def test_time_lost_counts_overlaps_once_and_clips_to_the_period():
    intervals = [(NOW - 5 * H, NOW - 3 * H), (NOW - 4 * H, NOW - 2 * H), (NOW, NOW + 5 * H)]

    assert time_lost(intervals, NOW - 10 * H, NOW + H) == 4 * H
    assert time_lost(intervals, NOW - 3 * H, NOW) == H
    assert time_lost([], NOW - H, NOW) == timedelta(0)
