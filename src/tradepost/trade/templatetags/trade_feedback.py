"""Template tags of trade for other apps' pages and the order page (issue 11):
`{% supplier_rating member %}` (the rating on storefronts and listing supplier cards, so
catalog templates need not import trade), `{% supplier_feedback member %}` (the recent
comments on the storefront), and the dispute and feedback panels of an order."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tradepost.policy.trade import load_trade_policy
from tradepost.trade.models.orders import OrderStatus
from tradepost.trade.rules import disputes as dispute_rules
from tradepost.trade.rules.orders import Actor
from tradepost.trade.selectors.disputes import dispute_of_order
from tradepost.trade.selectors.feedback import (
    feedback_of_order,
    member_feedback_recent,
    member_rating,
)
from tradepost.trade.services.disputes import dispute_timers_run

register = template.Library()


@register.inclusion_tag("trade/feedback/_rating.html")
def supplier_rating(member: Any) -> dict[str, Any]:
    """Clause 3.6: the average of counted feedback and how many."""
    rating = member_rating(member) if member is not None else None
    return {"rating": rating}


@register.inclusion_tag("trade/feedback/_recent.html")
def supplier_feedback(member: Any) -> dict[str, Any]:
    """Clause 3.6: the recent counted feedback, as the public API lists it (no rater names)."""
    limit = load_trade_policy().feedback.recent_entries
    return {"entries": list(member_feedback_recent(member, limit=limit)) if member else []}


@register.inclusion_tag("trade/disputes/_panel.html", takes_context=True)
def order_dispute_panel(context: template.Context) -> dict[str, Any]:
    order, role = context["order"], context["role"]
    dispute = dispute_of_order(order)
    if dispute is not None:
        dispute = dispute_timers_run(dispute=dispute)
    policy = load_trade_policy()
    window = dispute_rules.open_window(
        status=order.status,
        now=timezone.now(),
        delivered_at=order.delivered_at,
        shipped_at=order.shipped_at,
        deliver_by=order.deliver_by,
        has_tracking=bool(order.tracking),
        policy=policy.disputes,
        orders_policy=policy.orders,
    )
    steps = dispute_rules.dispute_next_actions(dispute.status, Actor(role)) if dispute else []
    return {
        "order": order,
        "role": role,
        "dispute": dispute,
        "steps": steps,
        "can_open": dispute is None and role == "buyer" and window.allowed,
        "window": window,
        "csrf_token": context.get("csrf_token"),
        "idempotency_key": uuid.uuid4().hex,
    }


@register.inclusion_tag("trade/feedback/_form.html", takes_context=True)
def order_feedback_panel(context: template.Context) -> dict[str, Any]:
    order = context["order"]
    member_pk = order.buyer_id if context["role"] == "buyer" else order.supplier_id
    mine = next((f for f in feedback_of_order(order.pk) if f.rater_id == member_pk), None)
    return {
        "order": order,
        "completed": order.status == OrderStatus.COMPLETED,
        "mine": mine,
        "editable": mine is None
        or (mine.status != "voided" and timezone.now() <= mine.editable_until),
        "csrf_token": context.get("csrf_token"),
    }


DISPUTE_EVENT_LABELS = {
    "dispute_open": _("Dispute opened"),
    "dispute_respond": _("Dispute: the supplier responded"),
    "dispute_escalate": _("Dispute escalated to staff"),
    "dispute_auto_escalate": _("Dispute escalated automatically"),
    "dispute_propose": _("Dispute: settlement offered"),
    "dispute_settle": _("Dispute settled"),
    "dispute_decide": _("Dispute decided by staff"),
}


@register.filter
def timeline_label(event: Any) -> Any:
    """What an order's timeline shows for an event: the dispute step, or the status."""
    return DISPUTE_EVENT_LABELS.get(event.action) or event.get_to_status_display()
