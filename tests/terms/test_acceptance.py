"""Accepting a new version of the Terms (clauses 1.1, 1.3, 4.4, 11.2): the per-site mode, the
gate on sensitive actions, the accept flow (API and pages), the member's list, staff export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import listing_payload, member_create, staff_create
from tests.members.conftest import login_token
from tradepost.catalog.models import Listing
from tradepost.members.models import Member
from tradepost.notices.services import notice_campaign_run
from tradepost.terms import rules, selectors, services
from tradepost.terms.models import AcceptanceMethod, TermsAcceptance, TermsVersion
from tradepost.terms.rules import Outcome

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
API_IP = "198.51.100.10"


def amended_terms(day: date) -> str:
    return (
        "#### Tradepost Terms of Use\n\n"
        f"**Part A:  Amended version -** **effective as of {day:%B} {day.day}, {day:%Y}**\n\n"
        "**1.Application and Acceptance of the Terms**\n\n"
        "1.1 Your use of the Sites is subject to these amended Terms.\n\n"
        "1.3 Tradepost may amend the Terms at any time by posting them on the Sites.\n"
    )


def amend(day: date = date(2026, 3, 1), site: str = "alibaba") -> TermsVersion:
    result = services.terms_import(site=site, text=amended_terms(day), source_name="amended.md")
    return TermsVersion.objects.get(pk=result.versions[0].version_pk)


def notify(version: TermsVersion) -> None:
    """Clause 11.2 (b): post the version publicly and give every member their copy."""
    campaign = services.terms_version_announce(version_pk=version.pk)
    notice_campaign_run(campaign_pk=campaign.pk)


def version_json(version: TermsVersion) -> dict:
    return {
        "id": version.pk,
        "label": version.label,
        "effective_date": version.effective_date.isoformat(),
        "url": f"/terms/versions/{version.pk}",
    }


def methods(member: Member) -> list[tuple[str, str]]:
    return list(
        TermsAcceptance.objects.filter(member=member)
        .order_by("accepted_at", "id")
        .values_list("version__label", "method")
    )


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = T0

        def __call__(self):
            return self.now

    c = Clock()
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier(db, clock) -> Member:
    """Registered before the amendment: accepted the bundled version at registration."""
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def supplier_api(supplier) -> ApiClient:
    return ApiClient(token=login_token(supplier))


def logged_in(member: Member) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.44")
    client.force_login(member.user, backend=LOGIN_BACKEND)
    return client


@pytest.fixture
def supplier_client(supplier) -> Client:
    return logged_in(supplier)


@pytest.fixture
def explicit(db) -> None:
    services.site_terms_settings_set(site="alibaba", acceptance_mode="explicit", by=None)


def listing_form() -> dict:
    return {
        "title": "Brass ball valve 1/2 inch",
        "description": "Full bore brass ball valve, PN25, lever handle.",
        "category": "pumps-valves",
        "currency": "usd",
        "moq": "200",
        "unit": "piece",
        "tier_qty_0": "200",
        "tier_price_0": "3.20",
        "publish": "1",
    }


# --- The rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "mode", "notified", "outcome", "rule_id"),
    [
        (2, "explicit", None, Outcome.ALLOW, "accepted-version-in-force"),
        (2, "continued_use", None, Outcome.ALLOW, "accepted-version-in-force"),
        (1, "explicit", None, Outcome.REQUIRE_EXPLICIT, "explicit-reacceptance-required"),
        (None, "explicit", None, Outcome.REQUIRE_EXPLICIT, "explicit-reacceptance-required"),
        (1, "continued_use", None, Outcome.NEEDS_NOTICE, "continued-use-needs-notice"),
        (1, "continued_use", True, Outcome.RECORD_CONTINUED_USE, "continued-use-after-notice"),
        (
            1,
            "continued_use",
            False,
            Outcome.ALLOW,
            "bound-by-accepted-version-until-notified",
        ),
    ],
)
def test_acceptance_decision(accepted, mode, notified, outcome, rule_id):
    decision = rules.terms_acceptance_decision(
        in_force_version_id=2, accepted_version_id=accepted, mode=mode, notified=notified
    )

    assert (decision.outcome, decision.rule_id) == (outcome, rule_id)


def test_an_unknown_mode_or_action_is_a_programming_error(supplier):
    with pytest.raises(ValueError, match="unknown acceptance mode"):
        rules.terms_acceptance_decision(
            in_force_version_id=2, accepted_version_id=1, mode="maybe", notified=None
        )
    with pytest.raises(ValueError, match="'browse' is not a valid SensitiveAction"):
        services.terms_acceptance_guard(member=supplier, action="browse", ip=None)


# --- Explicit mode --------------------------------------------------------------------------


def test_explicit_mode_refuses_posting_until_the_member_accepts_through_the_api(
    supplier, supplier_api, explicit
):
    version = amend()

    refused = supplier_api.post("/my/listings", listing_payload())

    assert refused.status_code == 403
    assert refused.json() == {
        "error": {
            "code": "terms_acceptance_required",
            "message": (
                "The Terms of Use were amended (Part A: Amended version, effective 2026-03-01). "
                "Accept them at /terms/accept before you post content (clauses 1.3, 4.4)."
            ),
            "fields": {},
            "version": version_json(version),
            "action": "post_content",
            "accept_url": "/terms/accept",
        }
    }
    assert Listing.objects.filter(supplier=supplier).count() == 0

    accepted = supplier_api.post("/terms/accept", {"version_id": version.pk})

    assert accepted.status_code == 200
    assert accepted.json() == {
        "version": {
            "id": version.pk,
            "label": "Part A: Amended version",
            "effective_date": "2026-03-01",
            "site": "alibaba",
        },
        "method": "explicit",
        "accepted_at": "2026-03-02T09:00:00Z",
        "ip": API_IP,
        "text_sha256": version.body_sha256,
    }
    assert supplier_api.post("/my/listings", listing_payload()).status_code == 201
    assert methods(supplier)[-1] == ("Part A: Amended version", "explicit")


@pytest.mark.parametrize("path", ["/my/listings/{id}/submit", "/my/listings/{id}"])
def test_explicit_mode_guards_submitting_and_editing_too(supplier, supplier_api, explicit, path):
    draft = supplier_api.post("/my/listings", {**listing_payload(), "publish": False}).json()
    amend()
    url = path.format(id=draft["id"])

    response = (
        supplier_api.post(url) if url.endswith("submit") else supplier_api.patch(url, {"moq": 5})
    )

    assert (response.status_code, response.json()["error"]["code"]) == (
        403,
        "terms_acceptance_required",
    )


@pytest.mark.parametrize("offered", ["older", "unknown"])
def test_only_the_version_in_force_can_be_accepted(supplier, supplier_api, explicit, offered):
    bundled = selectors.terms_version_in_force(site="alibaba")
    version = amend()
    version_id = bundled.pk if offered == "older" else 999_999

    response = supplier_api.post("/terms/accept", {"version_id": version_id})

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "terms_version_not_in_force",
            "message": (
                f"Version {version_id} is not the Terms of Use in force for your site; accept "
                f"Part A: Amended version (id {version.pk})."
            ),
            "fields": {"version_id": [f"Use {version.pk}."]},
            "version": version_json(version),
        }
    }


def test_accepting_needs_a_member_account(db, clock):
    staff = staff_create(username="counsel")
    client = Client()
    client.force_login(staff, backend=LOGIN_BACKEND)

    response = client.post("/api/v1/terms/accept", {"version_id": 1}, "application/json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_member"


def test_explicit_mode_through_the_pages_banner_accept_then_post(
    supplier, supplier_client, explicit
):
    version = amend()

    refused = supplier_client.post("/my/listings/new/", listing_form())

    html = refused.content.decode()
    assert refused.status_code == 200
    assert Listing.objects.filter(supplier=supplier).count() == 0
    assert "Accept them at /terms/accept before you post content" in html
    assert 'id="terms-acceptance-banner"' in html
    assert 'href="/terms/accept?next=/my/listings/new/"' in html

    page = supplier_client.get("/terms/accept?next=/my/listings/new/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="terms-acceptance-banner"' not in html
    assert f'<input type="hidden" name="version_id" value="{version.pk}">' in html
    assert "I accept the Terms of Use (Part A: Amended version)" in html
    assert '<div class="clause" id="1.3">' in html

    accepted = supplier_client.post(
        "/terms/accept", {"version_id": version.pk, "next": "/my/listings/new/"}
    )

    assert (accepted.status_code, accepted["Location"]) == (302, "/my/listings/new/")
    acceptance = TermsAcceptance.objects.get(member=supplier, version=version)
    assert (acceptance.method, acceptance.ip, acceptance.text_sha256) == (
        "explicit",
        "192.0.2.44",
        version.body_sha256,
    )
    posted = supplier_client.post("/my/listings/new/", listing_form())
    listing = Listing.objects.get(supplier=supplier)
    assert (posted.status_code, posted["Location"]) == (302, f"/my/listings/{listing.pk}/")
    assert 'id="terms-acceptance-banner"' not in supplier_client.get("/account/").content.decode()


def test_accept_page_says_when_the_version_was_already_accepted(supplier, supplier_client):
    version = selectors.terms_version_in_force(site="alibaba")

    html = supplier_client.get("/terms/accept").content.decode()

    assert "You accepted this version on" in html
    assert "(explicit, at registration)" in html
    assert 'name="version_id"' not in html
    assert version.label in html


def test_accept_page_sends_visitors_to_log_in(client, db):
    response = client.get("/terms/accept")

    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/terms/accept",
    )


def test_no_banner_in_continued_use_mode(supplier, supplier_client):
    amend()

    assert 'id="terms-acceptance-banner"' not in supplier_client.get("/").content.decode()


# --- Continued use (1.3 with 11.2) ----------------------------------------------------------


def test_continued_use_before_notice_allows_and_records_nothing(supplier, supplier_api):
    amend()

    response = supplier_api.post("/my/listings", listing_payload())

    assert response.status_code == 201
    assert methods(supplier) == [("Part A: New version", "registration")]


def test_continued_use_after_notice_records_the_acceptance_through_the_api(
    supplier, supplier_api, clock
):
    version = amend()
    notify(version)
    clock.now = T0 + timedelta(hours=2)

    response = supplier_api.post("/my/listings", listing_payload())

    assert response.status_code == 201
    acceptance = TermsAcceptance.objects.get(member=supplier, version=version)
    assert (acceptance.method, acceptance.ip, acceptance.text_sha256, acceptance.accepted_at) == (
        AcceptanceMethod.CONTINUED_USE,
        API_IP,
        version.body_sha256,
        T0 + timedelta(hours=2),
    )
    again = supplier_api.post("/my/listings", listing_payload(title="Gate valve DN40"))
    assert again.status_code == 201
    assert TermsAcceptance.objects.filter(member=supplier).count() == 2


def test_continued_use_after_notice_records_the_acceptance_through_the_pages(
    supplier, supplier_client
):
    version = amend()
    notify(version)

    response = supplier_client.post("/my/listings/new/", listing_form())

    assert response.status_code == 302
    acceptance = TermsAcceptance.objects.get(member=supplier, version=version)
    assert (acceptance.method, acceptance.ip, acceptance.text_sha256) == (
        "continued_use",
        "192.0.2.44",
        version.body_sha256,
    )


def test_notice_of_another_version_does_not_count(supplier, supplier_api, clock):
    """A notice of a future version says nothing about the one in force now."""
    in_force = amend(date(2026, 3, 1))
    notify(amend(date(2026, 6, 1)))

    assert supplier_api.post("/my/listings", listing_payload()).status_code == 201

    assert not TermsAcceptance.objects.filter(member=supplier, version=in_force).exists()


def test_a_failed_action_records_no_acceptance(supplier, supplier_api):
    version = amend()
    notify(version)

    response = supplier_api.post("/my/listings", listing_payload(moq=0))

    assert response.status_code == 422
    assert not TermsAcceptance.objects.filter(member=supplier, version=version).exists()


# --- The cache: no query in the common case, and changes seen at once -----------------------


def test_the_common_path_costs_no_query(supplier, django_assert_num_queries):
    services.terms_acceptance_guard(member=supplier, action="post_content", ip=API_IP)
    services.agreement_guard(member=supplier, service="listing_services", ip=API_IP)

    with django_assert_num_queries(0):
        services.terms_acceptance_guard(member=supplier, action="post_content", ip=API_IP)
        services.terms_acceptance_guard(member=supplier, action="pay", ip=API_IP)
        services.agreement_guard(member=supplier, service="listing_services", ip=API_IP)


def test_the_banner_costs_no_query_for_a_member_who_accepted(
    supplier, django_assert_num_queries, rf
):
    from tradepost.terms.templatetags.terms_acceptance import terms_acceptance_banner

    request = rf.get("/")
    request.user = supplier.user
    terms_acceptance_banner({"request": request})

    with django_assert_num_queries(0):
        assert terms_acceptance_banner({"request": request})["pending"] is None


def test_an_imported_version_is_seen_at_once(supplier, explicit):
    services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)

    version = amend()

    with pytest.raises(services.TermsAcceptanceRequired) as refused:
        services.terms_acceptance_guard(member=supplier, action="place_order", ip=None)
    assert (refused.value.code, refused.value.status, refused.value.version.id) == (
        "terms_acceptance_required",
        403,
        version.pk,
    )


def test_a_settings_change_is_seen_at_once(supplier):
    version = amend()
    services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)

    services.site_terms_settings_set(site="alibaba", acceptance_mode="explicit", by=None)

    with pytest.raises(services.TermsAcceptanceRequired) as refused:
        services.terms_acceptance_guard(member=supplier, action="accept_order", ip=None)
    assert refused.value.version.id == version.pk


def test_a_version_binds_from_its_effective_date_without_any_invalidation(
    supplier, explicit, clock
):
    version = amend(date(2026, 3, 10))
    services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)

    clock.now = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)

    with pytest.raises(services.TermsAcceptanceRequired) as refused:
        services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)
    assert refused.value.version.id == version.pk


def test_the_guard_reads_the_database_before_refusing(supplier, explicit):
    """Another process may have recorded the acceptance: a stale cache never refuses."""
    version = amend()
    with pytest.raises(services.TermsAcceptanceRequired):
        services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)

    TermsAcceptance.objects.create(
        member=supplier,
        version=version,
        accepted_at=T0,
        method="explicit",
        ip=None,
        text_sha256=version.body_sha256,
    )

    services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)


# --- The member's list and the staff export -------------------------------------------------


def _accept_amendment(supplier, clock) -> TermsVersion:
    version = amend()
    clock.now = T0 + timedelta(days=1)
    services.site_terms_settings_set(site="alibaba", acceptance_mode="explicit", by=None)
    services.terms_accept_explicit(member=supplier, version_id=version.pk, ip="192.0.2.7")
    return version


def test_my_acceptances_lists_every_accepted_version(supplier, supplier_api, clock):
    bundled = selectors.terms_version_in_force(site="alibaba")
    version = _accept_amendment(supplier, clock)

    response = supplier_api.get("/terms/my-acceptances")

    assert response.status_code == 200
    common = {"kind": "terms", "document": "Terms of Use", "agreement_key": "", "service": ""}
    assert response.json() == [
        {
            **common,
            "site": "alibaba",
            "version_id": version.pk,
            "version_label": "Part A: Amended version",
            "effective_date": "2026-03-01",
            "method": "explicit",
            "accepted_at": "2026-03-03T09:00:00Z",
            "ip": "192.0.2.7",
            "text_sha256": version.body_sha256,
            "url": f"/terms/versions/{version.pk}",
        },
        {
            **common,
            "site": "alibaba",
            "version_id": bundled.pk,
            "version_label": bundled.label,
            "effective_date": bundled.effective_date.isoformat(),
            "method": "registration",
            "accepted_at": "2026-03-02T09:00:00Z",
            "ip": "203.0.113.7",
            "text_sha256": bundled.body_sha256,
            "url": f"/terms/versions/{bundled.pk}",
        },
    ]


def test_account_page_lists_the_accepted_versions(supplier, clock):
    bundled = selectors.terms_version_in_force(site="alibaba")
    version = _accept_amendment(supplier, clock)

    html = logged_in(supplier).get("/account/").content.decode()

    section = html[html.index('id="terms-accepted"') : html.index('id="security"')]
    assert section.count("<tr>") == 3
    assert f'<td><a href="/terms/versions/{version.pk}">Part A: Amended version</a></td>' in section
    assert f'<a href="/terms/versions/{bundled.pk}">{bundled.label}</a>' in section
    assert "2026-03-03 09:00" in section
    assert "2026-03-02 09:00" in section
    assert section.index("Clicked to accept") < section.index("At registration")


def test_staff_export_csv_and_json_from_the_command(supplier, clock):
    bundled = selectors.terms_version_in_force(site="alibaba")
    version = _accept_amendment(supplier, clock)
    csv_out, json_out = io.StringIO(), io.StringIO()

    call_command(
        "terms", "export-acceptances", supplier.member_id, "--format", "csv", stdout=csv_out
    )
    call_command(
        "terms", "export-acceptances", supplier.member_id, "--format", "json", stdout=json_out
    )

    rows = list(csv.DictReader(io.StringIO(csv_out.getvalue())))
    expected = [
        {
            "member_id": supplier.member_id,
            "company_name": supplier.company_name,
            "kind": "terms",
            "document": "Terms of Use",
            "agreement_key": "",
            "service": "",
            "site": "alibaba",
            "version_id": str(version.pk),
            "version_label": "Part A: Amended version",
            "effective_date": "2026-03-01",
            "method": "explicit",
            "accepted_at": "2026-03-03T09:00:00+00:00",
            "ip": "192.0.2.7",
            "text_sha256": version.body_sha256,
        },
        {
            "member_id": supplier.member_id,
            "company_name": supplier.company_name,
            "kind": "terms",
            "document": "Terms of Use",
            "agreement_key": "",
            "service": "",
            "site": "alibaba",
            "version_id": str(bundled.pk),
            "version_label": bundled.label,
            "effective_date": bundled.effective_date.isoformat(),
            "method": "registration",
            "accepted_at": "2026-03-02T09:00:00+00:00",
            "ip": "203.0.113.7",
            "text_sha256": bundled.body_sha256,
        },
    ]
    assert rows == expected
    assert json.loads(json_out.getvalue()) == [
        {**row, "version_id": int(row["version_id"])} for row in expected
    ]


def test_staff_export_of_an_unknown_member_fails_plainly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No member with ID 'XX0000'"):
        call_command("terms", "export-acceptances", "XX0000")


@pytest.mark.parametrize(
    ("action", "content_type"),
    [
        ("export_acceptances_csv", "text/csv; charset=utf-8"),
        ("export_acceptances_json", "application/json"),
    ],
)
def test_console_action_exports_the_members_history(supplier, clock, action, content_type):
    version = _accept_amendment(supplier, clock)
    other = member_create(country="DE")
    console = Client()
    console.force_login(staff_create(username="counsel", superuser=True), backend=LOGIN_BACKEND)
    selected = TermsAcceptance.objects.get(member=supplier, version=version)

    response = console.post(
        "/console/terms/termsacceptance/",
        {"action": action, "_selected_action": [selected.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="acceptances-{supplier.member_id}.{action[-4:].lstrip("_")}"'
    )
    body = response.content.decode()
    if action.endswith("json"):
        data = json.loads(body)
        assert [(r["member_id"], r["method"]) for r in data] == [
            (supplier.member_id, "explicit"),
            (supplier.member_id, "registration"),
        ]
    else:
        rows = list(csv.DictReader(io.StringIO(body)))
        assert [(r["member_id"], r["method"]) for r in rows] == [
            (supplier.member_id, "explicit"),
            (supplier.member_id, "registration"),
        ]
    assert other.member_id not in body


def test_console_changes_the_site_acceptance_mode(supplier, clock):
    amend()
    services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)
    console = Client()
    console.force_login(staff_create(username="counsel", superuser=True), backend=LOGIN_BACKEND)

    response = console.post(
        "/console/terms/sitetermssettings/add/",
        {"site": "alibaba", "acceptance_mode": "explicit"},
    )

    assert response.status_code == 302
    assert selectors.site_acceptance_mode(site="alibaba") == "explicit"
    with pytest.raises(services.TermsAcceptanceRequired):
        services.terms_acceptance_guard(member=supplier, action="post_content", ip=None)


def test_a_member_who_joined_after_the_fanout_is_notified_by_the_public_posting(db, clock):
    # Given a future version posted publicly (11.2 b) and fanned out to the members of then
    version = amend(day=date(2026, 3, 5))
    notify(version)
    # and a supplier who registered afterwards, accepting the version then in force
    clock.now = T0 + timedelta(hours=1)
    late = member_create(country="DE", roles=["supplier"])
    api = ApiClient(token=login_token(late))
    assert methods(late) == [("Part A: New version", "registration")]

    # When the supplier posts content after the new version took effect
    clock.now = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    response = api.post("/my/listings", listing_payload())

    # Then the public posting was their notice: continued use records acceptance (1.3)
    assert response.status_code == 201
    assert TermsAcceptance.objects.get(member=late, version=version).method == (
        AcceptanceMethod.CONTINUED_USE
    )


def test_explicit_mode_guards_company_profile_edits_too(supplier, supplier_api, explicit):
    # Clause 4.4: posting company information is a sensitive action like posting listings.
    amend()

    response = supplier_api.patch("/my/supplier-profile", {"description": "Valves since 1998."})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "terms_acceptance_required"
