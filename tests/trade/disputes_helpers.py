"""Set-up for the dispute tests: an order at a step, a dispute opened, time moved."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.trade.orders_helpers import order_at
from tradepost.trade.models.disputes import Dispute
from tradepost.trade.models.orders import Order


def shipped_order_due(buyer, supplier, listing):
    """A shipped order whose agreed delivery date has passed (nothing arrived): a dispute
    may open, and the receipt timer is still running."""
    order = order_at("shipped", buyer, supplier, listing)
    Order.objects.filter(pk=order.pk).update(deliver_by=(timezone.now() - timedelta(days=1)).date())
    order.refresh_from_db()
    return order


def open_dispute(client, order_id, *, reason="not_received", amount="100", statement="Nothing"):
    return client.post(
        f"/orders/{order_id}/disputes",
        {"reason": reason, "refund_amount": amount, "statement": statement},
    )


def age_dispute(dispute_id: int, days: float) -> None:
    """Move the dispute `days` into its life (its clock back by as much)."""
    delta = timedelta(days=days)
    d = Dispute.objects.get(pk=dispute_id)
    Dispute.objects.filter(pk=dispute_id).update(
        opened_at=d.opened_at - delta,
        respond_by=d.respond_by - delta,
        escalate_from=d.escalate_from - delta,
        auto_escalate_at=d.auto_escalate_at - delta,
    )
