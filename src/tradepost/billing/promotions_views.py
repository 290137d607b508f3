"""Promotion pages (clause 2.6): the member's promotions at `/account/promotions/` with
forms to buy a Top Ranking keyword and to start a Sponsored Listing campaign (payments by
the SIMULATED provider), and the click URL of a Sponsored ad, which records the click,
bills it when the rules allow, and always redirects to the listing."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.billing.selectors import promotions as selectors
from tradepost.billing.services import promotions as services
from tradepost.catalog.forms import _Plain
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError
from tradepost.http import client_ip
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.policy.promotions import load_promotions_policy

DEVICE_COOKIE = "tp_device"


def _listing_choices(member: Member) -> list[tuple[int, str]]:
    rows = Listing.objects.filter(supplier=member, status=ListingStatus.PUBLISHED).order_by("title")
    return [(pk, title) for pk, title in rows.values_list("pk", "title")[:500]]


class TopRankingForm(_Plain):
    prefix = "tr"
    listing_id = forms.TypedChoiceField(label=_("Listing"), coerce=int)
    keyword = forms.CharField(label=_("Keyword"), max_length=80)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=366, initial=7)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["listing_id"]).choices = _listing_choices(member)


class SponsoredForm(_Plain):
    prefix = "sp"
    listing_id = forms.TypedChoiceField(label=_("Listing"), coerce=int)
    keywords = forms.CharField(
        label=_("Keywords"), max_length=2000, help_text=_("One or more, separated by commas.")
    )
    currency = forms.ChoiceField(label=_("Currency"))
    bid = forms.DecimalField(label=_("Highest price per click"), min_value=0, max_digits=12)
    daily_budget = forms.DecimalField(label=_("Daily budget"), min_value=0, max_digits=12)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["listing_id"]).choices = _listing_choices(member)
        currencies = list(load_promotions_policy().sponsored.min_bid)
        cast(forms.ChoiceField, self.fields["currency"]).choices = [(c, c) for c in currencies]


def _fields_for(form: forms.Form) -> Any:
    return lambda key: key if key in form.fields else "__all__"


@member_required
@require_http_methods(["GET", "POST"])
def account_promotions(request: HttpRequest, member: Member) -> HttpResponse:
    """Clause 2.6: the member's Top Ranking keywords and Sponsored campaigns with their
    spend, and the forms to buy more."""
    top_form = TopRankingForm(member=member)
    ad_form = SponsoredForm(member=member)
    status = 200
    if request.method == "POST":
        if "tr-keyword" in request.POST:
            top_form = TopRankingForm(request.POST, member=member)
            if top_form.is_valid():
                try:
                    services.top_ranking_buy(
                        member=member, by=request.user, **top_form.cleaned_data
                    )
                except DomainError as exc:
                    form_add_domain_error(top_form, exc, field_for=_fields_for(top_form))
                else:
                    messages.success(request, _("Top Ranking keyword bought (SIMULATED payment)."))
                    return redirect("billing:account_promotions")
        else:
            ad_form = SponsoredForm(request.POST, member=member)
            if ad_form.is_valid():
                data = dict(ad_form.cleaned_data)
                data["keywords"] = [k for k in data["keywords"].split(",") if k.strip()]
                try:
                    services.sponsored_create(member=member, by=request.user, **data)
                except DomainError as exc:
                    form_add_domain_error(ad_form, exc, field_for=_fields_for(ad_form))
                else:
                    messages.success(request, _("Sponsored campaign created."))
                    return redirect("billing:account_promotions")
        status = 422
    now = timezone.now()
    policy = load_promotions_policy()
    context = {
        "top_rankings": [
            (p, selectors.is_running(p, now)) for p in selectors.top_rankings_of(member)[:100]
        ],
        "campaigns": list(selectors.campaigns_of(member)[:100]),
        "today": now.date(),
        "top_form": top_form,
        "ad_form": ad_form,
        "policy": policy,
        # Only a published listing can be promoted: without one, the forms would offer an
        # empty choice.
        "has_listings": bool(cast(forms.ChoiceField, top_form.fields["listing_id"]).choices),
    }
    return render(request, "billing/promotions/account.html", context, status=status)


def _device(request: HttpRequest) -> tuple[str, bool]:
    """The device a click comes from: its device cookie, set on the first click."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if value and len(value) <= 64 and value.isalnum():
        return value, False
    return secrets.token_hex(16), True


@never_cache
@require_safe
def promotion_click(request: HttpRequest, campaign_id: int, token: str) -> HttpResponse:
    """Clause 2.6: a click on a Sponsored ad, recorded and billed by the rules, then on to
    the listing (also when nothing is billed)."""
    device, new = _device(request)
    address = client_ip(request) or "unknown"
    client_key = hashlib.sha256(address.encode()).hexdigest()[:32]
    _click, listing_id = services.ad_click_record(
        campaign_id=campaign_id, token=token, client_key=client_key, device=device
    )
    if listing_id is None:
        raise Http404
    response = redirect(reverse("catalog:listing_detail", args=[listing_id]))
    if new:
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=365 * 86400, httponly=True, samesite="Lax"
        )
    return response
