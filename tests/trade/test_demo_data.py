"""`tradepost demo_data`'s trade demo: loaded once through the trade services, one order of
each state with its events and ledger transactions, the ledger balanced, no timer due, and
the pages the README's tour names answering 200 for the login it names."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tradepost.audit.models import AuditEntry
from tradepost.members.models import Member, User
from tradepost.trade.demo import (
    CARRIER,
    GERMAN_BUYER,
    TEXTILE_SUPPLIER,
    TRACKING,
    TRADING_SUPPLIER,
    US_BUYER,
    trade_tour,
)
from tradepost.trade.management.commands.demo_data import STAFF_USERNAME
from tradepost.trade.models import (
    Conversation,
    LedgerTransaction,
    Message,
    Order,
    OrderEvent,
    Quotation,
    Rfq,
)
from tradepost.trade.models.ledger import LedgerEntry
from tradepost.trade.models.orders import OrderStatus
from tradepost.trade.models.rfq import QuotationStatus, RfqStatus
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trade.selectors.orders import orders_with_timer_due

BACKEND = "tradepost.members.backends.MemberLoginBackend"
TRADE_MODELS = (
    Conversation,
    Message,
    Rfq,
    Quotation,
    Order,
    OrderEvent,
    LedgerTransaction,
    LedgerEntry,
)


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    """The demo data without the drawn pictures (most of its time), which trade does not use."""
    from tradepost.trade.management.commands import demo_data

    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(demo_data, "demo_images_load", lambda: 0)
    call_command("demo_data", stdout=io.StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TRADE_MODELS}


def test_running_demo_data_twice_changes_no_trade_object(demo):
    first = counts()
    out = io.StringIO()

    call_command("demo_data", stdout=out)

    assert out.getvalue().splitlines()[0] == "Demo data already loaded: nothing changed."
    assert counts() == first
    assert first["Conversation"] == 1
    assert first["Rfq"] == 2
    assert first["Quotation"] == 4
    assert first["Order"] == 6


def test_the_conversation_has_the_suppliers_reply_and_one_unread_message_for_the_buyer(demo):
    conversation = Conversation.objects.get()
    buyer = Member.objects.get(email=GERMAN_BUYER)
    supplier = Member.objects.get(email=TEXTILE_SUPPLIER)

    assert conversation.buyer == buyer
    assert conversation.listing is not None
    assert Message.objects.filter(conversation=conversation, sender=supplier).count() == 2
    assert Message.objects.filter(recipient=buyer, read_at__isnull=True).count() == 1
    assert Message.objects.filter(recipient=supplier, read_at__isnull=True).count() == 0


def test_one_rfq_is_open_with_two_quotations_and_one_is_awarded_to_an_order_draft(demo):
    tour = trade_tour()
    open_rfq = Rfq.objects.get(pk=tour.open_rfq_id)
    awarded = Rfq.objects.get(pk=tour.awarded_rfq_id)

    assert open_rfq.status == RfqStatus.OPEN
    assert open_rfq.buyer.email == US_BUYER
    quotes = Quotation.objects.filter(rfq=open_rfq)
    assert quotes.count() == 2
    assert len({q.supplier_id for q in quotes}) == 2
    assert awarded.status == RfqStatus.AWARDED
    accepted = Quotation.objects.get(rfq=awarded, status=QuotationStatus.ACCEPTED)
    assert Quotation.objects.get(rfq=awarded, status=QuotationStatus.NOT_CHOSEN)
    draft = Order.objects.get(quotation_id=accepted.pk)
    assert draft.status == OrderStatus.DRAFT
    assert accepted.order_ref == str(draft.pk)
    assert AuditEntry.objects.filter(action="rfq.awarded", target_id=str(awarded.pk)).count() == 1


def test_there_is_one_order_of_each_state_and_the_ledger_is_balanced(demo):
    statuses = sorted(Order.objects.values_list("status", flat=True))

    assert statuses == sorted(
        [
            OrderStatus.DRAFT,
            OrderStatus.PLACED,
            OrderStatus.ACCEPTED,
            OrderStatus.PAID,
            OrderStatus.SHIPPED,
            OrderStatus.COMPLETED,
        ]
    )
    shipped = Order.objects.get(status=OrderStatus.SHIPPED)
    assert (shipped.carrier, shipped.tracking) == (CARRIER, TRACKING)
    paid = Order.objects.get(status=OrderStatus.PAID)
    assert paid.payment_method == "test_card"
    completed = Order.objects.get(status=OrderStatus.COMPLETED)
    assert list(
        OrderEvent.objects.filter(order=completed).order_by("pk").values_list("action", flat=True)
    ) == ["create", "place", "accept", "pay", "ship", "confirm_receipt", "complete"]
    assert LedgerTransaction.objects.filter(reference=completed.reference).count() == 3
    assert ledger_check()["balanced"] is True


def test_the_completed_order_credited_the_supplier_less_the_fee(demo):
    completed = Order.objects.get(status=OrderStatus.COMPLETED)
    data = OrderEvent.objects.get(order=completed, action="complete").data

    assert Decimal(data["fee_rate"]) == Decimal("0.03")
    assert Decimal(data["fee"]) == (completed.total * Decimal("0.03")).quantize(Decimal("0.01"))
    assert Decimal(data["released"]) + Decimal(data["fee"]) == completed.total


def test_no_demo_order_has_a_timer_due_for_days(demo):
    assert list(orders_with_timer_due(now=timezone.now())) == []
    assert list(orders_with_timer_due(now=timezone.now() + timedelta(days=4))) == []


def _member_client(email: str) -> Client:
    client = Client()
    client.force_login(Member.objects.get(email=email).user, BACKEND)
    return client


def test_the_readme_tour_pages_answer_for_the_logins_it_names(demo):
    """The trade rows of the README's tour: each URL, as the login it names."""
    tour = trade_tour()
    german = _member_client(GERMAN_BUYER)
    us = _member_client(US_BUYER)
    supplier = _member_client(TEXTILE_SUPPLIER)
    staff = Client()
    staff.force_login(User.objects.get(username=STAFF_USERNAME))
    pages = [
        (german, "/messages/"),
        (supplier, "/messages/"),
        (_member_client(TRADING_SUPPLIER), "/rfqs/board/"),
        (us, "/my/rfqs/"),
        (us, f"/rfqs/{tour.open_rfq_id}/"),
        (german, f"/rfqs/{tour.awarded_rfq_id}/"),
        (german, "/my/orders/"),
        (us, "/my/orders/"),
        (supplier, "/my/orders/"),
        (us, f"/my/orders/{tour.orders['completed']}/"),
        (german, f"/my/orders/{tour.orders['shipped']}/"),
        (staff, "/console/trade/order/"),
        (staff, "/api/v1/staff/ledger/check"),
    ]

    answers = [(path, client.get(path).status_code) for client, path in pages]

    assert answers == [(path, 200) for _, path in pages]
