"""A listing cap (clause 6.2 iii) on the listings already published: taking effect hides the
published listings beyond it (the newest `cap` stay), out of search and labelled for the
supplier; lifting or expiry shows again exactly those it hid that are still hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import listing_create, member_create, search_category, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.catalog import rules as catalog_rules
from tradepost.catalog import search
from tradepost.catalog import services as catalog_services
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.catalog.rules import Actor
from tradepost.members.services import api_token_create
from tradepost.trust.models.actions import Action, ActionStatus
from tradepost.trust.services import actions as services

S = ListingStatus


def found() -> list[int]:
    query = search.parse_search_params({"q": "flange", "sort": "newest"})
    return sorted(hit.id for hit in search.search(query).results)


def statuses(listings) -> list[str]:
    return [Listing.objects.get(pk=listing.pk).status for listing in listings]


def cap(member, by, n, **kw):
    return services.action_take(
        member=member, kind="cap_listings", clause="6.2 (iii)", reason="Spam.", by=by, cap=n, **kw
    )


@pytest.fixture
def supplier(db):
    search_category("t-kitchen")
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def agent(db):
    return staff_create(username="agent", role="Trust & safety agent")


@pytest.fixture
def listings(supplier):
    """Five published listings, oldest first, a draft and one in review."""
    published = [listing_create(supplier, title=f"Forged flange DN{n}") for n in range(5)]
    listing_create(supplier, title="Draft flange", publish=False)
    return published


def test_taking_effect_hides_the_oldest_published_listings_beyond_the_cap(
    supplier, agent, listings
):
    draft = Listing.objects.get(status=S.DRAFT)

    action = cap(supplier, agent, 2)

    oldest, newest = listings[:3], listings[3:]
    assert statuses(oldest) == [S.CAPPED] * 3
    assert statuses(newest) == [S.PUBLISHED] * 2
    assert Listing.objects.get(pk=draft.pk).status == S.DRAFT
    assert found() == sorted(x.pk for x in newest)
    assert action.evidence["hidden_listing_ids"] == [x.pk for x in oldest]
    assert {x.hidden_by_action for x in Listing.objects.filter(status=S.CAPPED)} == {action.pk}
    row = AuditEntry.objects.get(action="action.listings_hidden")
    assert (row.target_id, row.clause) == (str(action.pk), "6.2 (iii)")
    assert row.after == {"cap": 2, "hidden_listing_ids": [x.pk for x in oldest]}
    transition = Listing.objects.get(pk=oldest[0].pk).transitions.order_by("-pk").first()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        S.PUBLISHED,
        S.CAPPED,
        "platform",
    )


def test_a_cap_at_or_above_the_published_count_hides_nothing(supplier, agent, listings):
    action = cap(supplier, agent, 5)

    assert statuses(listings) == [S.PUBLISHED] * 5
    assert action.evidence["hidden_listing_ids"] == []


def test_a_cap_of_zero_hides_every_published_listing(supplier, agent, listings):
    cap(supplier, agent, 0)

    assert statuses(listings) == [S.CAPPED] * 5
    assert found() == []


def test_the_supplier_reads_why_a_listing_is_hidden(supplier, agent, listings):
    action = cap(supplier, agent, 4)
    label = f"Hidden: over the listing cap set by action #{action.pk} (6.2 iii)"
    web = Client()
    web.force_login(supplier.user)

    page = web.get("/my/listings/").content.decode()
    tab = web.get("/my/listings/?status=capped").content.decode()
    edit = web.get(f"/my/listings/{listings[0].pk}/").content.decode()
    listed = ApiClient(token=api_token_create(user=supplier.user, name="t")[1]).get(
        f"/my/listings/{listings[0].pk}"
    )

    assert label in page and label in edit
    assert "Over the cap" in page and listings[0].title in tab
    assert listings[4].title not in tab
    assert (listed.json()["status"], listed.json()["status_label"]) == ("capped", label)


def test_lifting_shows_again_exactly_the_listings_it_hid(supplier, agent, listings):
    action = cap(supplier, agent, 2)
    published_at = {x.pk: Listing.objects.get(pk=x.pk).published_at for x in listings}

    services.action_lift(action=action, by=agent, reason="Cleaned up.")

    assert statuses(listings) == [S.PUBLISHED] * 5
    assert found() == sorted(x.pk for x in listings)
    assert {x.pk: Listing.objects.get(pk=x.pk).published_at for x in listings} == published_at
    assert not Listing.objects.filter(hidden_by_action__isnull=False).exists()
    row = AuditEntry.objects.get(action="action.listings_restored")
    assert row.after == {"restored_listing_ids": [x.pk for x in listings[:3]]}


def test_expiry_shows_them_again_without_a_job(supplier, agent, listings):
    action = cap(supplier, agent, 3, ends_at=timezone.now() + timedelta(days=7))
    assert found() == sorted(x.pk for x in listings[2:])

    Action.objects.filter(pk=action.pk).update(ends_at=timezone.now() - timedelta(seconds=1))

    assert found() == sorted(x.pk for x in listings)  # search tidies expired actions first
    action.refresh_from_db()
    assert action.status == ActionStatus.EXPIRED
    assert statuses(listings) == [S.PUBLISHED] * 5


def test_a_listing_the_supplier_deleted_or_withdrew_meanwhile_is_not_resurrected(
    supplier, agent, listings
):
    action = cap(supplier, agent, 2)
    deleted, withdrawn, kept = listings[:3]
    catalog_services.listing_delete(member=supplier, listing_id=deleted.pk)
    catalog_services.listing_withdraw(member=supplier, listing_id=withdrawn.pk)

    services.action_lift(action=action, by=agent, reason="Done.")

    assert statuses([deleted, withdrawn, kept]) == [S.REMOVED, S.DRAFT, S.PUBLISHED]
    assert deleted.pk not in found() and withdrawn.pk not in found()
    row = AuditEntry.objects.get(action="action.listings_restored")
    assert row.after == {"restored_listing_ids": [kept.pk]}


def test_a_listing_another_action_removed_is_not_resurrected(supplier, agent, listings):
    action = cap(supplier, agent, 2)
    services.action_take(
        member=supplier, kind="remove_listings", clause="6.2 (iii)", reason="Fakes.", by=agent
    )

    services.action_lift(action=action, by=agent, reason="Done.")

    assert statuses(listings) == [S.REMOVED] * 5
    assert found() == []


def test_a_lower_cap_still_in_force_keeps_what_is_over_it_hidden(supplier, agent, listings):
    loose = cap(supplier, agent, 3)
    strict = cap(supplier, agent, 1)
    assert statuses(listings) == [S.CAPPED] * 4 + [S.PUBLISHED]

    services.action_lift(action=strict, by=agent, reason="Appeal settled.")

    assert statuses(listings) == [S.CAPPED] * 2 + [S.PUBLISHED] * 3
    assert {x.hidden_by_action for x in Listing.objects.filter(status=S.CAPPED)} == {loose.pk}
    loose.refresh_from_db()
    assert loose.evidence["hidden_listing_ids"] == [x.pk for x in listings[:2]]

    services.action_lift(action=loose, by=agent, reason="Done.")

    assert statuses(listings) == [S.PUBLISHED] * 5


def test_a_cap_waiting_for_four_eyes_hides_nothing_until_approved(
    supplier, agent, listings, monkeypatch
):
    second = staff_create(username="second", role="Trust & safety agent")
    monkeypatch.setattr(
        services.rules, "four_eyes", lambda **kw: services.rules.FourEyes(True, "test")
    )
    action = cap(supplier, agent, 1)
    assert statuses(listings) == [S.PUBLISHED] * 5

    services.action_approve(action=action, by=second)

    assert statuses(listings) == [S.CAPPED] * 4 + [S.PUBLISHED]


def test_a_capped_listing_is_not_edited_so_it_returns_as_it_was_hidden(supplier, agent, listings):
    cap(supplier, agent, 4)
    api = ApiClient(token=api_token_create(user=supplier.user, name="t")[1])

    edited = api.patch(f"/my/listings/{listings[0].pk}", {"title": "Replica flange"})

    assert edited.status_code == 409
    assert "take it back to draft" in edited.json()["error"]["message"]
    assert Listing.objects.get(pk=listings[0].pk).title == listings[0].title


def test_only_the_platform_shows_a_capped_listing_again():
    allowed = {
        (to, actor)
        for (from_, to, actor) in catalog_rules.TRANSITIONS
        if from_ == ListingStatus.CAPPED
    }

    assert allowed == {
        (S.PUBLISHED, Actor.PLATFORM),
        (S.DRAFT, Actor.SUPPLIER),
        (S.REMOVED, Actor.SUPPLIER),
        (S.REMOVED, Actor.STAFF),
    }
    assert catalog_rules.transition_allowed(S.PUBLISHED, S.CAPPED, Actor.PLATFORM)
    assert not catalog_rules.transition_allowed(S.PUBLISHED, S.CAPPED, Actor.SUPPLIER)
