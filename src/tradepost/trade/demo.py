"""Trade demo data for `tradepost demo_data` (issue 11): an inquiry's conversation, RFQs with
quotations and an award, and orders in each state of the protected-payment lifecycle, all
made through the trade services, so each has its real audit rows, order events and ledger
transactions (the SIMULATED payment provider: no money moves), and feedback both ways on the
completed order (so a supplier's rating shows in search).

The parties are the tour's own demo members (never the Trust & Safety demo's restricted
ones): Rheinland Werkzeughandel and Lakeshore Retail Supply buy; Hangzhou Westlake Textile,
Kowloon Bay Trading and Shenzhen Pearl River Electronics supply. Everything happens in the
hour or two before "now" (never later, so no page shows a step in the future), so the order
timers (5 days to pay, 10 days to confirm receipt) are days from due.

Idempotent: each part is loaded only when what it makes is missing, and skipped when a
member or listing it needs is not there (a demo email taken by someone else, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from tradepost.catalog.models import Listing, ListingStatus
from tradepost.members.models import Member
from tradepost.trade.models import Conversation, Order, Quotation, Rfq
from tradepost.trade.models.feedback import Feedback
from tradepost.trade.models.orders import OrderStatus
from tradepost.trade.services import messaging, orders, rfq
from tradepost.trade.services.feedback import feedback_give

GERMAN_BUYER = "einkauf@rheinland-werkzeug.example.com"
US_BUYER = "purchasing@lakeshore-retail.example.com"
TEXTILE_SUPPLIER = "sales@westlake-textile.example.com"
TRADING_SUPPLIER = "trade@kowloonbay-trading.example.com"
ELECTRONICS_SUPPLIER = "overseas@pearlriver-electronics.example.com"
TRADE_DEMO_EMAILS = (
    GERMAN_BUYER,
    US_BUYER,
    TEXTILE_SUPPLIER,
    TRADING_SUPPLIER,
    ELECTRONICS_SUPPLIER,
)

TWILL = "Cotton twill workwear fabric 240gsm"
HI_VIS = "High-visibility polyester-cotton work jacket"
LED_PANEL = "LED panel light 600x600 40W"
USB_C = "Braided USB-C charging cable 1 m"
EARBUDS = "True wireless Bluetooth 5.3 earbuds"

OPEN_RFQ_TITLE = "LED panel lights 600x600 for 40 retail stores"
AWARDED_RFQ_TITLE = "Hi-vis work jackets with logo embroidery, 1,000 pieces"
CARRIER = "DHL Global Forwarding"
TRACKING = "DEMO-1Z9999W99999999"


@dataclass(frozen=True)
class DemoOrder:
    """One order of the tour: `steps` are taken in order after placing it."""

    buyer: str
    supplier: str
    listing: str
    quantity: int
    steps: tuple[str, ...]
    terms: str


DEMO_ORDERS = (
    DemoOrder(
        US_BUYER,
        TRADING_SUPPLIER,
        USB_C,
        1000,
        (),
        "Individually bagged, 100 per inner carton.",
    ),
    DemoOrder(
        GERMAN_BUYER,
        TRADING_SUPPLIER,
        LED_PANEL,
        200,
        ("accept",),
        "CE declaration of conformity with the shipment.",
    ),
    DemoOrder(
        US_BUYER,
        ELECTRONICS_SUPPLIER,
        EARBUDS,
        300,
        ("accept", "pay"),
        "Private label: our logo on the charging case, artwork to follow.",
    ),
    DemoOrder(
        GERMAN_BUYER,
        TEXTILE_SUPPLIER,
        TWILL,
        1200,
        ("accept", "pay", "ship"),
        "Navy blue, Pantone 19-4024 TCX, rolls of 100 m.",
    ),
    DemoOrder(
        US_BUYER,
        TEXTILE_SUPPLIER,
        HI_VIS,
        200,
        ("accept", "pay", "ship", "confirm"),
        "Sizes M to 3XL evenly, logo embroidery on the left chest.",
    ),
)


def _members() -> dict[str, Member]:
    return {
        m.email: m
        for m in Member.objects.filter(email__in=TRADE_DEMO_EMAILS).select_related("user")
    }


def _listing(supplier: Member, title: str) -> Listing | None:
    return (
        Listing.objects.filter(supplier=supplier, title=title, status=ListingStatus.PUBLISHED)
        .order_by("pk")
        .first()
    )


def _conversation(members: dict[str, Member], now: datetime) -> int:
    """Clause 7.1: Rheinland asks Westlake about its twill; the supplier answers twice, and
    its second answer is still unread by the buyer."""
    buyer, supplier = members[GERMAN_BUYER], members[TEXTILE_SUPPLIER]
    listing = _listing(supplier, TWILL)
    if listing is None or Conversation.objects.filter(buyer=buyer, listing=listing).exists():
        return 0
    start = now - timedelta(minutes=5 * 3)
    inquiry = messaging.inquiry_send(
        buyer=buyer,
        listing_id=listing.pk,
        quantity=3000,
        message=(
            "Good day, we need about 3,000 metres of your 240 gsm twill in navy for a "
            "workwear line. Can you dye to Pantone 19-4024 TCX, and what is the lead time?"
        ),
        now=start,
    )
    conversation = inquiry.conversation
    steps = (
        (
            supplier,
            "Thank you for your inquiry. We can match 19-4024 TCX with reactive dyes; lead "
            "time is 20 days after the lab dip is approved. For 3,000 m the price is USD 1.85 "
            "a metre FOB Ningbo.",
        ),
        (
            buyer,
            "That works for us. Please send a lab dip and a 2 metre sample of the fabric.",
        ),
        (
            supplier,
            "The lab dip and the sample leave tomorrow; we will post the tracking number here.",
        ),
    )
    for n, (sender, body) in enumerate(steps, start=1):
        at = start + timedelta(minutes=5 * n)
        messaging.conversation_mark_read(member=sender, conversation=conversation, now=at)
        messaging.message_send(member=sender, conversation_id=conversation.pk, body=body, now=at)
    return 1


def _quote(rfq_row: Rfq, supplier: Member, data: dict[str, Any], now: datetime) -> Quotation:
    found = Quotation.objects.filter(rfq=rfq_row, supplier=supplier).first()
    if found is not None:
        return found
    valid_until = (now + timedelta(days=30)).date()
    return rfq.quotation_submit(
        rfq=rfq_row,
        supplier=supplier,
        data={"currency": rfq_row.currency, "valid_until": valid_until, **data},
        now=now,
    )


def _open_rfq(members: dict[str, Member], now: datetime) -> int:
    """An open RFQ in Kowloon Bay's LED lighting category with two quotations to compare."""
    buyer = members[US_BUYER]
    if Rfq.objects.filter(buyer=buyer, title=OPEN_RFQ_TITLE).exists():
        return 0
    posted = rfq.rfq_create(
        buyer=buyer,
        data={
            "title": OPEN_RFQ_TITLE,
            "description": "Flat panels for suspended ceilings, 4000K, at least 3,400 lm, "
            "flicker-free, CE and RoHS. Delivered to our Chicago warehouse.",
            "category": "led-lighting",
            "quantity": 2000,
            "unit": "piece",
            "target_unit_price": "9.50",
            "currency": "USD",
            "destination_country": "US",
            "incoterm": "FOB",
            "deadline": now + timedelta(days=14),
        },
        now=now - timedelta(hours=1),
    )
    _quote(
        posted,
        members[TRADING_SUPPLIER],
        {
            "unit_price": "9.90",
            "price_tiers": [{"min_quantity": 2000, "unit_price": "9.40"}],
            "lead_time_days": 25,
            "terms": "30% deposit, 70% before shipment. 5-year warranty.",
        },
        now - timedelta(minutes=30),
    )
    _quote(
        posted,
        members[ELECTRONICS_SUPPLIER],
        {
            "unit_price": "9.20",
            "lead_time_days": 35,
            "terms": "Protected payment through the platform. 3-year warranty.",
        },
        now - timedelta(minutes=15),
    )
    return 1


def _awarded_rfq(members: dict[str, Member], now: datetime) -> int:
    """A second RFQ already awarded: Rheinland accepted Westlake's quotation, which became
    an order draft for Rheinland to review and place (Kowloon Bay's is not chosen)."""
    buyer = members[GERMAN_BUYER]
    if Rfq.objects.filter(buyer=buyer, title=AWARDED_RFQ_TITLE).exists():
        return 0
    posted = rfq.rfq_create(
        buyer=buyer,
        data={
            "title": AWARDED_RFQ_TITLE,
            "description": "EN ISO 20471 class 2, orange, reflective tape, our logo "
            "embroidered on the back.",
            "category": "workwear-uniforms",
            "quantity": 1000,
            "unit": "piece",
            "target_unit_price": "9.00",
            "currency": "USD",
            "destination_country": "DE",
            "incoterm": "FOB",
            "deadline": now + timedelta(days=10),
        },
        now=now - timedelta(hours=2),
    )
    chosen = _quote(
        posted,
        members[TEXTILE_SUPPLIER],
        {
            "unit_price": "8.60",
            "lead_time_days": 30,
            "terms": "Logo embroidery included. Shipment from Shanghai.",
        },
        now - timedelta(minutes=90),
    )
    _quote(
        posted,
        members[TRADING_SUPPLIER],
        {
            "unit_price": "9.10",
            "lead_time_days": 21,
            "terms": "Logo embroidery USD 0.40 a piece extra.",
        },
        now - timedelta(minutes=80),
    )
    rfq.quotation_accept(quotation=chosen, actor=buyer, now=now)
    return 1


def _order(spec: DemoOrder, members: dict[str, Member], now: datetime) -> int:
    buyer, supplier = members[spec.buyer], members[spec.supplier]
    listing = _listing(supplier, spec.listing)
    if listing is None or Order.objects.filter(buyer=buyer, listing=listing).exists():
        return 0
    start = now - timedelta(minutes=10 * len(spec.steps))
    order = orders.order_place_from_listing(
        buyer=buyer,
        listing_id=listing.pk,
        quantity=spec.quantity,
        terms=spec.terms,
        by=buyer.user,
        now=start,
    )
    for n, step in enumerate(spec.steps, start=1):
        at = start + timedelta(minutes=10 * n)
        if step == "accept":
            orders.order_accept(order=order, member=supplier, by=supplier.user, now=at)
        elif step == "pay":
            orders.order_pay(order=order, member=buyer, method="test_card", by=buyer.user, now=at)
        elif step == "ship":
            orders.order_ship(
                order=order,
                member=supplier,
                carrier=CARRIER,
                tracking=TRACKING,
                by=supplier.user,
                now=at,
            )
        else:
            orders.order_confirm_receipt(order=order, member=buyer, by=buyer.user, now=at)
    return 1


DEMO_FEEDBACK = (
    # (rater, ratee, rating, comment) on the completed order between them (clause 3.6)
    (
        US_BUYER,
        TEXTILE_SUPPLIER,
        5,
        "Jackets arrived as agreed, embroidery clean, sizes exactly as ordered.",
    ),
    (TEXTILE_SUPPLIER, US_BUYER, 5, "Clear artwork and a prompt payment. Thank you."),
)


def _feedback(members: dict[str, Member], now: datetime) -> int:
    """Feedback both ways on the completed order: the supplier's rating shows in search."""
    made = 0
    for rater_email, ratee_email, rating, comment in DEMO_FEEDBACK:
        rater, ratee = members[rater_email], members[ratee_email]
        order = Order.objects.filter(
            buyer__in=[rater, ratee], supplier__in=[rater, ratee], status=OrderStatus.COMPLETED
        ).first()
        if order is None or Feedback.objects.filter(order=order, rater=rater).exists():
            continue
        feedback_give(
            order=order, member=rater, rating=rating, comment=comment, by=rater.user, now=now
        )
        made = 1
    return made


def demo_trade_load(*, now: datetime | None = None) -> int:
    """Load what is missing of the trade demo (the demo members and listings exist);
    answers how many parts were loaded, 0 when everything was there."""
    now = now or timezone.now()
    members = _members()
    if len(members) < len(TRADE_DEMO_EMAILS):
        return 0
    made = _conversation(members, now) + _open_rfq(members, now) + _awarded_rfq(members, now)
    for spec in DEMO_ORDERS:
        made += _order(spec, members, now)
    return made + _feedback(members, now)


@dataclass(frozen=True)
class TradeTour:
    open_rfq_id: int | None
    awarded_rfq_id: int | None
    orders: dict[str, int]


def trade_tour() -> TradeTour:
    """What the printed tour points at: the two RFQs and one demo order of each state."""
    open_rfq = Rfq.objects.filter(buyer__email=US_BUYER, title=OPEN_RFQ_TITLE).first()
    awarded = Rfq.objects.filter(buyer__email=GERMAN_BUYER, title=AWARDED_RFQ_TITLE).first()
    found: dict[str, int] = {}
    rows = (
        Order.objects.filter(buyer__email__in=(GERMAN_BUYER, US_BUYER))
        .order_by("pk")
        .values_list("status", "pk")
    )
    for status, pk in rows:
        found.setdefault(status, pk)
    states = (
        OrderStatus.DRAFT,
        OrderStatus.PLACED,
        OrderStatus.ACCEPTED,
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    )
    return TradeTour(
        open_rfq_id=open_rfq.pk if open_rfq else None,
        awarded_rfq_id=awarded.pk if awarded else None,
        orders={str(s): found[s] for s in states if s in found},
    )
