"""Every edge of the order lifecycle through the services (issue 11), each with its event,
its audit row and its money; illegal steps refused with 409; the timers with time moved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import staff_create
from tests.trade.orders_helpers import make_parties, order_at
from tradepost.audit.models import AuditEntry
from tradepost.errors import Conflict
from tradepost.policy.trade import OrdersPolicy
from tradepost.trade.models.orders import Order, OrderEvent
from tradepost.trade.rules.orders import TRANSITIONS, Action, Actor
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trade.selectors.orders import order_money
from tradepost.trade.services import orders as services
from tradepost.trade.services.orders import OrderInvalidTransition

pytestmark = pytest.mark.django_db

EDGES = [(t, actor) for t in TRANSITIONS for actor in sorted(t.actors)]


@pytest.fixture
def delayed_release(monkeypatch):
    """Completion two days after delivery, so an order can rest in `delivered`."""
    monkeypatch.setattr(services, "_policy", lambda: OrdersPolicy(release_delay_days=2))


def _do(action: Action, actor: Actor, order: Order, buyer, supplier, staff):
    member = {Actor.BUYER: buyer, Actor.SUPPLIER: supplier}.get(actor)
    user = member.user if member else staff
    later = timezone.now() + timedelta(days=60)
    if action == Action.PLACE:
        return services.order_place(order=order, member=member, by=user)
    if action == Action.ACCEPT:
        return services.order_accept(order=order, member=member, by=user)
    if action == Action.DECLINE:
        return services.order_decline(order=order, member=member, by=user, reason="No stock.")
    if action == Action.PAY:
        return services.order_pay(order=order, member=member, method="test_transfer", by=user)
    if action == Action.SHIP:
        return services.order_ship(order=order, member=member, carrier="UPS", by=user)
    if action == Action.CONFIRM_RECEIPT:
        return services.order_confirm_receipt(order=order, member=member, by=user)
    if action == Action.EXTEND_RECEIPT:
        return services.order_extend_receipt(order=order, member=member, by=user)
    if action == Action.CANCEL:
        return services.order_cancel(
            order=order, member=member, by=user, staff=actor == Actor.STAFF, reason="Stop."
        )
    if action == Action.REFUND:
        return services.order_refund(order=order, by=user, reason="Decided for the buyer.")
    if action in (Action.CLOSE_UNPAID, Action.AUTO_CONFIRM, Action.COMPLETE):
        return services.order_timers_run(order=order, now=later)
    raise AssertionError(action)


@pytest.mark.parametrize(
    ("edge", "actor"), EDGES, ids=[f"{t.from_status}-{t.action}-{a}" for t, a in EDGES]
)
def test_each_edge_moves_the_order_and_records_it(edge, actor, delayed_release):
    buyer, supplier, listing = make_parties()
    staff = staff_create(username="ops")
    order = order_at(edge.from_status, buyer, supplier, listing)
    paid_before = order_money(order).paid
    events_before = OrderEvent.objects.filter(order=order).count()

    _do(edge.action, actor, order, buyer, supplier, staff)

    order.refresh_from_db()
    assert order.status == edge.to_status
    event = OrderEvent.objects.filter(order=order).order_by("at", "id")[events_before]
    assert (event.from_status, event.to_status, event.actor, event.action) == (
        edge.from_status,
        edge.to_status,
        actor.value,
        edge.action.value,
    )
    assert AuditEntry.objects.filter(
        action=f"order.{edge.action.value}", target_id=str(order.pk)
    ).exists()
    money = order_money(order)
    if edge.moves_money == "payment":
        assert money.paid == order.total
    if edge.moves_money == "refund":
        assert (money.refunded, money.held) == (paid_before, Decimal(0))
    assert ledger_check()["balanced"] is True


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [
        ("placed", Action.PAY, Actor.BUYER),
        ("placed", Action.SHIP, Actor.SUPPLIER),
        ("accepted", Action.ACCEPT, Actor.SUPPLIER),
        ("paid", Action.PAY, Actor.BUYER),
        ("paid", Action.CONFIRM_RECEIPT, Actor.BUYER),
        ("shipped", Action.CANCEL, Actor.BUYER),
        ("shipped", Action.SHIP, Actor.SUPPLIER),
        ("placed", Action.ACCEPT, Actor.BUYER),
        ("accepted", Action.PAY, Actor.SUPPLIER),
        ("paid", Action.SHIP, Actor.BUYER),
    ],
)
def test_an_illegal_step_is_refused_and_changes_nothing(status, action, actor):
    buyer, supplier, listing = make_parties()
    order = order_at(status, buyer, supplier, listing)
    events = OrderEvent.objects.filter(order=order).count()
    with pytest.raises(OrderInvalidTransition) as error:
        _do(action, actor, order, buyer, supplier, None)
    assert error.value.status == 409
    assert error.value.code == "order_invalid_transition"
    assert error.value.extra["from"] == status
    order.refresh_from_db()
    assert order.status == status
    assert OrderEvent.objects.filter(order=order).count() == events


def test_an_unpaid_order_closes_after_five_days_when_next_read():
    buyer, supplier, listing = make_parties()
    order = order_at("accepted", buyer, supplier, listing)
    assert order.pay_by == order.placed_at + timedelta(days=5)
    services.order_timers_run(order=order, now=order.pay_by - timedelta(minutes=1))
    assert order.status == "accepted"
    services.order_timers_run(order=order, now=order.pay_by)
    assert order.status == "cancelled"
    event = OrderEvent.objects.get(order=order, action="close_unpaid")
    assert (event.actor, event.data["rule"]) == ("platform", "orders.unpaid_close_days")


def test_receipt_is_confirmed_automatically_ten_days_after_shipment_and_funds_released():
    buyer, supplier, listing = make_parties()
    order = order_at("shipped", buyer, supplier, listing)
    assert order.receipt_due_at == order.shipped_at + timedelta(days=10)
    services.order_timers_run(order=order, now=order.shipped_at + timedelta(days=10))
    assert order.status == "completed"
    money = order_money(order)
    assert (money.released + money.fee, money.fee, money.held) == (
        Decimal("1250"),
        Decimal("37.50"),
        Decimal(0),
    )


def test_without_tracking_receipt_waits_thirty_days():
    buyer, supplier, listing = make_parties()
    order = order_at("paid", buyer, supplier, listing)
    services.order_ship(order=order, member=supplier, carrier="Own truck", by=supplier.user)
    assert order.receipt_due_at == order.shipped_at + timedelta(days=30)


def test_each_party_extends_the_receipt_deadline_once_by_fifteen_days():
    buyer, supplier, listing = make_parties()
    order = order_at("shipped", buyer, supplier, listing)
    first = order.receipt_due_at
    services.order_extend_receipt(order=order, member=buyer, by=buyer.user)
    assert order.receipt_due_at == first + timedelta(days=15)
    with pytest.raises(Conflict) as error:
        services.order_extend_receipt(order=order, member=buyer, by=buyer.user)
    assert error.value.code == "order_extension_used"
    services.order_extend_receipt(order=order, member=supplier, by=supplier.user)
    assert order.receipt_due_at == first + timedelta(days=30)
    assert (order.receipt_extended_by_buyer, order.receipt_extended_by_supplier) == (1, 1)


def test_the_sweep_moves_every_overdue_order():
    buyer, supplier, listing = make_parties()
    overdue = [order_at("placed", buyer, supplier, listing) for _ in range(2)]
    fresh = order_at("shipped", buyer, supplier, listing)
    moved = services.orders_timers_run_due(now=timezone.now() + timedelta(days=6))
    assert moved == 2
    assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in overdue])} == {"cancelled"}
    fresh.refresh_from_db()
    assert fresh.status == "shipped"


def test_the_total_is_locked_once_paid_and_lines_keep_the_tier():
    buyer, supplier, listing = make_parties()
    order = order_at("paid", buyer, supplier, listing, quantity=600)
    listing.price_tiers.update(unit_price=Decimal("99"))
    order.refresh_from_db()
    line = order.lines.get()
    assert (order.total, line.unit_price, line.tier_min_qty) == (
        Decimal("6600"),
        Decimal("11"),
        500,
    )
