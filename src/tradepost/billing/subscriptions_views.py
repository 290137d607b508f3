"""The member's billing pages (issue 13): the current plan, the plans offered in the
member's region (2.3), upgrade with the SIMULATED test provider, invoices to download."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.billing.invoice_pdf import invoice_pdf
from tradepost.billing.selectors import subscriptions as selectors
from tradepost.billing.services import subscriptions as services
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.trade.services.idempotency import idempotent_call


def _offers(member: Member) -> list[dict[str, Any]]:
    rows = []
    for offered in selectors.services_offered_to_member(member):
        if not offered.service.is_paid:
            continue
        rows.append(
            {
                "service": offered.service,
                "benefits": offered.benefits,
                "limits": selectors.tier_limits(offered.benefits.get("tier", "")),
                "plans": offered.service.plans,
            }
        )
    return rows


@member_required
@require_safe
def billing_home(request: HttpRequest, member: Member) -> HttpResponse:
    """Current plan, plans offered in the member's region, subscriptions and invoices."""
    active = selectors.member_active_plan(member)
    benefits = selectors.member_membership_benefits(member)
    running = list(selectors.member_active_subscriptions(member))
    context = {
        "member": member,
        "active": active,
        "running_plans": {s.plan_id for s in running},
        "running_services": {s.service_key for s in running},
        "benefits": benefits,
        "limits": selectors.tier_limits(benefits.get("tier", "")),
        "offers": _offers(member),
        "subscriptions": list(selectors.subscriptions_of(member)[:50]),
        "invoices": list(selectors.invoices_of(member)[:50]),
    }
    return render(request, "billing/subscriptions/home.html", context)


def _plan_or_404(plan_id: str) -> Any:
    try:
        return selectors.plan_lookup(plan_id)
    except DomainError:
        raise Http404("No such plan.") from None


@member_required
@require_http_methods(["GET", "POST"])
def plan_confirm(request: HttpRequest, member: Member, plan_id: str) -> HttpResponse:
    """Confirm the plan and pay with the SIMULATED test provider; refusals show on the
    page (not offered in the region, agreement to accept, payment declined)."""
    service, plan = _plan_or_404(plan_id)
    error = ""
    status = 200
    if request.method == "POST":
        method = request.POST.get("method", "test_card")
        body = json.dumps({"plan_id": plan.id, "method": method}).encode()

        def run() -> tuple[int, Any]:
            purchase = services.subscription_start(
                member=member,
                plan_id=plan.id,
                method=method,
                by=request.user,
                ip=request.META.get("REMOTE_ADDR"),
            )
            return 201, {"invoice": purchase.invoice.pk}

        try:
            result = idempotent_call(
                user=request.user,
                key=request.POST.get("idempotency_key", ""),
                method="POST",
                path=reverse("billing:plan_confirm", args=[plan.id]),
                body=body,
                run=run,
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            answer = json.loads(result.body)
            if result.status == 201:
                return redirect(reverse("billing:invoice", args=[answer["invoice"]]) + "?paid=1")
            error = str(answer.get("error", {}).get("message", _("Payment failed.")))
            status = result.status
    gross = services.plan_gross(member, plan)
    context = {
        "service": service,
        "plan": plan,
        "gross": gross,
        "error": error,
        "idempotency_key": uuid.uuid4().hex,
        "active": selectors.member_active_plan(member),
    }
    return render(request, "billing/subscriptions/confirm.html", context, status=status)


def _invoice_or_404(request: HttpRequest, invoice_id: int) -> Any:
    try:
        return selectors.invoice_for_viewer(user=request.user, invoice_id=invoice_id)
    except NotFound:
        raise Http404("Invoice not found.") from None


@member_required
@require_safe
def invoice_detail(request: HttpRequest, member: Member, invoice_id: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_id)
    if invoice.member_id != member.pk:
        raise Http404("Invoice not found.")
    context = {"invoice": invoice, "paid": request.GET.get("paid") == "1"}
    return render(request, "billing/subscriptions/invoice.html", context)


@require_safe
def invoice_download(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice PDF for its member or staff (404 for anyone else)."""
    invoice = _invoice_or_404(request, invoice_id)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
