"""The billing demo part (issue 13): one Gold supplier with a paid invoice, loaded once."""

from __future__ import annotations

import pytest

from tradepost import demo
from tradepost.billing.demo_subscriptions import (
    GOLD_SUPPLIER,
    demo_subscriptions_load,
    subscriptions_tour,
)
from tradepost.billing.models import Invoice
from tradepost.catalog.models import SupplierProfile
from tradepost.members.models import Member

pytestmark = pytest.mark.django_db


def test_the_demo_gold_supplier_is_loaded_once_with_its_invoice():
    first = demo_subscriptions_load()
    again = demo_subscriptions_load()

    member = Member.objects.get(email=GOLD_SUPPLIER.email)
    invoice = Invoice.objects.get(member=member)
    assert (first, again) == (2, 0)
    assert SupplierProfile.objects.get(member=member).membership_tier == "gold"
    assert invoice.number.startswith("HANGZHOU-")
    assert invoice.paid_at is not None
    tour = "\n".join(subscriptions_tour("http://x"))
    assert invoice.number in tour
    assert f"http://x/account/billing/invoices/{invoice.pk}.pdf" in tour


def test_the_part_is_registered():
    assert "paid membership" in [part.name for part in demo.parts()]
