"""The console's subscriptions and invoices (issue 13): read-only, with the invoice PDF."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.billing.subscriptions_helpers import supplier
from tests.factories import staff_create
from tradepost.billing.models import Invoice, ServiceChange, Subscription
from tradepost.billing.services.subscriptions import subscription_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def console() -> Client:
    client = Client()
    client.force_login(staff_create(username="root", superuser=True))
    return client


def test_staff_list_subscriptions_and_invoices_and_open_the_pdf(console):
    member = supplier()
    purchase = subscription_start(member=member, plan_id="gold-usd-12m", by=member.user)
    invoice = purchase.invoice

    subs = console.get("/console/billing/subscription/")
    invoices = console.get("/console/billing/invoice/")
    detail = console.get(f"/console/billing/subscription/{purchase.subscription.pk}/change/")
    pdf = console.get(f"/account/billing/invoices/{invoice.pk}.pdf")

    assert subs.status_code == 200
    assert "gold-usd-12m" in subs.content.decode()
    assert invoices.status_code == 200
    assert f'href="/account/billing/invoices/{invoice.pk}.pdf"' in invoices.content.decode()
    assert detail.status_code == 200
    assert invoice.number in detail.content.decode()
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")


def test_the_console_cannot_add_change_or_delete(console):
    member = supplier()
    invoice = subscription_start(member=member, plan_id="silver-usd-1m", by=member.user).invoice

    assert console.get("/console/billing/invoice/add/").status_code == 403
    assert console.post(f"/console/billing/invoice/{invoice.pk}/delete/").status_code == 403
    assert Invoice.objects.count() == 1
    assert Subscription.objects.count() == 1


def test_staff_record_a_service_change_and_current_subscribers_keep_what_they_paid(console):
    member = supplier()
    sub = subscription_start(member=member, plan_id="gold-usd-12m", by=member.user).subscription

    response = console.post(
        "/console/billing/servicechange/add/",
        {"service_key": "gold_membership", "tier": "silver", "reason": "Gold becomes Silver"},
    )

    change = ServiceChange.objects.get()
    assert response.status_code == 302
    assert (change.after["tier"], change.effects["tier"], change.subscribers) == (
        "silver",
        "reduction",
        1,
    )
    sub.refresh_from_db()
    assert sub.benefits["tier"] == "gold"
    assert console.get(f"/console/billing/servicechange/{change.pk}/change/").status_code == 200


def test_a_service_change_without_any_benefit_is_refused_on_the_form(console):
    response = console.post(
        "/console/billing/servicechange/add/",
        {"service_key": "gold_membership", "reason": "nothing"},
    )

    assert response.status_code == 200
    assert "Change at least one benefit." in response.content.decode()
    assert ServiceChange.objects.count() == 0
