"""Invoices (issue 13): issued by the member's contracting entity (2.1) to its registered
address, numbered without gaps per entity and year, as a PDF for the member and staff."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tests.billing.subscriptions_helpers import client_for, subscribe, supplier
from tests.factories import staff_create
from tradepost.billing.invoice_pdf import invoice_pdf
from tradepost.billing.models import Invoice
from tradepost.billing.services.subscriptions import invoice_number_next, subscription_start

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_numbers_run_per_entity_and_year_without_gaps():
    numbers = [invoice_number_next(entity="alibaba_sg", year=2026) for _ in range(3)]
    other_entity = invoice_number_next(entity="hangzhou", year=2026)
    next_year = invoice_number_next(entity="alibaba_sg", year=2027)

    assert numbers == [
        (1, "ALIBABA_SG-2026-000001"),
        (2, "ALIBABA_SG-2026-000002"),
        (3, "ALIBABA_SG-2026-000003"),
    ]
    assert other_entity == (1, "HANGZHOU-2026-000001")
    assert next_year == (1, "ALIBABA_SG-2027-000001")


def test_each_entity_issues_its_members_invoices():
    de, cn, hk = supplier("DE"), supplier("CN"), supplier("HK")
    now = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)

    invoices = [
        subscription_start(member=m, plan_id=plan, by=m.user, now=now).invoice
        for m, plan in ((de, "gold-usd-12m"), (cn, "gold-cny-12m"), (hk, "gold-hkd-12m"))
    ]

    assert [(i.number, i.issuer["key"], i.total) for i in invoices] == [
        ("ALIBABA_SG-2026-000001", "alibaba_sg", Decimal("3268.91")),
        ("HANGZHOU-2026-000001", "hangzhou", Decimal("21198.94")),
        ("ALIBABA_HK-2026-000001", "alibaba_hk", Decimal("23400")),
    ]
    assert invoices[2].tax_lines == []


def test_the_pdf_names_issuer_recipient_number_and_amounts():
    member = supplier("DE", company_name="Rhein Tools GmbH")
    invoice = subscription_start(member=member, plan_id="gold-usd-12m", by=member.user).invoice

    text = pdf_text(invoice_pdf(invoice))

    assert "Alibaba.com Singapore E-Commerce Private Limited" in text
    assert "200720572D" in text
    assert invoice.number in text
    assert "Rhein Tools GmbH" in text
    assert member.address in text
    assert "USD\xa02,999.00" in text or "USD 2,999.00" in text
    assert "GST 9%" in text
    assert "3,268.91" in text
    assert "SIMULATED" in text


def test_a_chinese_address_is_printed_with_the_cid_font():
    member = supplier("CN", address="浙江省杭州市余杭区文一西路969号")
    invoice = subscription_start(member=member, plan_id="gold-cny-12m", by=member.user).invoice

    data = invoice_pdf(invoice)

    text = pdf_text(data)
    assert b"STSong-Light" in data
    assert "浙江省杭州市余杭区文一西路969号" in text
    assert "HANGZHOU-" in text


def test_the_owner_and_staff_download_the_pdf_and_others_get_404():
    owner = supplier()
    invoice_id = subscribe(client_for(owner), "silver-usd-1m").json()["invoice"]["id"]
    staff = staff_create(username="billing-staff")

    mine = client_for(owner).get(f"/invoices/{invoice_id}.pdf")
    by_staff = client_for(staff).get(f"/invoices/{invoice_id}.pdf")
    by_other = client_for(supplier()).get(f"/invoices/{invoice_id}.pdf")
    missing = client_for(owner).get(f"/invoices/{invoice_id + 999}.pdf")

    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    number = Invoice.objects.get(pk=invoice_id).number
    assert mine["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    assert number in pdf_text(mine.content)
    assert by_staff.status_code == 200
    assert by_other.status_code == 404
    assert by_other.json() == missing.json()
    assert missing.json()["error"]["code"] == "not_found"


def test_members_list_their_invoices():
    owner = supplier()
    subscribe(client_for(owner), "silver-usd-1m")
    subscribe(client_for(supplier()), "silver-usd-1m")

    body = client_for(owner).get("/invoices").json()

    assert [i["number"][-6:] for i in body["items"]] == ["000001"] and body["count"] == 1
