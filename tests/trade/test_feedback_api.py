"""Feedback (issue 11, clause 3.6): once per order after completion, edits within 7 days,
related accounts refused, bursts from new accounts held, staff void and release."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import listing_create, member_create, staff_create
from tests.trade.orders_helpers import client_for, make_parties, order_at
from tradepost.audit.models import AuditEntry
from tradepost.members.models import Member
from tradepost.trade.models.feedback import Feedback
from tradepost.trade.services.feedback import feedback_release, feedback_void
from tradepost.trade.services.orders import order_confirm_receipt
from tradepost.trust.models import MemberCluster

pytestmark = pytest.mark.django_db


def completed(buyer, supplier, listing):
    order = order_at("shipped", buyer, supplier, listing)
    order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    order.refresh_from_db()
    assert order.status == "completed"
    return order


@pytest.fixture
def world(db):
    buyer, supplier, listing = make_parties()
    return buyer, supplier, listing, client_for(buyer), client_for(supplier)


def rate(client, order_id, rating=5, comment="Good supplier."):
    return client.post(f"/orders/{order_id}/feedback", {"rating": rating, "comment": comment})


def test_each_party_rates_the_other_once_and_the_summary_is_public(world):
    buyer, supplier, listing, bc, sc = world
    order = completed(buyer, supplier, listing)
    given = rate(bc, order.pk, 4, "On time.")
    assert given.status_code == 201, given.content
    body = given.json()
    assert (body["role"], body["rating"], body["status"]) == ("buyer", 4, "counted")
    assert body["ratee_id"] == supplier.member_id
    assert rate(sc, order.pk, 5, "Paid fast.").status_code == 201
    summary = client_for(member_create()).get(f"/members/{supplier.member_id}/feedback")
    assert summary.status_code == 200
    assert summary.json()["average"] == "4"
    assert summary.json()["count"] == 1
    assert [e["comment"] for e in summary.json()["recent"]] == ["On time."]
    assert Feedback.objects.count() == 2
    assert AuditEntry.objects.filter(action="feedback.give").count() == 2


def test_a_second_post_edits_within_seven_days_then_not(world):
    buyer, supplier, listing, bc, _sc = world
    order = completed(buyer, supplier, listing)
    rate(bc, order.pk, 2)
    edited = rate(bc, order.pk, 3, "Better after all.")
    assert edited.status_code == 200
    assert Feedback.objects.get().rating == 3
    Feedback.objects.update(editable_until=timezone.now() - timedelta(seconds=1))
    late = rate(bc, order.pk, 5)
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "feedback_not_editable"
    assert Feedback.objects.get().rating == 3


@pytest.mark.parametrize("status", ["placed", "accepted", "paid", "shipped"])
def test_only_after_completion(world, status):
    buyer, supplier, listing, bc, _sc = world
    order = order_at(status, buyer, supplier, listing)
    response = rate(bc, order.pk)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "feedback_order_not_completed"
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize("rating", [0, 6, "five"])
def test_rating_from_one_to_five(world, rating):
    buyer, supplier, listing, bc, _sc = world
    order = completed(buyer, supplier, listing)
    assert rate(bc, order.pk, rating).status_code == 422
    assert Feedback.objects.count() == 0


def test_a_stranger_cannot_rate_an_order(world):
    buyer, supplier, listing, _bc, _sc = world
    order = completed(buyer, supplier, listing)
    assert rate(client_for(member_create()), order.pk).status_code == 404


def test_related_accounts_are_refused(world):
    buyer, supplier, listing, bc, _sc = world
    order = completed(buyer, supplier, listing)
    MemberCluster.objects.create(member=supplier, root=supplier.pk, size=2)
    MemberCluster.objects.create(member=buyer, root=supplier.pk, size=2)
    response = rate(bc, order.pk)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feedback_related_accounts"
    assert Feedback.objects.count() == 0


def test_a_burst_from_a_new_account_is_held_and_not_counted_until_released(world):
    buyer, supplier, listing, bc, _sc = world
    for _ in range(3):
        other = member_create(country="CN", roles=["supplier"])
        assert rate(bc, completed(buyer, other, listing_create(other)).pk).json()["status"] == (
            "counted"
        )
    fourth = rate(bc, completed(buyer, supplier, listing).pk, 1)
    assert fourth.json()["status"] == "held"
    held = Feedback.objects.get(status="held")
    assert held.hold_rule == "feedback.burst_new_account"
    assert bc.get(f"/members/{supplier.member_id}/feedback").json()["count"] == 0
    agent = staff_create(username="ts", role="Trust & safety agent")
    feedback_release(feedback=held, by=agent)
    assert bc.get(f"/members/{supplier.member_id}/feedback").json()["count"] == 1


def test_an_old_account_is_not_held(world):
    buyer, _supplier, _listing, bc, _sc = world
    Member.objects.filter(pk=buyer.pk).update(created_at=timezone.now() - timedelta(days=90))
    buyer.refresh_from_db()
    for _ in range(4):
        other = member_create(country="CN", roles=["supplier"])
        assert rate(bc, completed(buyer, other, listing_create(other)).pk).json()["status"] == (
            "counted"
        )


def test_staff_void_with_a_reason(world):
    buyer, supplier, listing, bc, _sc = world
    rate(bc, completed(buyer, supplier, listing).pk, 1)
    feedback = Feedback.objects.get()
    agent = staff_create(username="ts", role="Trust & safety agent")
    feedback_void(feedback=feedback, by=agent, reason="Abusive comment.")
    feedback.refresh_from_db()
    assert (feedback.status, feedback.void_reason) == ("voided", "Abusive comment.")
    assert bc.get(f"/members/{supplier.member_id}/feedback").json()["count"] == 0
    entry = AuditEntry.objects.get(action="feedback.void")
    assert entry.actor == agent
    assert rate(bc, feedback.order_id, 5).json()["error"]["code"] == "feedback_not_editable"


def test_unknown_member_summary_is_404(db):
    assert client_for(member_create()).get("/members/NOPE/feedback").status_code == 404
