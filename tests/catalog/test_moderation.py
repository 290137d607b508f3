"""The moderation queue in the operator console: each decision and each clause 6.1 reason."""

import pytest

from tests.factories import listing_create, staff_create
from tradepost.catalog.models import Listing, ListingStatus, ModerationReason

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


def held(supplier) -> Listing:
    listing = listing_create(supplier, title="KN95 masks", category="personal-protective-equipment")
    assert listing.status == ListingStatus.PENDING_REVIEW
    return listing


def moderate(console, listing, **form):
    return console.post(f"/console/catalog/listing/{listing.pk}/moderate/", form)


def test_queue_lists_held_listings_with_the_rules_that_held_them(console, supplier):
    listing = held(supplier)
    listing_create(supplier)

    response = console.get("/console/catalog/listingawaitingreview/")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [listing]
    assert "restricted.ppe" in response.content.decode()


def test_moderation_page_shows_the_matched_text(console, supplier):
    listing = held(supplier)

    response = console.get(f"/console/catalog/listing/{listing.pk}/moderate/")

    assert response.status_code == 200
    assert "<mark>KN95</mark>" in response.content.decode()


def test_approve_publishes_and_tells_the_supplier(console, supplier):
    listing = held(supplier)

    response = moderate(console, listing, decision="approve", reason_code="", reason_text="")

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED
    transition = listing.transitions.first()
    assert (transition.action, transition.actor, transition.by.username) == (
        "approve",
        "staff",
        "moderator",
    )
    assert transition.message == "Your listing “KN95 masks” was approved and is published."


@pytest.mark.parametrize("reason", ModerationReason.values)
def test_reject_with_each_clause_6_1_reason(console, supplier, reason):
    listing = held(supplier)

    response = moderate(
        console, listing, decision="reject", reason_code=reason, reason_text="See the policy."
    )

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REJECTED
    transition = listing.transitions.first()
    assert (transition.reason_code, transition.reason_text) == (reason, "See the policy.")
    label = ModerationReason(reason).label
    assert (
        transition.message
        == f"Your listing “KN95 masks” was rejected. Reason: clause {label}. See the policy."
    )


def test_remove_a_published_listing(console, supplier):
    listing = listing_create(supplier)

    response = moderate(
        console,
        listing,
        decision="remove",
        reason_code="third_party_rights",
        reason_text="Complaint 7.",
    )

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED
    assert listing.transitions.first().reason_code == "third_party_rights"


def test_modify_keeps_the_suppliers_original_and_publishes_the_edit(console, supplier):
    listing = held(supplier)

    response = moderate(
        console,
        listing,
        decision="modify",
        reason_code="liability",
        reason_text="Removed the unverified certification claim.",
        title="Disposable face masks",
        description=listing.description,
        keywords="masks",
    )

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.title == "Disposable face masks"
    assert listing.keywords == ["masks"]
    assert listing.original["title"] == "KN95 masks"
    assert listing.original["keywords"] == ["flange", "stainless steel"]
    assert listing.transitions.first().action == "modify"


def test_reject_without_a_reason_is_refused_in_the_form(console, supplier):
    listing = held(supplier)

    response = moderate(console, listing, decision="reject", reason_code="", reason_text="")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason_code": ["Choose one of the clause 6.1 reasons (i)-(vi)."]
    }
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PENDING_REVIEW


def test_an_illegal_decision_is_refused_in_the_form(console, supplier):
    listing = listing_create(supplier, publish=False)

    response = moderate(console, listing, decision="approve")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A listing that is draft cannot be approved."
    ]


def test_staff_without_the_moderate_permission_cannot_decide(client, supplier):
    listing = held(supplier)
    client.force_login(
        staff_create(username="support", role="Support agent"), backend=LOGIN_BACKEND
    )

    response = moderate(client, listing, decision="approve")

    assert response.status_code == 403
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PENDING_REVIEW


def test_policy_version_can_be_added_and_put_in_force_from_the_console(console):
    from tradepost.catalog.policy import bundled_listing_policy_text
    from tradepost.catalog.selectors import listing_policy_in_force

    document = bundled_listing_policy_text().replace('version = "2026.12.1"', 'version = "2027.1"')

    response = console.post(
        "/console/catalog/listingpolicyversion/add/",
        {"document": document, "notes": "New year", "activate": "on"},
    )

    assert response.status_code == 302
    assert listing_policy_in_force().version == "2027.1"


def test_an_invalid_policy_version_is_refused_by_the_console(console):
    response = console.post(
        "/console/catalog/listingpolicyversion/add/", {"document": "version = 1", "notes": ""}
    )

    assert response.status_code == 200
    assert "document" in response.context["adminform"].form.errors
