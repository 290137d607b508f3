"""Console writes in the catalog go through services: validated, audited, index in step."""

import re

import pytest

from tests.factories import listing_create, staff_create
from tradepost.catalog import search, services
from tradepost.catalog.models import (
    ListingPolicyActivation,
    ListingPolicyVersion,
    SupplierProfile,
    SupplierProfileChange,
)
from tradepost.catalog.policy import bundled_listing_policy_text, load_bundled_listing_policy
from tradepost.catalog.selectors import listing_policy_in_force, supplier_listing_cap
from tradepost.errors import InvalidInput

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


def staff_form(profile: SupplierProfile, **overrides) -> dict:
    form = {
        "membership_tier": profile.membership_tier,
        "listing_cap_override": profile.listing_cap_override or "",
        "verified": "on" if profile.verified else "",
        "badges": ", ".join(profile.badges),
        "reason": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v != "" or k == "listing_cap_override"}


def post_staff(console, profile: SupplierProfile, **overrides):
    return console.post(
        f"/console/catalog/supplierprofile/{profile.pk}/staff/", staff_form(profile, **overrides)
    )


def verified_ids() -> list[int]:
    return [
        hit.id for hit in search.search(search.parse_search_params({"verified": "true"})).results
    ]


@pytest.fixture
def published(supplier):
    return listing_create(supplier)


@pytest.fixture
def profile(published, supplier) -> SupplierProfile:
    return SupplierProfile.objects.get(member=supplier)


def test_marking_a_supplier_verified_is_audited_and_found_by_the_verified_filter_at_once(
    console, moderator, profile, published
):
    assert verified_ids() == []

    response = post_staff(console, profile, verified="on", reason="Documents checked")

    change = SupplierProfileChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/catalog/supplierprofile/{profile.pk}/change/"
    assert (change.profile, change.by, change.reason) == (profile, moderator, "Documents checked")
    assert change.changes == {"verified": [False, True]}
    assert verified_ids() == [published.pk]


def test_withdrawing_verification_drops_the_listings_from_the_verified_filter(
    console, profile, published
):
    post_staff(console, profile, verified="on")
    profile.refresh_from_db()
    assert verified_ids() == [published.pk]

    post_staff(console, profile, verified="")

    assert verified_ids() == []
    assert [c.changes for c in SupplierProfileChange.objects.order_by("id")] == [
        {"verified": [False, True]},
        {"verified": [True, False]},
    ]


def test_tier_cap_override_and_badges_are_audited_and_take_effect(
    console, moderator, supplier, profile
):
    response = post_staff(
        console,
        profile,
        membership_tier="silver",
        listing_cap_override="3",
        badges="Trade assurance, Audited factory",
    )

    change = SupplierProfileChange.objects.get()
    assert response.status_code == 302
    assert change.by == moderator
    assert change.changes == {
        "membership_tier": ["free", "silver"],
        "listing_cap_override": [None, 3],
        "badges": [[], ["Trade assurance", "Audited factory"]],
    }
    cap = supplier_listing_cap(member=supplier)
    assert (cap["tier"], cap["cap"], cap["overridden"]) == ("silver", 3, True)


def test_saving_without_a_change_writes_no_audit_row(console, profile):
    response = post_staff(console, profile)

    assert response.status_code == 302
    assert SupplierProfileChange.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"membership_tier": "platinum"}, "membership_tier"),
        ({"listing_cap_override": "-1"}, "listing_cap_override"),
    ],
)
def test_invalid_staff_decisions_are_refused_on_the_form(console, profile, overrides, field):
    response = post_staff(console, profile, **overrides)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert SupplierProfileChange.objects.count() == 0
    assert SupplierProfile.objects.get(pk=profile.pk).membership_tier == "free"


def test_a_badge_the_service_refuses_is_shown_on_the_form(console, profile):
    response = post_staff(console, profile, badges="x" * 61)

    assert response.status_code == 200
    assert response.context["form"].errors == {"badges": ["At most 60 characters (this has 61)."]}
    assert SupplierProfileChange.objects.count() == 0


def test_the_service_refuses_an_unknown_tier_and_unknown_fields(supplier, moderator, profile):
    with pytest.raises(InvalidInput) as refused:
        services.supplier_profile_staff_update(
            member=supplier,
            by=moderator,
            changes={"membership_tier": "platinum", "verified": "yes", "description": "x"},
        )

    assert sorted(refused.value.fields) == ["description", "membership_tier", "verified"]
    assert SupplierProfileChange.objects.count() == 0


def test_the_stock_change_form_cannot_write_the_profile(console, profile):
    response = console.post(
        f"/console/catalog/supplierprofile/{profile.pk}/change/",
        {"membership_tier": "gold", "verified": "on"},
    )

    assert response.status_code == 403
    assert SupplierProfile.objects.get(pk=profile.pk).verified is False


def test_staff_without_the_change_permission_cannot_decide(client, profile):
    client.force_login(
        staff_create(username="support", role="Support agent"), backend=LOGIN_BACKEND
    )

    response = post_staff(client, profile, verified="on")

    assert response.status_code == 403
    assert SupplierProfileChange.objects.count() == 0


# --- Product Listing Policy versions ------------------------------------------------------


def new_policy(version: str) -> str:
    text, count = re.subn(
        r'^version = "[^"]+"', f'version = "{version}"', bundled_listing_policy_text(), flags=re.M
    )
    assert count == 1
    return text


def test_adding_a_version_in_force_from_the_console_is_audited(console, moderator):
    response = console.post(
        "/console/catalog/listingpolicyversion/add/",
        {"document": new_policy("2027.1"), "notes": "New year", "activate": "on"},
    )

    version = ListingPolicyVersion.objects.get()
    activation = ListingPolicyActivation.objects.get()
    assert response.status_code == 302
    assert (version.version, version.notes, version.created_by) == ("2027.1", "New year", moderator)
    assert (activation.version, activation.by) == (version, moderator)
    assert listing_policy_in_force().version == "2027.1"


def test_adding_a_version_not_in_force_records_no_activation(console, moderator):
    response = console.post(
        "/console/catalog/listingpolicyversion/add/",
        {"document": new_policy("2027.2"), "notes": ""},
    )

    assert response.status_code == 302
    assert ListingPolicyVersion.objects.get().created_by == moderator
    assert ListingPolicyActivation.objects.count() == 0
    assert listing_policy_in_force().version == load_bundled_listing_policy().version


def test_the_console_actions_put_versions_in_force_and_are_audited(console, moderator):
    version = services.listing_policy_version_create(document=new_policy("2027.3"), by=moderator)

    activated = console.post(
        "/console/catalog/listingpolicyversion/",
        {"action": "activate_version", "_selected_action": [version.pk]},
    )
    in_force_after_activation = listing_policy_in_force().version
    bundled = console.post(
        "/console/catalog/listingpolicyversion/",
        {"action": "use_bundled_file", "_selected_action": [version.pk]},
    )

    assert (activated.status_code, bundled.status_code) == (302, 302)
    assert in_force_after_activation == "2027.3"
    assert listing_policy_in_force().version == load_bundled_listing_policy().version
    assert [(a.version, a.by) for a in ListingPolicyActivation.objects.order_by("id")] == [
        (version, moderator),
        (None, moderator),
    ]


def test_the_console_pages_show_the_profile_its_audit_and_the_activations(console, profile):
    post_staff(console, profile, verified="on", reason="Documents checked")

    change_page = console.get(f"/console/catalog/supplierprofile/{profile.pk}/change/")
    staff_page = console.get(f"/console/catalog/supplierprofile/{profile.pk}/staff/")
    activations = console.get("/console/catalog/listingpolicyactivation/")

    assert change_page.status_code == 200
    assert "Documents checked" in change_page.content.decode()
    assert f"/console/catalog/supplierprofile/{profile.pk}/staff/" in change_page.content.decode()
    assert staff_page.status_code == 200
    assert staff_page.context["form"].initial["verified"] is True
    assert activations.status_code == 200


def test_a_trust_and_safety_agent_verifies_a_supplier_and_sees_the_audit(client, profile):
    agent = staff_create(username="tns", role="Trust & safety agent")
    client.force_login(agent, backend=LOGIN_BACKEND)

    response = post_staff(client, profile, verified="on")
    page = client.get(f"/console/catalog/supplierprofile/{profile.pk}/change/")

    assert response.status_code == 302
    assert SupplierProfileChange.objects.get().by == agent
    assert "tns" in page.content.decode()


def test_moderation_page_is_a_card_with_the_decision_below_and_no_clause_in_the_copy(
    console, supplier
):
    listing = listing_create(supplier, title="KN95 masks", category="personal-protective-equipment")

    html = console.get(f"/console/catalog/listing/{listing.pk}/moderate/").content.decode()

    assert html.count('class="tp-moderate-card"') == 2
    assert html.index("<mark>KN95</mark>") < html.index('value="Record decision"')
    assert "<h2>Decision</h2>" in html
    assert "(clause 6.1)" not in html  # the clause is in the help text only
    assert "Moderation queue</a>" in html


def test_queue_shows_the_waiting_time_with_its_date_on_its_own_line(console, supplier):
    listing_create(supplier, title="KN95 masks", category="personal-protective-equipment")

    html = console.get("/console/catalog/listingawaitingreview/").content.decode()

    assert 'class="tp-muted tp-waiting-since">since ' in html
    assert "UTC</span>" in html
    assert "<h1>Listings held for review, oldest first</h1>" in html
