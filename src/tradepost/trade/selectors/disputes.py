"""Reading disputes: the parties of the order see it (404 alike for "not there" and "not
yours"), staff see all; what was refunded comes from the ledger."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.trade.models.disputes import OPEN_STATUSES, Dispute
from tradepost.trade.models.orders import Order


def _not_found() -> NotFound:
    return NotFound(_("No such dispute."), code="dispute_not_found")


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def dispute_for_party(*, member: Member, dispute_id: Any) -> Dispute:
    if not _valid_id(dispute_id):
        raise _not_found()
    dispute = (
        Dispute.objects.select_related("order", "order__buyer", "order__supplier")
        .filter(Q(order__buyer=member) | Q(order__supplier=member), pk=dispute_id)
        .first()
    )
    if dispute is None:
        raise _not_found()
    return dispute


def dispute_for_staff(*, dispute_id: Any) -> Dispute:
    if not _valid_id(dispute_id):
        raise _not_found()
    dispute = (
        Dispute.objects.select_related("order", "order__buyer", "order__supplier")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        raise _not_found()
    return dispute


def dispute_of_order(order: Order) -> Dispute | None:
    return Dispute.objects.filter(order=order).first()


def order_dispute_open(order: Order | int) -> bool:
    """Clause 7.3: an open dispute holds the order (no completion, no release)."""
    order_id = order.pk if isinstance(order, Order) else order
    return Dispute.objects.filter(order_id=order_id, status__in=OPEN_STATUSES).exists()


def disputes_for_staff(*, status: str | None = None) -> QuerySet[Dispute]:
    qs = Dispute.objects.select_related("order", "order__buyer", "order__supplier")
    return qs.filter(status=status) if status else qs


def disputes_auto_escalation_due(*, now: Any) -> QuerySet[Dispute]:
    return Dispute.objects.filter(
        status__in=[OPEN_STATUSES[0], OPEN_STATUSES[1]], auto_escalate_at__lte=now
    ).order_by("pk")
