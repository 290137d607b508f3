"""The member's billing pages (issue 13): plans offered in the region, upgrade with the
SIMULATED provider, the invoice page and its PDF download."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.billing.subscriptions_helpers import DecliningProvider, supplier
from tradepost.billing.models import Invoice, Subscription
from tradepost.catalog.models import SupplierProfile
from tradepost.trade.payments import set_payment_provider

pytestmark = pytest.mark.django_db

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


@pytest.fixture(autouse=True)
def _provider():
    yield
    set_payment_provider(None)


def logged_in(member) -> Client:
    client = Client()
    client.force_login(member.user, backend=LOGIN_BACKEND)
    return client


def test_the_account_page_links_to_billing():
    page = logged_in(supplier()).get("/account/")

    assert page.status_code == 200
    assert 'href="/account/billing/"' in page.content.decode()


def test_the_billing_page_shows_the_free_plan_and_the_regional_offers():
    page = logged_in(supplier()).get("/account/billing/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Free membership." in text
    assert "Gold Supplier membership" in text
    assert 'href="/account/billing/plans/gold-usd-12m/"' in text
    assert "USD\xa02,999.00" in text


def test_a_region_without_paid_plans_says_so():
    page = logged_in(supplier("RU", site="aliexpress")).get("/account/billing/")

    assert "No paid plans are offered in your region." in page.content.decode()


def test_upgrade_confirm_pay_and_download_the_invoice():
    member = supplier()
    client = logged_in(member)
    confirm = client.get("/account/billing/plans/gold-usd-12m/")
    text = confirm.content.decode()
    assert "SIMULATED payment" in text
    assert "USD\xa03,268.91" in text

    paid = client.post(
        "/account/billing/plans/gold-usd-12m/",
        {"idempotency_key": "page-key-1", "method": "test_card"},
    )

    invoice = Invoice.objects.get()
    assert paid.status_code == 302
    assert paid["Location"] == f"/account/billing/invoices/{invoice.pk}/?paid=1"
    success = client.get(paid["Location"]).content.decode()
    assert invoice.number in success
    assert f'href="/account/billing/invoices/{invoice.pk}.pdf"' in success
    pdf = client.get(f"/account/billing/invoices/{invoice.pk}.pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert SupplierProfile.objects.get(member=member).membership_tier == "gold"
    billing = client.get("/account/billing/").content.decode()
    assert "Current plan" in billing
    assert "You subscribe to this service" in billing
    assert 'href="/account/billing/plans/silver-usd-1m/">Switch to this plan' in billing
    assert invoice.number in billing


def test_a_declined_payment_is_shown_on_the_page_and_nothing_is_written():
    client = logged_in(supplier())
    set_payment_provider(DecliningProvider())

    page = client.post(
        "/account/billing/plans/gold-usd-12m/",
        {"idempotency_key": "page-key-2", "method": "test_card"},
    )

    assert page.status_code == 402
    assert "Simulated decline." in page.content.decode()
    assert Subscription.objects.count() == 0


def test_a_plan_not_offered_is_refused_on_the_page():
    page = logged_in(supplier("RU", site="aliexpress")).post(
        "/account/billing/plans/gold-usd-12m/", {"idempotency_key": "page-key-3"}
    )

    assert page.status_code == 403
    assert "not offered in your region" in page.content.decode()


def test_an_unknown_plan_is_404():
    assert logged_in(supplier()).get("/account/billing/plans/nothing/").status_code == 404


def test_another_members_invoice_is_404():
    owner = supplier()
    logged_in(owner).post(
        "/account/billing/plans/silver-usd-1m/", {"idempotency_key": "page-key-4"}
    )
    invoice = Invoice.objects.get()
    other = logged_in(supplier())

    assert other.get(f"/account/billing/invoices/{invoice.pk}/").status_code == 404
    assert other.get(f"/account/billing/invoices/{invoice.pk}.pdf").status_code == 404
