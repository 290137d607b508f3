"""Clause 3.6: the rating search shows (catalog.SupplierRating) follows feedback: given,
edited, held, released and voided, counting only `counted` feedback like member_rating."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.conftest import ApiClient
from tests.factories import listing_create, member_create, staff_create
from tests.trade.orders_helpers import make_parties
from tests.trade.test_feedback_api import completed
from tradepost.catalog import search
from tradepost.catalog.models import SupplierRating
from tradepost.trade.models.feedback import Feedback, FeedbackStatus
from tradepost.trade.selectors.feedback import member_rating
from tradepost.trade.services.feedback import (
    feedback_give,
    feedback_ratings_rebuild,
    feedback_release,
    feedback_void,
)

pytestmark = pytest.mark.django_db


def stored(member) -> tuple[Decimal, int] | None:
    row = SupplierRating.objects.filter(member_id=member.pk).first()
    return None if row is None else (row.average, row.count)


def give(buyer, order, rating: int):
    feedback, _ = feedback_give(order=order, member=buyer, rating=rating, comment="", by=buyer.user)
    return feedback


@pytest.fixture
def parties(db):
    return make_parties()


def test_giving_and_editing_feedback_updates_the_rating(parties):
    buyer, supplier, listing = parties
    first = completed(buyer, supplier, listing)
    second = completed(buyer, supplier, listing_create(supplier))

    give(buyer, first, 4)
    assert stored(supplier) == (Decimal("4.0"), 1)
    give(buyer, second, 5)
    assert stored(supplier) == (Decimal("4.5"), 2)
    give(buyer, first, 2)  # an edit

    assert stored(supplier) == (Decimal("3.5"), 2)
    rating = member_rating(supplier)
    assert stored(supplier) == (rating.average, rating.count)


def test_the_supplier_rating_the_buyer_rates_the_buyer_not_the_supplier(parties):
    buyer, supplier, listing = parties
    order = completed(buyer, supplier, listing)

    give(supplier, order, 3)

    assert stored(buyer) == (Decimal("3.0"), 1)
    assert stored(supplier) is None


def test_voiding_the_only_feedback_removes_the_rating(parties):
    buyer, supplier, listing = parties
    feedback = give(buyer, completed(buyer, supplier, listing), 1)
    other = give(buyer, completed(buyer, supplier, listing_create(supplier)), 5)
    agent = staff_create(username="ts", role="Trust & safety agent")

    feedback_void(feedback=feedback, by=agent, reason="Fake review.")
    assert stored(supplier) == (Decimal("5.0"), 1)
    feedback_void(feedback=other, by=agent, reason="Fake review.")

    assert stored(supplier) is None


def test_held_feedback_counts_only_once_released(parties):
    buyer, supplier, listing = parties
    for _ in range(3):  # a burst from a new account: the fourth is held
        other = member_create(country="CN", roles=["supplier"])
        give(buyer, completed(buyer, other, listing_create(other)), 5)
    held = give(buyer, completed(buyer, supplier, listing), 2)
    assert held.status == FeedbackStatus.HELD
    assert stored(supplier) is None
    agent = staff_create(username="ts", role="Trust & safety agent")

    feedback_release(feedback=held, by=agent)

    assert stored(supplier) == (Decimal("2.0"), 1)


def test_editing_held_feedback_leaves_the_rating_alone(parties):
    buyer, supplier, listing = parties
    first = completed(buyer, supplier, listing)
    give(buyer, first, 4)
    held_order = completed(buyer, supplier, listing_create(supplier))
    give(buyer, held_order, 1)
    Feedback.objects.filter(order=held_order).update(status=FeedbackStatus.HELD)
    feedback_ratings_rebuild()
    assert stored(supplier) == (Decimal("4.0"), 1)

    give(buyer, held_order, 2)

    assert stored(supplier) == (Decimal("4.0"), 1)


def test_the_rebuild_recounts_every_rating_from_counted_feedback(parties):
    buyer, supplier, listing = parties
    give(buyer, completed(buyer, supplier, listing), 4)
    give(supplier, Feedback.objects.get().order, 5)
    SupplierRating.objects.all().delete()
    stray = member_create(country="CN", roles=["supplier"])
    SupplierRating.objects.create(member=stray, average=Decimal("1.0"), count=1)

    made = feedback_ratings_rebuild()

    assert made == 2
    assert stored(supplier) == (Decimal("4.0"), 1)
    assert stored(buyer) == (Decimal("5.0"), 1)
    assert stored(stray) is None


def test_search_shows_filters_and_sorts_by_the_feedback_rating(parties):
    buyer, supplier, listing = parties
    search.index_listing(listing)
    give(buyer, completed(buyer, supplier, listing), 4)

    kept = ApiClient().get("/listings?min_rating=4&sort=rating").json()["results"]
    dropped = ApiClient().get("/listings?min_rating=5").json()["results"]

    assert [(r["id"], r["supplier_rating"]) for r in kept] == [
        (listing.pk, {"average": "4", "count": 1})
    ]
    assert dropped == []


def test_the_command_recounts_the_ratings(parties, capsys):
    buyer, supplier, listing = parties
    give(buyer, completed(buyer, supplier, listing), 3)
    SupplierRating.objects.all().delete()

    call_command("feedback_ratings")

    assert stored(supplier) == (Decimal("3.0"), 1)
    assert "1 member(s) rated" in capsys.readouterr().out
