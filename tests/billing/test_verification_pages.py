"""Verification pages and console (clause 7.2): the supplier's page, the public record the
badge links to, the badge on cards and the storefront, and the staff review form."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.billing.verification_helpers import (
    LOGIN_BACKEND,
    licence_pdf,
    request_create,
    supplier_create,
    verified_create,
    verifier_create,
)
from tests.factories import listing_create, staff_create
from tradepost.billing.models import VerificationRequest, VerificationStatus
from tradepost.billing.services import verification as svc
from tradepost.catalog.models import SupplierProfile


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier(db):
    return supplier_create()


def _login(user) -> Client:
    client = Client()
    client.force_login(user, backend=LOGIN_BACKEND)
    return client


# --- The supplier's page ------------------------------------------------------------------


def test_the_page_offers_the_request_form_to_a_paying_supplier(supplier):
    response = _login(supplier.user).get("/account/verification/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="document_business_licence"' in html
    assert 'name="claim_business_licence"' in html
    assert "Ask for verification" in html


def test_the_page_tells_a_free_supplier_to_upgrade(db):
    member = supplier_create(tier="free")

    html = _login(member.user).get("/account/verification/").content.decode()

    assert "Verification is for paying suppliers" in html
    assert 'name="document_business_licence"' not in html


def test_posting_the_form_sends_the_request(supplier):
    response = _login(supplier.user).post(
        "/account/verification/",
        {
            "fields_to_verify": ["legal_name", "business_licence"],
            "claim_business_licence": "BL-77",
            "document_business_licence": licence_pdf(),
        },
    )

    assert response.status_code == 302
    request = VerificationRequest.objects.get()
    assert [c.field for c in request.checks.all()] == ["legal_name", "business_licence"]
    page = _login(supplier.user).get("/account/verification/").content.decode()
    assert "BL-77" in page
    assert "Your request is with our staff" in page


def test_a_missing_licence_is_shown_on_the_page(supplier):
    response = _login(supplier.user).post(
        "/account/verification/", {"claim_business_licence": "BL-77"}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "error-summary" in html
    assert 'href="#id_document_business_licence"' in html
    assert VerificationRequest.objects.count() == 0


def test_the_page_needs_a_login(db):
    response = Client().get("/account/verification/")

    assert response.status_code == 302


# --- The public record and the badge ------------------------------------------------------


def test_the_public_page_lists_what_was_verified_when_by_whom_and_until(supplier):
    request = verified_create(supplier, verifier_create(), mismatch=("registered_address",))

    response = Client().get(f"/suppliers/{supplier.member_id}/verification/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Company registration number" in html
    assert "91330100MA27XK1234" in html
    assert "Registered address" not in html
    assert supplier.address not in html
    assert "Tradepost staff (Trust &amp; safety agent)" in html
    assert request.expires_at.strftime("%Y-%m-%d") in html
    assert ">verifier<" not in html


def test_the_public_page_of_an_unverified_supplier_claims_nothing(supplier):
    request_create(supplier)

    html = Client().get(f"/suppliers/{supplier.member_id}/verification/").content.decode()

    assert "no current verification" in html
    assert "badge-verified" not in html


def test_the_public_page_of_an_unknown_supplier_is_404(db):
    assert Client().get("/suppliers/XX000000/verification/").status_code == 404


def _badge(supplier) -> str:
    return f'href="/suppliers/{supplier.member_id}/verification/"'


def test_the_storefront_and_listing_show_the_badge_linking_to_the_record(supplier):
    listing = listing_create(supplier)
    verified_create(supplier, verifier_create())

    storefront = Client().get(f"/suppliers/{supplier.member_id}/").content.decode()
    detail = Client().get(f"/listings/{listing.pk}/").content.decode()

    assert _badge(supplier) in storefront
    assert _badge(supplier) in detail


def test_no_badge_before_verification_nor_after_expiry(supplier):
    request = verified_create(supplier, verifier_create())
    svc.verification_expire_due(now=request.expires_at + timedelta(seconds=1))

    storefront = Client().get(f"/suppliers/{supplier.member_id}/").content.decode()

    assert SupplierProfile.objects.get(member=supplier).verified is False
    assert _badge(supplier) not in storefront
    assert "badge-verified" not in storefront


def test_the_search_card_links_the_badge(supplier):
    from django.template.loader import render_to_string

    from tradepost.catalog.cards import listing_cards

    listing = listing_create(supplier)
    verified_create(supplier, verifier_create())

    cards = listing_cards([listing])
    html = render_to_string("catalog/_listing_card.html", {"card": cards[0]})

    assert _badge(supplier) in html
    assert '<span class="badge badge-verified">Verified supplier</span>' in html


# --- Documents ----------------------------------------------------------------------------


def test_documents_go_to_their_supplier_and_staff_only(supplier):
    document = request_create(supplier).documents.get()
    url = f"/account/verification/documents/{document.pk}/"

    assert _login(supplier.user).get(url).status_code == 200
    assert _login(verifier_create()).get(url).status_code == 200
    assert _login(supplier_create().user).get(url).status_code == 404
    assert (
        _login(staff_create(username="support", role="Support agent")).get(url).status_code == 404
    )
    assert Client().get(url).status_code == 404


# --- Console ------------------------------------------------------------------------------


def test_staff_record_checks_and_verify_in_the_console(supplier):
    request = request_create(supplier)
    console = _login(verifier_create())
    data = {f"result_{c.field}": "verified" for c in request.checks.all()}

    response = console.post(
        f"/console/billing/verificationrequest/{request.pk}/review/",
        {**data, "decision": "verified"},
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == VerificationStatus.VERIFIED
    assert SupplierProfile.objects.get(member=supplier).verified is True


def test_a_refused_decision_in_the_console_writes_nothing(supplier):
    request = request_create(supplier)
    console = _login(verifier_create())

    response = console.post(
        f"/console/billing/verificationrequest/{request.pk}/review/",
        {"result_legal_name": "verified", "decision": "verified"},
    )

    assert response.status_code == 200
    assert "Record a check for every field first." in response.content.decode()
    assert request.checks.get(field="legal_name").result == "pending"
    request.refresh_from_db()
    assert request.status == VerificationStatus.SUBMITTED


def test_support_agents_cannot_open_the_review(supplier):
    request = request_create(supplier)
    console = _login(staff_create(username="support", role="Support agent"))

    response = console.get(f"/console/billing/verificationrequest/{request.pk}/review/")

    assert response.status_code == 403
