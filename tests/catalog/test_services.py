"""Listing services: licence grants (3.7), re-screening, the transition table, caps (6.2 iii),
the search index hook, and the console-managed policy version."""

import pytest
from django.utils import timezone

from tests.factories import listing_create, listing_payload, member_create, staff_create
from tradepost.catalog import rules, search, services
from tradepost.catalog.models import (
    LicenceGrant,
    Listing,
    ListingStatus,
    ListingTransition,
    SupplierProfile,
)
from tradepost.catalog.policy import bundled_listing_policy_text
from tradepost.catalog.selectors import listing_policy_in_force
from tradepost.errors import InvalidInput, NotFound
from tradepost.terms.models import TermsVersion
from tradepost.terms.selectors import terms_version_in_force


def test_posting_records_the_licence_grant_against_the_terms_in_force(supplier):
    listing = listing_create(supplier)

    grant = LicenceGrant.objects.get(listing=listing)
    assert grant.member == supplier
    assert grant.terms_version == terms_version_in_force(site=supplier.site)
    assert grant.content["title"] == "Stainless steel pipe flange DN50"
    assert len(grant.content_sha256) == 64


def test_the_licence_snapshot_holds_prices_as_plain_decimals(supplier):
    tiers = [
        {"min_qty": 10, "unit_price": "1000"},
        {"min_qty": 100, "unit_price": "100"},
        {"min_qty": 500, "unit_price": "12.50"},
        {"min_qty": 1000, "unit_price": "0.5"},
    ]
    listing = listing_create(supplier, moq=10, price_tiers=tiers)

    grant = LicenceGrant.objects.get(listing=listing)
    assert grant.content["price_tiers"] == [
        {"min_qty": 10, "unit_price": "1000"},
        {"min_qty": 100, "unit_price": "100"},
        {"min_qty": 500, "unit_price": "12.5"},
        {"min_qty": 1000, "unit_price": "0.5"},
    ]


def test_a_draft_grants_no_licence_until_it_is_posted(supplier):
    listing = listing_create(supplier, publish=False)

    assert LicenceGrant.objects.filter(listing=listing).count() == 0


def test_a_newer_terms_version_in_force_is_the_one_recorded(supplier):
    newer = TermsVersion.objects.create(
        site=supplier.site,
        label="Terms of Use, new version",
        effective_date=timezone.localdate(),
        body="New terms",
        body_sha256="0" * 64,
    )

    listing = listing_create(supplier)

    assert LicenceGrant.objects.get(listing=listing).terms_version == newer


def test_each_distinct_posted_content_gets_its_own_grant(supplier):
    listing = listing_create(supplier)

    services.listing_update(
        member=supplier, listing_id=listing.pk, changes={"title": "Flange DN80"}
    )
    services.listing_update(
        member=supplier, listing_id=listing.pk, changes={"title": "Flange DN80"}
    )

    titles = list(
        LicenceGrant.objects.filter(listing=listing)
        .order_by("id")
        .values_list("content__title", flat=True)
    )
    assert titles == ["Stainless steel pipe flange DN50", "Flange DN80"]


@pytest.mark.parametrize(
    ("changes", "status", "rules"),
    [
        ({"description": "Forged flange, now in DN80."}, ListingStatus.PUBLISHED, []),
        (
            {"title": "N95 masks", "category": "personal-protective-equipment"},
            ListingStatus.PENDING_REVIEW,
            ["restricted.ppe"],
        ),
        ({"description": "Order at www.flange-shop.com"}, ListingStatus.REJECTED, ["offsite.url"]),
    ],
)
def test_an_edit_of_a_published_listing_is_screened_again(supplier, changes, status, rules):
    listing = listing_create(supplier)

    services.listing_update(member=supplier, listing_id=listing.pk, changes=changes)

    listing.refresh_from_db()
    assert listing.status == status
    assert sorted({m["rule"] for m in listing.screening["matches"]}) == rules
    last = listing.transitions.first()
    assert (last.from_status, last.to_status, last.action, last.actor) == (
        ListingStatus.PUBLISHED,
        status,
        "edit",
        "supplier",
    )


def test_every_transition_records_who_when_and_why(supplier):
    listing = listing_create(supplier, description="Call +86 138 0013 8000")

    transition = ListingTransition.objects.get(listing=listing)
    assert (transition.from_status, transition.to_status) == ("draft", "rejected")
    assert transition.by == supplier.user
    assert transition.at is not None
    assert transition.screening["decision"] == "refuse"
    assert "offsite.phone" in transition.message


def test_a_listing_cannot_move_along_a_transition_the_table_does_not_list(supplier):
    listing = listing_create(supplier, publish=False)
    staff = staff_create(username="mod", superuser=True)

    with pytest.raises(services.IllegalTransition) as approve_draft:
        services.listing_moderate(listing_id=listing.pk, by=staff, decision="approve")
    services.listing_delete(member=supplier, listing_id=listing_create(supplier).pk)
    removed = Listing.objects.get(status=ListingStatus.REMOVED)
    with pytest.raises(services.IllegalTransition):
        services.listing_withdraw(member=supplier, listing_id=removed.pk)
    with pytest.raises(services.IllegalTransition):
        services.listing_moderate(listing_id=removed.pk, by=staff, decision="approve")

    assert approve_draft.value.code == "illegal_transition"
    assert approve_draft.value.status == 409
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.DRAFT
    assert Listing.objects.get(pk=removed.pk).status == ListingStatus.REMOVED


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("approve", "A listing that is removed cannot be approved."),
        ("modify", "A listing that is removed cannot be modified."),
        ("reject", "A listing that is removed cannot be rejected."),
        ("remove", "A listing that is removed cannot be removed."),
    ],
)
def test_a_refused_staff_decision_names_it_in_plain_words(supplier, decision, message):
    listing = listing_create(supplier)
    services.listing_delete(member=supplier, listing_id=listing.pk)
    staff = staff_create(username="mod", superuser=True)

    with pytest.raises(services.IllegalTransition) as refused:
        services.listing_moderate(
            listing_id=listing.pk,
            by=staff,
            decision=decision,
            reason_code="breaches_terms",
            changes={"title": "Brass ball valve 3/4 inch"},
        )

    assert refused.value.message == message


def test_every_listing_action_has_its_past_participle_written_out():
    assert {action.value: words for action, words in rules.PAST_PARTICIPLES.items()} == {
        "submit": "submitted",
        "edit": "edited",
        "withdraw": "withdrawn",
        "delete": "deleted",
        "approve": "approved",
        "modify": "modified",
        "reject": "rejected",
        "remove": "removed",
        "hold": "held",
        "release": "released",
        "cap": "hidden",
        "uncap": "shown again",
    }


def test_resubmitting_after_a_staff_rejection_goes_back_to_staff(supplier):
    listing = listing_create(supplier, title="N95 masks", category="personal-protective-equipment")
    staff = staff_create(username="mod", superuser=True)
    services.listing_moderate(
        listing_id=listing.pk, by=staff, decision="reject", reason_code="breaches_terms"
    )

    services.listing_update(
        member=supplier,
        listing_id=listing.pk,
        changes={"title": "Dust masks", "category": "workwear-uniforms"},
        publish=True,
    )

    listing.refresh_from_db()
    assert listing.screening["decision"] == "publish"
    assert listing.status == ListingStatus.PENDING_REVIEW


def test_search_index_hears_of_every_state_and_content_change(supplier, indexed):
    listing = listing_create(supplier, publish=False)
    services.listing_submit(member=supplier, listing_id=listing.pk)
    services.listing_update(
        member=supplier, listing_id=listing.pk, changes={"title": "Flange DN80"}
    )
    services.listing_withdraw(member=supplier, listing_id=listing.pk)
    services.listing_delete(member=supplier, listing_id=listing.pk)

    assert indexed == [
        (listing.pk, "draft"),
        (listing.pk, "published"),
        (listing.pk, "published"),
        (listing.pk, "draft"),
        (listing.pk, "removed"),
    ]


def test_denormalised_search_fields_follow_the_tiers(supplier):
    listing = listing_create(supplier)

    services.listing_update(
        member=supplier,
        listing_id=listing.pk,
        changes={
            "price_tiers": [
                {"min_qty": 50, "unit_price": "9.9900"},
                {"min_qty": 1000, "unit_price": "7.25"},
            ],
            "moq": 50,
        },
    )

    listing.refresh_from_db()
    assert str(listing.min_unit_price) == "7.2500"


def test_denormalised_search_fields_follow_the_supplier(supplier):
    listing = listing_create(supplier)
    assert listing.supplier_country == "CN"

    services.member_profile_update(
        member=supplier, by=supplier.user, changes={"country": "DE"}, ip=None
    )

    listing.refresh_from_db()
    found = search.search(search.parse_search_params({"country": "DE"}))
    assert listing.supplier_country == "DE"
    assert [hit.id for hit in found.results] == [listing.pk]
    assert found.country_facets == [("DE", 1)]
    assert search.search(search.parse_search_params({"country": "CN"})).count == 0


# --- Listing caps (6.2 iii) -----------------------------------------------------------------


def test_tier_default_cap_refuses_one_more_published_listing(supplier_api, supplier):
    for _ in range(50):
        listing_create(supplier)

    response = supplier_api.post("/my/listings", listing_payload(title="Listing 51"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "listing_cap_reached"
    assert response.json()["error"]["cap"] == 50
    assert response.json()["error"]["in_use"] == 50
    assert Listing.objects.count() == 50


def test_staff_override_lowers_and_raises_the_cap(supplier_api, supplier):
    SupplierProfile.objects.create(member=supplier, listing_cap_override=1)
    listing_create(supplier)

    refused = supplier_api.post("/my/listings", listing_payload(title="Second"))
    SupplierProfile.objects.filter(member=supplier).update(listing_cap_override=2)
    accepted = supplier_api.post("/my/listings", listing_payload(title="Second"))

    assert refused.status_code == 403
    assert refused.json()["error"]["cap"] == 1
    assert accepted.status_code == 201
    assert accepted.json()["status"] == "published"


def test_unlimited_tier_and_drafts_do_not_count(supplier_api, supplier):
    SupplierProfile.objects.create(member=supplier, membership_tier="free", listing_cap_override=0)

    draft = supplier_api.post("/my/listings", listing_payload(publish=False))
    refused = supplier_api.post(
        "/my/listings", listing_payload(description="Call +86 138 0013 8000")
    )
    SupplierProfile.objects.filter(member=supplier).update(
        membership_tier="gold", listing_cap_override=None
    )
    published = supplier_api.post(f"/my/listings/{draft.json()['id']}/submit")

    assert draft.json()["status"] == "draft"
    assert refused.json()["status"] == "rejected"
    assert published.json()["status"] == "published"


def test_staff_approval_is_held_to_the_cap_too(supplier):
    listing = listing_create(supplier, title="N95 masks", category="personal-protective-equipment")
    SupplierProfile.objects.filter(member=supplier).update(listing_cap_override=0)
    staff = staff_create(username="mod", superuser=True)

    with pytest.raises(services.ListingCapReached):
        services.listing_moderate(listing_id=listing.pk, by=staff, decision="approve")

    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PENDING_REVIEW


# --- Console-managed policy version -------------------------------------------------------


def test_a_new_console_version_may_not_use_the_removed_better_profanity_list(db):
    staff = staff_create(username="policy", superuser=True)
    document = bundled_listing_policy_text().replace(
        'version = "2026.12.1"', 'version = "2026.12.2"'
    )
    document = document.replace(
        'action = "review"\n\n[wording.words]',
        ('action = "review"\nword_list = "better-profanity"\n\n[wording.words]'),
    )

    with pytest.raises(InvalidInput) as refused:
        services.listing_policy_version_create(document=document, by=staff)

    assert refused.value.fields == {
        "document": [
            "The better-profanity word list was removed: list the abusive words per language "
            "under [wording.words] and drop `word_list` and `allow`."
        ]
    }


def test_an_active_console_version_replaces_the_bundled_policy(supplier):
    staff = staff_create(username="policy", superuser=True)
    document = bundled_listing_policy_text().replace(
        'version = "2026.12.1"', 'version = "2026.12.2"'
    )
    document = document.replace('"ivory tusk",', '"ivory tusk", "flange",')

    services.listing_policy_version_create(document=document, by=staff, activate=True)
    listing = listing_create(supplier)

    assert listing_policy_in_force().version == "2026.12.2"
    assert listing.status == ListingStatus.REJECTED
    assert listing.screening["policy_version"] == "2026.12.2"

    services.listing_policy_version_activate(version_id=None, by=staff)
    assert listing_policy_in_force().version == "2026.12.1"


def test_an_invalid_console_version_is_refused(db):
    staff = staff_create(username="policy", superuser=True)

    with pytest.raises(InvalidInput) as exc:
        services.listing_policy_version_create(document="version = 'x'\n[[rules]]\n", by=staff)

    assert list(exc.value.fields) == ["document"]


def test_other_members_listings_are_not_reachable_through_services(supplier):
    other = member_create(country="DE", roles=["supplier"])
    theirs = listing_create(other)

    with pytest.raises(NotFound):
        services.listing_update(member=supplier, listing_id=theirs.pk, changes={"title": "x"})
