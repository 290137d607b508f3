"""Additional Agreements (clauses 1.5, 12.1): versioned per service, accepted before first use
and again for each new version, and placed before the Terms where they govern a service."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import listing_payload, member_create, staff_create
from tests.members.conftest import login_token
from tradepost.catalog.models import Listing
from tradepost.errors import Conflict, InvalidInput
from tradepost.members.models import Member
from tradepost.terms import selectors, services
from tradepost.terms.models import AgreementAcceptance, AgreementVersion

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
API_IP = "198.51.100.10"
FREE_MEMBERSHIP = "1. The Free Membership Agreement governs listing services.\n\n2. It prevails."


@pytest.fixture(autouse=True)
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
def supplier(db) -> Member:
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def supplier_api(supplier) -> ApiClient:
    return ApiClient(token=login_token(supplier))


def free_membership(
    effective: date = date(2026, 3, 1), body: str = FREE_MEMBERSHIP, site: str = ""
) -> AgreementVersion:
    version, _ = services.agreement_import(
        key="free-membership",
        service="listing_services",
        effective_date=effective,
        body=body,
        title="Free Membership Agreement",
        site=site,
    )
    return version


def version_json(version: AgreementVersion) -> dict:
    return {
        "id": version.pk,
        "label": version.label,
        "effective_date": version.effective_date.isoformat(),
        "url": f"/terms/agreements/{version.pk}",
    }


def required_error(version: AgreementVersion) -> dict:
    return {
        "error": {
            "code": "agreement_acceptance_required",
            "message": (
                "Using listing services requires the Free Membership Agreement "
                f"({version.label}, effective {version.effective_date:%Y-%m-%d}). "
                f"Read and accept it at /terms/agreements/{version.pk} (clause 1.5)."
            ),
            "fields": {},
            "service": "listing_services",
            "agreement": {
                "key": "free-membership",
                "title": "Free Membership Agreement",
                "service": "listing_services",
            },
            "version": version_json(version),
        }
    }


# --- Gating -----------------------------------------------------------------------------------


def test_posting_is_refused_until_the_agreement_is_accepted_and_again_for_a_new_version(
    supplier, supplier_api, clock
):
    first = free_membership()

    refused = supplier_api.post("/my/listings", listing_payload())

    assert refused.status_code == 403
    assert refused.json() == required_error(first)
    assert Listing.objects.filter(supplier=supplier).count() == 0

    accepted = supplier_api.post(f"/terms/agreements/{first.pk}/accept")

    assert accepted.status_code == 200
    assert accepted.json() == {
        "agreement": {
            "key": "free-membership",
            "title": "Free Membership Agreement",
            "service": "listing_services",
        },
        "version": version_json(first),
        "accepted_at": "2026-03-02T09:00:00Z",
        "ip": API_IP,
        "text_sha256": first.body_sha256,
    }
    assert supplier_api.post("/my/listings", listing_payload()).status_code == 201

    second = free_membership(date(2026, 3, 2), body=FREE_MEMBERSHIP + "\n\n3. Amended.")

    again = supplier_api.post("/my/listings", listing_payload(title="Gate valve DN40"))
    assert again.status_code == 403
    assert again.json() == required_error(second)
    assert supplier_api.post(f"/terms/agreements/{second.pk}/accept").status_code == 200
    third = supplier_api.post("/my/listings", listing_payload(title="Gate valve DN40"))
    assert third.status_code == 201
    assert AgreementAcceptance.objects.filter(member=supplier).count() == 2


def test_a_future_version_binds_from_its_effective_date(supplier, supplier_api, clock):
    first = free_membership()
    supplier_api.post(f"/terms/agreements/{first.pk}/accept")
    upcoming = free_membership(date(2026, 3, 5), body=FREE_MEMBERSHIP + "\n\n3. Later.")
    assert supplier_api.post("/my/listings", listing_payload()).status_code == 201

    clock.now = datetime(2026, 3, 5, 0, 0, tzinfo=UTC)

    response = supplier_api.post("/my/listings", listing_payload(title="Gate valve DN40"))
    assert (response.status_code, response.json()["error"]["version"]["id"]) == (
        403,
        upcoming.pk,
    )


def test_an_agreement_for_another_site_or_service_does_not_gate(supplier, supplier_api):
    free_membership(site="aliexpress")
    services.agreement_import(
        key="transaction-services",
        service="online_orders",
        effective_date=date(2026, 3, 1),
        body="Transaction Services Agreement.",
        title="Transaction Services Agreement",
    )

    assert supplier_api.post("/my/listings", listing_payload()).status_code == 201


@pytest.mark.parametrize("which", ["superseded", "future", "other_site"])
def test_only_the_version_in_force_for_the_members_site_can_be_accepted(
    supplier, supplier_api, which
):
    old = free_membership(date(2026, 2, 1))
    free_membership(date(2026, 3, 1), body="Newer.")
    future = free_membership(date(2026, 9, 1), body="Future.")
    other, _ = services.agreement_import(
        key="ae-membership",
        service="listing_services",
        effective_date=date(2026, 1, 1),
        body="AliExpress only.",
        title="AliExpress Membership Agreement",
        site="aliexpress",
    )
    version = {"superseded": old, "future": future, "other_site": other}[which]

    response = supplier_api.post(f"/terms/agreements/{version.pk}/accept")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "agreement_version_not_in_force"
    assert AgreementAcceptance.objects.count() == 0


def test_guard_for_an_unknown_service_is_a_programming_error(supplier):
    with pytest.raises(ValueError, match="unknown service 'escrow'"):
        services.agreement_guard(member=supplier, service="escrow", ip=None)


def test_accepted_agreements_cost_no_query(supplier, django_assert_num_queries):
    version = free_membership()
    services.agreement_accept(member=supplier, version_id=version.pk, ip=None)
    services.agreement_guard(member=supplier, service="listing_services", ip=None)

    with django_assert_num_queries(0):
        services.agreement_guard(member=supplier, service="listing_services", ip=None)


# --- Pages ------------------------------------------------------------------------------------


def test_agreement_page_shows_the_text_and_accepts(supplier):
    version = free_membership()
    client = Client(REMOTE_ADDR="192.0.2.44")
    client.force_login(supplier.user, backend=LOGIN_BACKEND)

    page = client.get(f"/terms/agreements/{version.pk}?next=/my/listings/new/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Free Membership Agreement</h1>" in html
    assert "<p>1. The Free Membership Agreement governs listing services.</p>" in html
    assert "it prevails for that service (clauses 1.5, 12.1)" in html
    assert "I accept the Free Membership Agreement" in html

    accepted = client.post(f"/terms/agreements/{version.pk}", {"next": "/my/listings/new/"})

    assert (accepted.status_code, accepted["Location"]) == (302, "/my/listings/new/")
    acceptance = AgreementAcceptance.objects.get(member=supplier)
    assert (acceptance.version, acceptance.ip, acceptance.text_sha256) == (
        version,
        "192.0.2.44",
        version.body_sha256,
    )
    assert (
        "You accepted this version on"
        in client.get(f"/terms/agreements/{version.pk}").content.decode()
    )


def test_agreement_page_is_public_and_accepting_needs_login(client, db):
    version = free_membership()

    page = client.get(f"/terms/agreements/{version.pk}")
    post = client.post(f"/terms/agreements/{version.pk}")

    assert page.status_code == 200
    assert "I accept" not in page.content.decode()
    assert (post.status_code, post["Location"]) == (
        302,
        f"/login/?next=/terms/agreements/{version.pk}",
    )
    assert client.get("/terms/agreements/999999").status_code == 404


def test_posting_through_the_page_says_where_to_accept(supplier):
    version = free_membership()
    client = Client()
    client.force_login(supplier.user, backend=LOGIN_BACKEND)

    response = client.post(
        "/my/listings/new/",
        {
            "title": "Brass ball valve 1/2 inch",
            "description": "Full bore brass ball valve, PN25, lever handle.",
            "category": "pumps-valves",
            "currency": "usd",
            "moq": "200",
            "unit": "piece",
            "tier_qty_0": "200",
            "tier_price_0": "3.20",
            "publish": "1",
        },
    )

    assert response.status_code == 200
    assert f"Read and accept it at /terms/agreements/{version.pk} (clause 1.5)." in (
        response.content.decode()
    )


# --- Obligations: the agreement first, and it prevails (1.5, 12.1) ----------------------------


def test_obligations_list_the_agreement_first_then_the_terms(supplier, supplier_api):
    version = free_membership()
    terms = selectors.terms_version_in_force(site="alibaba")

    response = supplier_api.get("/terms/obligations?service=listing_services")

    assert response.status_code == 200
    assert response.json() == {
        "service": "listing_services",
        "service_title": "Listing services",
        "documents": [
            {
                "kind": "additional_agreement",
                "agreement": {
                    "key": "free-membership",
                    "title": "Free Membership Agreement",
                    "service": "listing_services",
                },
                "version": version_json(version),
                "prevails": True,
                "clause": "1.5",
                "accepted": False,
                "acceptance_mode": None,
            },
            {
                "kind": "terms",
                "agreement": None,
                "version": {
                    "id": terms.pk,
                    "label": terms.label,
                    "effective_date": terms.effective_date.isoformat(),
                    "url": f"/terms/versions/{terms.pk}",
                },
                "prevails": False,
                "clause": "12.1",
                "accepted": True,
                "acceptance_mode": "continued_use",
            },
        ],
    }


def test_obligations_of_a_service_without_agreement_are_the_terms(supplier_api):
    documents = supplier_api.get("/terms/obligations?service=messaging").json()["documents"]

    assert [(d["kind"], d["prevails"]) for d in documents] == [("terms", False)]


def test_obligations_of_an_unknown_service_are_refused(supplier_api):
    response = supplier_api.get("/terms/obligations?service=escrow")

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "service": ["Choose one of: listing_services, messaging, online_orders, paid_services."]
    }


def test_agreement_text_is_public_in_the_api(api, db):
    version = free_membership()

    response = api.get(f"/terms/agreements/{version.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": version.pk,
        "agreement": {
            "key": "free-membership",
            "title": "Free Membership Agreement",
            "service": "listing_services",
        },
        "site": "",
        "label": "Free Membership Agreement, effective 2026-03-01",
        "effective_date": "2026-03-01",
        "body": FREE_MEMBERSHIP,
        "body_sha256": version.body_sha256,
    }


def test_my_acceptances_include_agreements(supplier, supplier_api, clock):
    version = free_membership()
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    supplier_api.post(f"/terms/agreements/{version.pk}/accept")

    rows = supplier_api.get("/terms/my-acceptances").json()

    assert [(r["kind"], r["document"], r["method"], r["service"]) for r in rows] == [
        ("additional_agreement", "Free Membership Agreement", "explicit", "listing_services"),
        ("terms", "Terms of Use", "registration", ""),
    ]


# --- Posting versions: services, command, console ---------------------------------------------


def test_a_posted_version_is_never_rewritten(db):
    first = free_membership()

    assert free_membership().pk == first.pk
    with pytest.raises(Conflict, match="already has a different version effective 2026-03-01"):
        free_membership(body="Changed text.")


def test_an_agreement_keeps_its_service_and_needs_a_title_when_new(db):
    free_membership()

    with pytest.raises(Conflict, match="governs listing_services on every site"):
        services.agreement_import(
            key="free-membership",
            service="paid_services",
            effective_date=date(2026, 4, 1),
            body="x",
        )
    with pytest.raises(InvalidInput, match="give its title to create it"):
        services.agreement_import(
            key="escrow", service="online_orders", effective_date=date(2026, 4, 1), body="x"
        )


def test_agreements_command_imports_then_reports_unchanged(db, tmp_path):
    path = tmp_path / "tsa.txt"
    path.write_text("Transaction Services Agreement text.", encoding="utf-8")
    args = [
        "agreements",
        "import",
        str(path),
        "--key",
        "transaction-services",
        "--service",
        "online_orders",
        "--effective",
        "2026-04-01",
        "--title",
        "Transaction Services Agreement",
        "--json",
    ]
    first, second = StringIO(), StringIO()

    call_command(*args, stdout=first)
    call_command(*args, stdout=second)

    version = AgreementVersion.objects.get()
    assert json.loads(first.getvalue()) == {
        "agreement": "transaction-services",
        "service": "online_orders",
        "id": version.pk,
        "label": "Transaction Services Agreement, effective 2026-04-01",
        "effective_date": "2026-04-01",
        "status": "created",
    }
    assert json.loads(second.getvalue())["status"] == "unchanged"
    with pytest.raises(CommandError, match="--effective must be a date"):
        call_command(*args[:7], "--effective", "soon")


def test_staff_add_an_agreement_version_in_the_console(supplier):
    free_membership()
    agreement = AgreementVersion.objects.get().agreement
    console = Client()
    console.force_login(staff_create(username="counsel", superuser=True), backend=LOGIN_BACKEND)

    response = console.post(
        "/console/terms/agreementversion/add/",
        {
            "agreement": agreement.pk,
            "label": "Free Membership Agreement, 2026 edition",
            "effective_date": "2026-03-02",
            "body": "Amended text.",
            "source_name": "",
        },
    )

    assert response.status_code == 302
    added = AgreementVersion.objects.get(effective_date=date(2026, 3, 2))
    assert (added.body_sha256, added.created_by.username) == (
        hashlib.sha256(b"Amended text.").hexdigest(),
        "counsel",
    )
    with pytest.raises(services.AgreementAcceptanceRequired) as refused:
        services.agreement_guard(member=supplier, service="listing_services", ip=None)
    assert refused.value.agreement.version.id == added.pk


def test_console_refuses_a_second_version_on_the_same_day(db):
    free_membership()
    agreement = AgreementVersion.objects.get().agreement
    console = Client()
    console.force_login(staff_create(username="counsel", superuser=True), backend=LOGIN_BACKEND)

    response = console.post(
        "/console/terms/agreementversion/add/",
        {
            "agreement": agreement.pk,
            "label": "Same day",
            "effective_date": "2026-03-01",
            "body": "Other text.",
        },
    )

    assert response.status_code == 200
    assert AgreementVersion.objects.count() == 1
    assert "already exists" in response.content.decode()


def test_member_of_another_site_is_not_bound(db):
    free_membership(site="alibaba")
    member = member_create(country="RU", site="aliexpress", roles=["supplier"])

    services.agreement_guard(member=member, service="listing_services", ip=None)


@pytest.mark.parametrize(
    "path",
    [
        "/console/terms/additionalagreement/",
        "/console/terms/additionalagreement/add/",
        "/console/terms/additionalagreement/{agreement}/change/",
        "/console/terms/agreementversion/",
        "/console/terms/agreementversion/add/",
        "/console/terms/agreementversion/{version}/change/",
        "/console/terms/agreementacceptance/",
        "/console/terms/sitetermssettings/",
        "/console/terms/sitetermssettings/add/",
    ],
)
def test_console_pages_render(supplier, path):
    version = free_membership()
    services.agreement_accept(member=supplier, version_id=version.pk, ip=None)
    console = Client()
    console.force_login(staff_create(username="counsel", superuser=True), backend=LOGIN_BACKEND)

    response = console.get(path.format(agreement=version.agreement_id, version=version.pk))

    assert response.status_code == 200
