"""Dispute and feedback forms of the order page (issue 11, clauses 7.3, 3.6): plain POST
forms that go through the same services as the API and return to the order page with a
message. Settling moves money, so it runs through the Idempotency-Key helper with the
rendered form's key (a double submit settles once)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.trade.models.orders import Order
from tradepost.trade.selectors import orders as order_selectors
from tradepost.trade.selectors.disputes import dispute_of_order
from tradepost.trade.services import disputes as services
from tradepost.trade.services import feedback as feedback_services
from tradepost.trade.services.idempotency import idempotent_call
from tradepost.trade.services.orders import order_timers_run


def _order(member: Member, order_id: int) -> Order:
    try:
        order = order_selectors.order_for_party(member=member, order_id=order_id)
    except NotFound:
        raise Http404("Order not found.") from None
    return order_timers_run(order=order)


def _idempotent(request: HttpRequest, order: Order, action: str, run: Any) -> None:
    body = json.dumps({k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"})
    result = idempotent_call(
        user=request.user,
        key=request.POST.get("idempotency_key", ""),
        method="POST",
        path=reverse("trade:order_dispute", args=[order.pk]) + action,
        body=body.encode(),
        run=run,
    )
    if result.status >= 400:
        message = json.loads(result.body).get("error", {}).get("message", _("Refused."))
        raise DomainError(str(message))


@member_required
@require_POST
def order_dispute(request: HttpRequest, member: Member, order_id: int) -> HttpResponse:
    """Open a dispute (the buyer), respond (the supplier), escalate, or settle."""
    order = _order(member, order_id)
    action = request.POST.get("action", "")
    post = request.POST
    try:
        if action == "open":
            services.dispute_open(
                order=order,
                member=member,
                reason=post.get("reason", ""),
                refund_amount=post.get("refund_amount", "").strip(),
                statement=post.get("statement", ""),
                by=request.user,
            )
        else:
            dispute = dispute_of_order(order)
            if dispute is None:
                raise Http404("No dispute.")
            dispute = services.dispute_timers_run(dispute=dispute)
            if action == "respond":

                def respond() -> tuple[int, Any]:
                    services.dispute_respond(
                        dispute=dispute,
                        member=member,
                        statement=post.get("statement", ""),
                        accept_refund=bool(post.get("accept_refund")),
                        by=request.user,
                    )
                    return 200, {"id": dispute.pk}

                _idempotent(request, order, "respond", respond)
            elif action == "escalate":
                services.dispute_escalate(dispute=dispute, member=member, by=request.user)
            elif action == "settle":

                def settle() -> tuple[int, Any]:
                    services.dispute_settle(
                        dispute=dispute,
                        member=member,
                        refund_amount=post.get("refund_amount", "").strip(),
                        by=request.user,
                    )
                    return 200, {"id": dispute.pk}

                _idempotent(request, order, "settle", settle)
            else:
                raise DomainError(_("Unknown step."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect(reverse("trade:order", args=[order.pk]))


@member_required
@require_POST
def order_feedback(request: HttpRequest, member: Member, order_id: int) -> HttpResponse:
    """Give or edit feedback on a completed order (clause 3.6)."""
    order = _order(member, order_id)
    raw = request.POST.get("rating", "")
    rating: Any = int(raw) if raw.isdigit() else raw
    try:
        feedback, created = feedback_services.feedback_give(
            order=order,
            member=member,
            rating=rating,
            comment=request.POST.get("comment", ""),
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if feedback.status == "held":
            messages.success(request, _("Thank you: your feedback is held for a review first."))
        else:
            messages.success(
                request, _("Thank you for your feedback.") if created else _("Feedback updated.")
            )
    return redirect(reverse("trade:order", args=[order.pk]))
