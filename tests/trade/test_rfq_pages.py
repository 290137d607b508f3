"""RFQ pages (issue 11): the form and its pre-fill, My RFQs, the board with filters, the
quote form (once, then one edit), the buyer's side-by-side comparison, accepting, the console."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import image_bytes, staff_create
from tests.trade.rfq_factories import (
    CATEGORY,
    buyer_create,
    quote,
    restrict,
    rfq_payload,
    rfq_post,
    supplier_create,
)
from tradepost.catalog.models import Listing
from tradepost.trade.models.rfq import Quotation, QuotationStatus, Rfq, RfqAttachment, RfqStatus
from tradepost.trade.services import rfq as services


def browser(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _form(**overrides):
    data = {
        "title": "Cast iron butterfly valves",
        "category": CATEGORY,
        "description": "DN100, EPDM seat.",
        "quantity": "200",
        "unit": "piece",
        "target_unit_price": "18.50",
        "currency": "USD",
        "destination_country": "DE",
        "incoterm": "CIF",
        "deadline": (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def _quote_form(**overrides):
    data = {
        "unit_price": "17.20",
        "currency": "USD",
        "lead_time_days": "28",
        "valid_until": (timezone.now() + timedelta(days=30)).date().isoformat(),
        "terms": "L/C at sight.",
        "tier_1_quantity": "200",
        "tier_1_price": "17.20",
        "tier_2_quantity": "1000",
        "tier_2_price": "16.00",
    }
    data.update(overrides)
    return data


@pytest.fixture
def buyer(db):
    return buyer_create()


@pytest.fixture
def supplier(db):
    return supplier_create()


@pytest.fixture
def rfq(buyer):
    return rfq_post(buyer)


# --- Posting ------------------------------------------------------------------------------


def test_the_form_is_pre_filled_from_the_query(buyer):
    got = browser(buyer).get(
        reverse("trade:rfq_create") + f"?category={CATEGORY}&title=Ball+valves"
    )

    assert got.status_code == 200
    assert got.context["form"].initial["category"] == CATEGORY
    assert 'value="Ball valves"' in got.content.decode()
    assert f'<option value="{CATEGORY}" selected>' in got.content.decode()


def test_posting_the_form_creates_the_rfq_with_its_attachment(buyer):
    drawing = SimpleUploadedFile("drawing.png", image_bytes(), content_type="image/png")

    got = browser(buyer).post(reverse("trade:rfq_create"), {**_form(), "attachments": [drawing]})

    rfq = Rfq.objects.get()
    assert got.status_code == 302
    assert got["Location"] == reverse("trade:rfq_detail", args=[rfq.pk])
    assert (rfq.title, rfq.incoterm) == ("Cast iron butterfly valves", "CIF")
    assert rfq.buyer_id == buyer.pk
    assert RfqAttachment.objects.get(rfq=rfq).original_name == "drawing.png"


def test_a_past_deadline_shows_on_the_form_and_nothing_is_posted(buyer):
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    got = browser(buyer).post(reverse("trade:rfq_create"), _form(deadline=past))

    assert got.status_code == 422
    assert got.context["form"].errors["deadline"] == ["The deadline must be in the future."]
    assert 'href="#id_deadline"' in got.content.decode()
    assert Rfq.objects.count() == 0


def test_a_restricted_member_sees_why_on_the_form(buyer):
    restrict(buyer)

    got = browser(buyer).post(reverse("trade:rfq_create"), _form())

    assert got.status_code == 422
    assert "restricts messaging" in got.content.decode()
    assert Rfq.objects.count() == 0


def test_listing_page_and_storefront_offer_request_a_quotation(supplier, buyer):
    listing = Listing.objects.get(supplier=supplier)
    client = browser(buyer)

    page = client.get(reverse("catalog:listing_detail", args=[listing.pk])).content.decode()
    store = client.get(
        reverse("catalog:supplier_detail", args=[supplier.member_id])
    ).content.decode()

    title = "Stainless%20steel%20pipe%20flange%20DN50"
    assert f"/rfqs/new/?category={CATEGORY}&amp;title={title}" in page
    assert f"/rfqs/new/?category={CATEGORY}" in store


def test_my_rfqs_lists_the_buyers_own_with_their_quotation_counts(buyer, rfq, supplier):
    quote(rfq, supplier)
    rfq_post(buyer_create(), title="Somebody else's valves")

    got = browser(buyer).get(reverse("trade:my_rfqs"))

    assert [r.pk for r in got.context["rfqs"]] == [rfq.pk]
    assert got.context["rfqs"][0].quotation_count == 1
    assert "Somebody else" not in got.content.decode()


# --- The board ----------------------------------------------------------------------------


def test_the_board_shows_matching_rfqs_and_filters_by_destination(buyer, supplier):
    de = rfq_post(buyer)
    fr = rfq_post(buyer, destination_country="FR", title="Valves for Lyon")
    client = browser(supplier)

    everything = client.get(reverse("trade:rfq_board"))
    to_france = client.get(reverse("trade:rfq_board") + "?destination=FR")

    assert sorted(r.pk for r in everything.context["page"]) == sorted([de.pk, fr.pk])
    assert [r.pk for r in to_france.context["page"]] == [fr.pk]
    assert everything.context["categories"] == [
        ("industrial-machinery", "Industrial Machinery"),
        (CATEGORY, "Pumps & Valves"),
    ]
    assert "Quotations left this month: 20 of 20" in everything.content.decode()


def test_the_board_is_for_suppliers(buyer):
    assert browser(buyer).get(reverse("trade:rfq_board")).status_code == 403


# --- Quoting and comparing ----------------------------------------------------------------


def test_a_supplier_quotes_from_the_rfq_page_then_edits_once(rfq, supplier):
    client = browser(supplier)
    url = reverse("trade:rfq_detail", args=[rfq.pk])

    form_page = client.get(url)
    sent = client.post(url, _quote_form())
    edited = client.post(url, _quote_form(unit_price="16.90", tier_1_price="16.90"))
    after = client.get(url)

    assert form_page.context["form"].initial["currency"] == "USD"
    assert (sent.status_code, edited.status_code) == (302, 302)
    quotation = Quotation.objects.get()
    assert (str(quotation.unit_price), quotation.edit_count) == ("16.9000", 1)
    assert quotation.price_tiers == [
        {"min_quantity": 200, "unit_price": "16.9"},
        {"min_quantity": 1000, "unit_price": "16"},
    ]
    assert after.context["form"] is None
    assert "You have used your one edit" in after.content.decode()


def test_a_refused_quotation_shows_on_the_form(rfq, supplier):
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()

    got = browser(supplier).post(
        reverse("trade:rfq_detail", args=[rfq.pk]), _quote_form(valid_until=yesterday)
    )

    assert got.status_code == 422
    assert got.context["form"].errors["valid_until"] == [
        "The quotation must be valid until today or later."
    ]
    assert Quotation.objects.count() == 0


def test_the_buyer_compares_quotations_side_by_side(buyer, rfq, supplier):
    cheaper = supplier_create()
    quote(rfq, supplier)
    quote(rfq, cheaper, unit_price="3.99", lead_time_days=45, price_tiers=[])

    got = browser(buyer).get(reverse("trade:rfq_detail", args=[rfq.pk]))

    html = got.content.decode()
    assert [q.supplier_id for q in got.context["quotations"]] == [cheaper.pk, supplier.pk]
    assert html.index(cheaper.company_name) < html.index(supplier.company_name)
    assert "USD\xa03.99" in html and "USD\xa04.05" in html
    assert "USD\xa03,990.00" in html  # the total for the RFQ's 1,000 pieces
    assert "45 days" in html
    assert html.count('action="/quotations/') == 2


def test_the_comparison_prices_each_quotation_at_its_tier_for_the_rfqs_quantity(buyer, rfq):
    # The RFQ asks for 1,000 pieces: a 3.90 base price with a 3.60 tier from 1,000 beats a
    # flat 3.70, and its total is what accepting it would order.
    tiered, flat = supplier_create(), supplier_create()
    quote(
        rfq,
        tiered,
        unit_price="3.90",
        price_tiers=[
            {"min_quantity": 1, "unit_price": "3.90"},
            {"min_quantity": 1000, "unit_price": "3.60"},
        ],
    )
    quote(rfq, flat, unit_price="3.70", price_tiers=[])

    got = browser(buyer).get(reverse("trade:rfq_detail", args=[rfq.pk]))

    html = got.content.decode()
    assert [q.supplier_id for q in got.context["quotations"]] == [tiered.pk, flat.pk]
    assert "USD\xa03,600.00" in html and "USD\xa03,700.00" in html
    assert "USD\xa03,900.00" not in html


def test_a_supplier_sees_its_own_quotation_not_the_others(rfq, supplier):
    other = supplier_create()
    quote(rfq, supplier)
    quote(rfq, other, unit_price="3.50")

    got = browser(supplier).get(reverse("trade:rfq_detail", args=[rfq.pk]))

    assert [q.supplier_id for q in got.context["quotations"]] == [supplier.pk]
    assert other.company_name not in got.content.decode()


def test_accepting_on_the_page_awards_the_rfq_and_opens_the_order_draft(buyer, rfq, supplier):
    chosen = quote(rfq, supplier)
    other = quote(rfq, supplier_create(), unit_price="4.50")

    got = browser(buyer).post(reverse("trade:quotation_accept", args=[chosen.pk]))
    page = browser(buyer).get(reverse("trade:rfq_detail", args=[rfq.pk]))

    order_ref = Quotation.objects.get(pk=chosen.pk).order_ref
    assert got.status_code == 302
    assert got["Location"] == reverse("trade:order", args=[int(order_ref)])
    assert Rfq.objects.get(pk=rfq.pk).status == RfqStatus.AWARDED
    assert Quotation.objects.get(pk=other.pk).status == QuotationStatus.NOT_CHOSEN
    assert "Not chosen" in page.content.decode()
    assert 'action="/quotations/' not in page.content.decode()


def test_an_rfq_page_is_404_to_a_stranger(rfq):
    stranger = supplier_create(category="coffee-tea")

    assert browser(stranger).get(reverse("trade:rfq_detail", args=[rfq.pk])).status_code == 404


def test_the_buyer_downloads_an_attachment(buyer):
    drawing = SimpleUploadedFile("drawing.png", image_bytes(), content_type="image/png")
    rfq = services.rfq_create(buyer=buyer, data=rfq_payload(), attachments=[drawing])
    row = RfqAttachment.objects.get()

    got = browser(buyer).get(reverse("trade:rfq_attachment", args=[rfq.pk, row.pk]))

    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment")


# --- The console --------------------------------------------------------------------------


def test_the_console_shows_rfqs_and_quotations_read_only(rfq, supplier):
    quotation = quote(rfq, supplier)
    staff = Client()
    staff.force_login(staff_create(username="support", role="Support agent"))

    rfqs = staff.get(reverse("admin:trade_rfq_changelist"))
    one = staff.get(reverse("admin:trade_rfq_change", args=[rfq.pk]))
    quotations = staff.get(reverse("admin:trade_quotation_changelist"))
    add = staff.get(reverse("admin:trade_rfq_add"))

    assert (rfqs.status_code, one.status_code, quotations.status_code) == (200, 200, 200)
    assert rfq.title in rfqs.content.decode()
    assert 'name="_save"' not in one.content.decode()
    assert str(quotation.pk) in quotations.content.decode()
    assert add.status_code == 403
