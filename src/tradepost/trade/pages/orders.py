"""Order pages (issue 11, clause 7.1): the order form from a listing (with the quantity the
buyer typed there), the member's orders as buyer and as supplier, and an order's page with
its timeline and the next-step buttons. Plain forms that work without JavaScript; every step
goes through the same services as the API, paying through the same Idempotency-Key helper
(a key per rendered form, so a double submit pays once). Payments use the SIMULATED test
provider, and the page says so."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.catalog.selectors import listing_published
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.trade.models.orders import Order
from tradepost.trade.payments import payment_provider
from tradepost.trade.rules.orders import Action, next_actions
from tradepost.trade.selectors import orders as selectors
from tradepost.trade.services import orders as services
from tradepost.trade.services.idempotency import idempotent_call


class OrderForm(forms.Form):
    quantity = forms.IntegerField(label=_lazy("Quantity"), min_value=1)
    terms = forms.CharField(
        label=_lazy("Your terms (optional)"),
        help_text=_lazy("Payment, shipping, warranty: stored exactly as you write them."),
        required=False,
        strip=False,
        max_length=services.MAX_TERMS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_lazy("Carrier"), max_length=100)
    tracking = forms.CharField(
        label=_lazy("Tracking number"),
        max_length=100,
        required=False,
        help_text=_lazy("Without tracking, receipt is confirmed automatically after 30 days."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _listing_or_404(listing_id: int) -> Any:
    try:
        return listing_published(listing_id=listing_id)
    except NotFound:
        raise Http404("Listing not found.") from None


@member_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, member: Member, listing_id: int) -> HttpResponse:
    """The order form from a listing: quantity (from ?qty=) and the buyer's own terms."""
    listing = _listing_or_404(listing_id)
    initial = {"quantity": request.GET.get("qty", "").strip()[:12] or listing.moq}
    form = OrderForm(request.POST or None, initial=initial)
    status = 200
    try:
        services.order_member_guard(member, step="place")
    except DomainError as exc:
        context = {"listing": listing, "refused": exc.message, "tiers": []}
        return render(request, "trade/orders/new.html", context, status=403)
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.order_place_from_listing(
                    buyer=member,
                    listing_id=listing.pk,
                    quantity=form.cleaned_data["quantity"],
                    terms=form.cleaned_data["terms"],
                    by=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Your order is placed; the supplier will answer."))
                return redirect(reverse("trade:order", args=[order.pk]))
        status = 422
    context = {"listing": listing, "form": form, "tiers": list(listing.price_tiers.all())}
    return render(request, "trade/orders/new.html", context, status=status)


@member_required
@require_safe
def my_orders(request: HttpRequest, member: Member) -> HttpResponse:
    role = request.GET.get("role")
    role = role if role in ("buyer", "supplier") else None
    due = selectors.orders_for_member(member=member).filter(
        pk__in=selectors.orders_with_timer_due(now=timezone.now()).values("pk")
    )
    for order in due:
        services.order_timers_run(order=order)
    rows = list(selectors.orders_for_member(member=member, role=role)[:200])
    return render(
        request,
        "trade/orders/list.html",
        {"orders": rows, "role": role, "member": member},
    )


def _order_or_404(member: Member, order_id: int) -> Order:
    try:
        order = selectors.order_for_party(member=member, order_id=order_id)
    except NotFound:
        raise Http404("Order not found.") from None
    return services.order_timers_run(order=order)


def _pay(request: HttpRequest, member: Member, order: Order) -> str | None:
    """Pay through the Idempotency-Key helper with the form's key; the error text or None."""
    method = request.POST.get("method", "")
    body = json.dumps({"method": method}).encode()

    def run() -> tuple[int, Any]:
        fresh = _order_or_404(member, order.pk)
        services.order_pay(order=fresh, member=member, method=method, by=request.user)
        return 200, {"id": order.pk, "status": fresh.status}

    result = idempotent_call(
        user=request.user,
        key=request.POST.get("idempotency_key", ""),
        method="POST",
        path=reverse("trade:order", args=[order.pk]) + "pay",
        body=body,
        run=run,
    )
    if result.status == 200:
        return None
    return str(json.loads(result.body).get("error", {}).get("message", _("Payment failed.")))


@member_required
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, member: Member, order_id: int) -> HttpResponse:
    """The order, its money (from the ledger), its timeline, and the next steps."""
    order = _order_or_404(member, order_id)
    ship_form = ShipForm(request.POST if request.POST.get("action") == "ship" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        error: str | None = None
        try:
            if action == "pay":
                error = _pay(request, member, order)
            elif action == "place":
                services.order_place(order=order, member=member, by=request.user)
            elif action == "accept":
                services.order_accept(order=order, member=member, by=request.user)
            elif action == "decline":
                services.order_decline(order=order, member=member, by=request.user)
            elif action == "ship":
                if not ship_form.is_valid():
                    error = _("Name the carrier.")
                else:
                    services.order_ship(
                        order=order,
                        member=member,
                        carrier=ship_form.cleaned_data["carrier"],
                        tracking=ship_form.cleaned_data["tracking"],
                        by=request.user,
                    )
            elif action == "confirm_receipt":
                services.order_confirm_receipt(order=order, member=member, by=request.user)
            elif action == "extend_receipt":
                services.order_extend_receipt(order=order, member=member, by=request.user)
            elif action == "cancel":
                services.order_cancel(
                    order=order,
                    member=member,
                    by=request.user,
                    reason=request.POST.get("reason", "")[:2000],
                )
            else:
                error = _("Unknown step.")
        except DomainError as exc:
            error = exc.message
        if error is None:
            messages.success(request, _("Done."))
            return redirect(reverse("trade:order", args=[order.pk]))
        messages.error(request, error)
        status = 409 if action != "ship" else 422
        order.refresh_from_db()
    role = selectors.order_party(order, member)
    provider = payment_provider()
    context = {
        "order": order,
        "role": role.value,
        "money": selectors.order_money(order),
        "lines": list(order.lines.all()),
        "events": list(order.events.all()),
        "steps": {a.value for a in next_actions(order.status, role)},
        "ship_form": ship_form,
        "idempotency_key": uuid.uuid4().hex,
        "provider": provider,
        "Action": Action,
    }
    return render(request, "trade/orders/detail.html", context, status=status)
