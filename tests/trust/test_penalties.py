"""Penalty points and IP strikes (clause 6.2): the pure rule over policy/penalties.toml (each
threshold, expiry after 365 days, the same-day cap, strikes grouped within 3 days), and the
staff API that records points and takes or proposes what a threshold prescribes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.members.services import api_token_create
from tradepost.policy import POLICY_DIR, PolicyError, load_toml
from tradepost.policy.penalties import load_penalties_policy, parse_penalties_policy
from tradepost.trust.models import PenaltyPoint, PrescriptionStatus
from tradepost.trust.models.actions import Action, ActionStatus
from tradepost.trust.rules.penalties import (
    PointRecord,
    points_assess,
    points_total,
    strike_assess,
)

POLICY = load_penalties_policy()
POINTS = POLICY.points
STRIKES = POLICY.strikes
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


# --- The pure rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "added", "threshold", "kinds"),
    [
        (0, 5, None, []),
        (0, 6, "points-6", ["warn"]),
        (6, 6, "points-12", ["restrict"]),
        (20, 4, "points-24", ["restrict", "restrict_feature"]),
        (30, 6, "points-36", ["restrict", "remove_listings"]),
        (47, 1, "points-48", ["terminate"]),
        (7, 4, None, []),
    ],
)
def test_each_threshold_prescribes_its_action(before, added, threshold, kinds):
    records = [PointRecord(points=before, at=NOW - timedelta(days=30), capped=False)]

    decision = points_assess(
        records, PointRecord(points=added, at=NOW, capped=False), now=NOW, policy=POINTS
    )

    assert decision.total == before + added
    assert decision.rule == (threshold or "points-none")
    assert [a.kind for a in decision.threshold.actions] if decision.threshold else kinds == []


def test_thresholds_days_and_confirmation_follow_the_published_rules():
    by_id = {t.id: t for t in POINTS.thresholds}
    assert [t.points for t in POINTS.thresholds] == [6, 12, 24, 36, 48]
    assert [a.days for a in by_id["points-12"].actions] == [7]
    assert by_id["points-24"].actions[1].feature == "promotions"
    assert [a.days for a in by_id["points-36"].actions] == [21, None]
    assert [t.automatic for t in POINTS.thresholds] == [True, True, True, False, False]
    assert (POINTS.lifetime_days, POINTS.same_day_cap) == (365, 6)


def test_several_thresholds_crossed_at_once_apply_the_highest():
    decision = points_assess(
        [], PointRecord(points=40, at=NOW, capped=False), now=NOW, policy=POINTS
    )
    assert (decision.rule, decision.clause) == ("points-36", "6.2 (iii)")


def test_a_point_counts_for_365_days_and_not_a_moment_longer():
    record = PointRecord(points=6, at=NOW)
    assert (
        points_total([record], now=NOW + timedelta(days=365) - timedelta(seconds=1), policy=POINTS)
        == 6
    )
    assert points_total([record], now=NOW + timedelta(days=365), policy=POINTS) == 0
    assert points_assess([], record, now=NOW, policy=POINTS).expires_at == NOW + timedelta(days=365)


@given(
    st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=23),
)
def test_complaints_on_one_day_add_at_most_six_points(points, hour):
    day = datetime(2026, 12, 3, tzinfo=UTC)
    records = [
        PointRecord(points=p, at=day + timedelta(hours=hour, minutes=i))
        for i, p in enumerate(points)
    ]
    now = day + timedelta(days=1)
    assert points_total(records, now=now, policy=POINTS) == min(6, sum(points))


@given(st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=8))
def test_staff_points_are_not_capped(points):
    records = [PointRecord(points=p, at=NOW, capped=False) for p in points]
    assert points_total(records, now=NOW, policy=POINTS) == sum(points)


records_strategy = st.lists(
    st.builds(
        PointRecord,
        points=st.integers(min_value=1, max_value=30),
        at=st.integers(min_value=0, max_value=800).map(lambda d: NOW - timedelta(days=d)),
        capped=st.booleans(),
    ),
    max_size=15,
)


@given(records_strategy, st.integers(min_value=1, max_value=30), st.booleans())
def test_adding_points_never_lowers_the_total_and_crosses_what_lies_between(
    records, points, capped
):
    decision = points_assess(records, PointRecord(points, NOW, capped), now=NOW, policy=POINTS)

    assert decision.total >= decision.total_before
    assert decision.counted == decision.total - decision.total_before
    between = [t for t in POINTS.thresholds if decision.total_before < t.points <= decision.total]
    assert decision.threshold == (between[-1] if between else None)


@given(
    records_strategy, st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=30)
)
def test_more_points_never_prescribe_a_lighter_threshold(records, smaller, extra):
    """Monotonic: from the same history, a larger addition reaches at least as high."""
    order = [t.id for t in POINTS.thresholds]
    low = points_assess(records, PointRecord(smaller, NOW, False), now=NOW, policy=POINTS)
    high = points_assess(records, PointRecord(smaller + extra, NOW, False), now=NOW, policy=POINTS)
    if low.threshold is not None:
        assert high.threshold is not None
        assert order.index(high.threshold.id) >= order.index(low.threshold.id)


def test_strikes_one_two_three_and_complaints_within_three_days_are_one():
    first = strike_assess([], at=NOW, now=NOW, policy=STRIKES)
    assert (first.new_strike, first.strikes, first.rule) == (True, 1, "ip-strike-1")

    within = NOW + timedelta(days=2, hours=23)
    grouped = strike_assess([NOW], at=within, now=within, policy=STRIKES)
    assert (grouped.new_strike, grouped.strikes, grouped.rule) == (False, 1, "ip-strike-grouped")

    after = NOW + timedelta(days=3)
    second = strike_assess([NOW], at=after, now=after, policy=STRIKES)
    assert (second.new_strike, second.strikes, second.rule) == (True, 2, "ip-strike-2")
    assert [a.days for a in second.threshold.actions] == [14]

    later = NOW + timedelta(days=10)
    third = strike_assess([NOW, after], at=later, now=later, policy=STRIKES)
    assert (third.strikes, third.rule, third.threshold.actions[0].kind) == (
        3,
        "ip-strike-3",
        "terminate",
    )
    assert third.threshold.automatic is False


def test_an_expired_strike_no_longer_counts():
    later = NOW + timedelta(days=400)
    decision = strike_assess([NOW], at=later, now=later, policy=STRIKES)
    assert (decision.strikes, decision.rule) == (1, "ip-strike-1")


def test_the_policy_refuses_unordered_thresholds_and_missing_grounds():
    data = load_toml(POLICY_DIR / "penalties.toml")
    data["points"]["thresholds"] = list(reversed(data["points"]["thresholds"]))
    with pytest.raises(PolicyError, match="ascending"):
        parse_penalties_policy(data)
    data = load_toml(POLICY_DIR / "penalties.toml")
    del data["grounds"]["6.5"]
    with pytest.raises(PolicyError, match=r"6\.5"):
        parse_penalties_policy(data)


# --- The staff API ----------------------------------------------------------------------


@pytest.fixture
def member(db):
    return member_create(country="CN", roles=["supplier"])


def _client(role: str = "Trust & safety agent", username: str = "agent") -> ApiClient:
    staff = staff_create(username=username, role=role)
    _, raw = api_token_create(user=staff, name="t")
    return ApiClient(token=raw)


def _add(client, member, points, rule="manual", clause="6.2 (v)", reason="Repeated breaches."):
    return client.post(
        f"/staff/members/{member.member_id}/penalties",
        {"points": points, "rule": rule, "clause": clause, "reason": reason},
    )


def test_six_points_warn_at_once_through_the_actions_service(member):
    client = _client()

    response = _add(client, member, 6)

    assert response.status_code == 201
    body = response.json()
    assert (body["points_total"], body["threshold"]["id"]) == (6, "points-6")
    action = Action.objects.get()
    assert (body["action"]["id"], body["action"]["kind"], body["action"]["status"]) == (
        action.pk,
        "warn",
        ActionStatus.IN_FORCE,
    )
    assert (action.source, action.automated_decision, action.clause) == ("penalty", True, "6.2 (v)")
    row = AuditEntry.objects.get(action="penalty.points_added")
    assert (row.actor_label, row.after["threshold"], row.after["action_ids"]) == (
        "agent",
        "points-6",
        [action.pk],
    )


def test_twelve_points_restrict_for_seven_days(member):
    client = _client()
    _add(client, member, 6)

    body = _add(client, member, 6).json()

    assert (body["points_total"], body["threshold"]["id"], body["action"]["kind"]) == (
        12,
        "points-12",
        "restrict",
    )
    restriction = Action.objects.get(kind="restrict")
    assert restriction.ends_at - restriction.created_at == timedelta(days=7)


def test_points_below_a_threshold_take_no_action(member):
    body = _add(_client(), member, 5).json()
    assert (body["points_total"], body["action"], body["threshold"]) == (5, None, None)
    assert Action.objects.count() == 0


def test_a_threshold_staff_confirm_is_proposed_then_confirmed(member):
    client = _client()
    PenaltyPoint.objects.create(
        member=member,
        points=30,
        rule="manual",
        clause="6.2 (v)",
        reason="Earlier.",
        at=datetime.now(UTC) - timedelta(days=10),
        expires_at=datetime.now(UTC) + timedelta(days=355),
    )

    body = _add(client, member, 6).json()

    assert (body["points_total"], body["threshold"]["id"], body["threshold"]["automatic"]) == (
        36,
        "points-36",
        False,
    )
    assert [(a["kind"], a["status"], a["days"]) for a in body["actions"]] == [
        ("restrict", "proposed", 21),
        ("remove_listings", "proposed", None),
    ]
    assert Action.objects.count() == 0
    penalty_id = body["penalty"]["id"]

    confirmed = client.post(
        f"/staff/penalties/{penalty_id}/confirm", {"confirm": True, "reason": "Agreed."}
    )

    assert confirmed.status_code == 200
    assert sorted(Action.objects.values_list("kind", flat=True)) == ["remove_listings", "restrict"]
    assert PenaltyPoint.objects.get(pk=penalty_id).prescription == PrescriptionStatus.CONFIRMED
    again = client.post(f"/staff/penalties/{penalty_id}/confirm", {"confirm": True, "reason": "x"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "nothing_proposed")


def test_confirmed_termination_still_needs_a_second_pair_of_eyes(member):
    client = _client()
    _add(client, member, 47, rule="fraud")
    body = _add(client, member, 1).json()
    assert body["threshold"]["id"] == "points-48"

    client.post(
        f"/staff/penalties/{body['penalty']['id']}/confirm", {"confirm": True, "reason": "Fraud."}
    )

    assert Action.objects.get(kind="terminate").status == ActionStatus.PENDING_APPROVAL


def test_dismissing_a_proposal_takes_nothing(member):
    client = _client()
    body = _add(client, member, 48).json()
    response = client.post(
        f"/staff/penalties/{body['penalty']['id']}/confirm", {"confirm": False, "reason": "No."}
    )
    assert response.json()["penalty"]["prescription"] == "dismissed"
    assert Action.objects.filter(kind="terminate").count() == 0


def test_points_expire_after_365_days_and_the_list_shows_when(member):
    client = _client()
    old = datetime.now(UTC) - timedelta(days=366)
    PenaltyPoint.objects.create(
        member=member,
        points=10,
        rule="manual",
        clause="6.2 (v)",
        reason="Long ago.",
        at=old,
        expires_at=old + timedelta(days=365),
    )

    body = _add(client, member, 6).json()

    assert (body["points_total"], body["threshold"]["id"]) == (6, "points-6")
    listing = client.get(f"/staff/members/{member.member_id}/penalties?limit=1&offset=1").json()
    assert listing["count"] == 2
    (item,) = listing["items"]
    assert item["id"] == body["penalty"]["id"]
    assert item["expires_at"] == body["penalty"]["expires_at"]
    at = datetime.fromisoformat(item["at"])
    assert datetime.fromisoformat(item["expires_at"]) - at == timedelta(days=365)


@pytest.mark.parametrize(
    "payload",
    [
        {"points": 0, "rule": "r", "clause": "6.2", "reason": "x"},
        {"points": 5, "rule": "", "clause": "6.2", "reason": "x"},
        {"points": 5, "rule": "r", "clause": "6.2", "reason": "x" * 5001},
        {"points": "many", "rule": "r", "clause": "6.2", "reason": "x"},
    ],
)
def test_bad_penalty_input_is_422(member, payload):
    response = _client().post(f"/staff/members/{member.member_id}/penalties", payload)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_input")


def test_unknown_member_is_404(db):
    response = _add(_client(), type("M", (), {"member_id": "NOPE"}), 6)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize("role", ["Support agent", "Legal counsel", "Compliance officer"])
def test_roles_without_the_permission_get_403(member, role):
    client = _client(role=role, username="other")
    assert _add(client, member, 6).status_code == 403
    listed = client.get(f"/staff/members/{member.member_id}/penalties")
    assert (listed.status_code, listed.json()["error"]["code"]) == (403, "staff_permission_denied")


def test_members_get_403(member):
    _, raw = api_token_create(user=member.user, name="t")
    response = _add(ApiClient(token=raw), member, 6)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "staff_only")
