"""RFQ pages (issue 11): post an RFQ (`/rfqs/new/`, pre-filled from a listing or storefront's
"Request a quotation"), the buyer's RFQs (`/my/rfqs/`), the suppliers' RFQ board
(`/rfqs/board/`), and an RFQ's page (`/rfqs/<id>/`): for its buyer the quotations side by
side with an accept button each, for a supplier the RFQ with its quote (or edit) form.
Plain forms that work without JavaScript; every refusal shows on the form."""

from __future__ import annotations

from datetime import UTC
from typing import Any, cast

import pycountry
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tradepost.catalog.forms import UNITS, country_choices, currency_choices
from tradepost.catalog.rules import INCOTERMS_2020
from tradepost.catalog.selectors import category_tree
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.trade.models.rfq import Quotation, QuotationStatus, Rfq, RfqStatus
from tradepost.trade.rules import rfq as rules
from tradepost.trade.selectors import rfq as selectors
from tradepost.trade.services import rfq as services

BOARD_PAGE_SIZE = 20
TIER_ROWS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def category_options() -> list[tuple[str, Any]]:
    """Every active category, parents too (an RFQ may ask a whole branch), grouped by top."""

    def walk(nodes: list[dict], trail: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for node in nodes:
            label = f"{trail} › {node['name']}" if trail else node["name"]
            out += [(node["slug"], label), *walk(node["children"], label)]
        return out

    groups: list[tuple[str, Any]] = [("", _("Choose a category"))]
    for top in category_tree():
        everything = (top["slug"], _("All of %(name)s") % {"name": top["name"]})
        groups.append((top["name"], [everything, *walk(top["children"], "")]))
    return groups


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc, field_for=lambda key: key.split("[")[0])

    def error_summary(self) -> list[dict[str, str]]:
        """Every error with the id of its field, for the summary at the top (GOV.UK)."""
        out: list[dict[str, str]] = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            label = str(field.label) if field is not None and name != "__all__" else ""
            anchor = f"id_{name}" if label else ""
            out += [{"id": anchor, "label": label, "message": str(e)} for e in errors]
        return out


class RfqForm(_Form):
    title = forms.CharField(label=_("What do you need?"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Specification, materials, certificates, packaging."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNITS)
    target_unit_price = forms.CharField(
        label=_("Target unit price"), max_length=32, help_text=_("For example 12.50")
    )
    currency = forms.ChoiceField(label=_("Currency"))
    destination_country = forms.ChoiceField(label=_("Destination country"))
    incoterm = forms.ChoiceField(
        label=_("Incoterm"),
        required=False,
        choices=[("", "—"), *((code, f"{code} – {name}") for code, name in INCOTERMS_2020.items())],
    )
    deadline = forms.DateTimeField(
        label=_("Quotations until (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Drawings or pictures: PDF, JPEG, PNG or WebP; at most 5 files of 10 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("category", category_options()),
            ("currency", currency_choices()),
            ("destination_country", [("", _("Choose a country")), *country_choices()]),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class QuotationForm(_Form):
    unit_price = forms.CharField(label=_("Unit price"), max_length=32)
    currency = forms.CharField(widget=forms.HiddenInput)
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), min_value=0, max_value=rules.LEAD_TIME_MAX_DAYS
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    terms = forms.CharField(
        label=_("Terms"),
        max_length=rules.TERMS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Payment, shipping and warranty terms, as you offer them."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, TIER_ROWS + 1):
            self.fields[f"tier_{n}_quantity"] = forms.IntegerField(
                label=_("From quantity (tier %(n)s)") % {"n": n}, required=False, min_value=1
            )
            self.fields[f"tier_{n}_price"] = forms.CharField(
                label=_("Unit price (tier %(n)s)") % {"n": n}, required=False, max_length=32
            )

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(
            self,
            exc,
            field_for=lambda key: "tier_1_quantity" if key.startswith("price_tiers") else key,
        )

    def data_for_service(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("unit_price", "currency", "lead_time_days")}
        data["valid_until"] = self.cleaned_data["valid_until"]
        data["terms"] = self.cleaned_data["terms"]
        data["price_tiers"] = [
            {"min_quantity": qty, "unit_price": self.cleaned_data.get(f"tier_{n}_price") or ""}
            for n in range(1, TIER_ROWS + 1)
            if (qty := self.cleaned_data.get(f"tier_{n}_quantity"))
        ]
        return data


def _quotation_initial(q: Quotation) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "unit_price": q.unit_price.normalize(),
        "currency": q.currency,
        "lead_time_days": q.lead_time_days,
        "valid_until": q.valid_until,
        "terms": q.terms,
    }
    for n, tier in enumerate(q.price_tiers[:TIER_ROWS], start=1):
        initial[f"tier_{n}_quantity"] = tier["min_quantity"]
        initial[f"tier_{n}_price"] = tier["unit_price"]
    return initial


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


# --- Buyers ------------------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def rfq_create(request: HttpRequest, member: Member) -> HttpResponse:
    """Post an RFQ; `?category=&title=` pre-fill it (the "Request a quotation" links)."""
    initial = {
        "category": request.GET.get("category", "")[:80],
        "title": request.GET.get("title", "")[:200],
        "unit": "piece",
        "currency": "USD",
    }
    form = RfqForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
            try:
                rfq = services.rfq_create(
                    buyer=member, data=data, attachments=form.cleaned_data["attachments"]
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Your RFQ is posted: suppliers can quote now."))
                return redirect(reverse("trade:rfq_detail", args=[rfq.pk]))
        status = 422
    return render(request, "trade/rfq/form.html", {"form": form}, status=status)


@member_required
@require_safe
def my_rfqs(request: HttpRequest, member: Member) -> HttpResponse:
    services.rfqs_expire_due()
    rows = list(selectors.rfqs_of_buyer(buyer=member)[:200])
    counts = selectors.quotation_counts(rfq_ids=[r.pk for r in rows])
    for r in rows:
        r.quotation_count = counts.get(r.pk, 0)  # type: ignore[attr-defined]
    return render(request, "trade/rfq/mine.html", {"rfqs": rows})


# --- Suppliers ---------------------------------------------------------------------------


@member_required
@require_safe
def rfq_board(request: HttpRequest, member: Member) -> HttpResponse:
    """Open RFQs in the categories the supplier lists products in, with filters."""
    if not member.is_supplier:
        return render(request, "catalog/not_a_supplier.html", status=403)
    services.rfqs_expire_due()
    categories = selectors.rfq_board_categories(supplier=member)
    category = request.GET.get("category", "")
    category = category if category in {slug for slug, _ in categories} else ""
    destination = request.GET.get("destination", "").upper()[:2]
    destination = destination if pycountry.countries.get(alpha_2=destination) else ""
    board = selectors.rfq_board(supplier=member, category=category, destination=destination)
    page = Paginator(board, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    quoted = set(
        Quotation.objects.filter(supplier=member, rfq__in=[r.pk for r in page]).values_list(
            "rfq_id", flat=True
        )
    )
    context = {
        "page": page,
        "categories": categories,
        "category": category,
        "destination": destination,
        "countries": country_choices(),
        "quoted": quoted,
        "quota": services.quote_quota_for(member, now=timezone.now()),
        "query": "&".join(
            f"{k}={v}" for k, v in (("category", category), ("destination", destination)) if v
        ),
    }
    return render(request, "trade/rfq/board.html", context)


# --- One RFQ -----------------------------------------------------------------------------


def _rfq_or_404(member: Member, rfq_id: int) -> Rfq:
    try:
        return selectors.rfq_for_member(member=member, rfq_id=rfq_id)
    except NotFound:
        raise Http404("RFQ not found.") from None


@member_required
@require_http_methods(["GET", "POST"])
def rfq_detail(request: HttpRequest, member: Member, rfq_id: int) -> HttpResponse:
    """The buyer's comparison of quotations, or the supplier's RFQ with its quote form."""
    services.rfqs_expire_due(rfq_ids=[rfq_id])
    rfq = _rfq_or_404(member, rfq_id)
    is_buyer = rfq.buyer_id == member.pk
    own = None if is_buyer else selectors.own_quotation(rfq=rfq, supplier=member)
    form: QuotationForm | None = None
    status = 200
    editable = bool(
        own
        and own.status == QuotationStatus.SUBMITTED
        and own.edit_count < rules.QUOTATION_EDITS_ALLOWED
        and rfq.status == RfqStatus.OPEN
    )
    if not is_buyer and rfq.status == RfqStatus.OPEN and (own is None or editable):
        initial = (
            _quotation_initial(own)
            if own
            else {"currency": rfq.currency, "tier_1_quantity": rfq.quantity}
        )
        form = QuotationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            raise Http404("Nothing to send on this RFQ.")
        if form.is_valid():
            try:
                if own is None:
                    services.quotation_submit(
                        rfq=rfq, supplier=member, data=form.data_for_service()
                    )
                    done = _("Your quotation is sent to the buyer.")
                else:
                    services.quotation_edit(
                        quotation=own, supplier=member, data=form.data_for_service()
                    )
                    done = _("Your quotation is updated. It cannot be edited again.")
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, done)
                return redirect(reverse("trade:rfq_detail", args=[rfq.pk]))
        status = 422
    quotations = list(selectors.quotations_visible(rfq=rfq, member=member))
    for q in quotations:
        # The price the order draft would take: the quotation's tier for the RFQ's quantity.
        price, _tier = rules.quotation_unit_price(
            unit_price=q.unit_price, price_tiers=list(q.price_tiers or []), quantity=rfq.quantity
        )
        q.price_at_quantity = price  # type: ignore[attr-defined]
        q.total = price * rfq.quantity  # type: ignore[attr-defined]
    quotations.sort(key=lambda q: (q.price_at_quantity, q.pk))  # type: ignore[attr-defined]
    context = {
        "rfq": rfq,
        "is_buyer": is_buyer,
        "quotations": quotations,
        "own": own,
        "form": form,
        "editing": own is not None and form is not None,
        "destination": country_name(rfq.destination_country),
        "today": timezone.now().astimezone(UTC).date(),
    }
    return render(request, "trade/rfq/detail.html", context, status=status)


@member_required
@require_safe
def rfq_attachment(request: HttpRequest, member: Member, rfq_id: int, file_id: int) -> HttpResponse:
    """An attachment, as a download (never rendered in the site's origin)."""
    rfq = _rfq_or_404(member, rfq_id)
    row = rfq.attachments.filter(pk=file_id).first()
    if row is None:
        raise Http404("Attachment not found.")
    response = FileResponse(
        row.file.open("rb"),
        content_type=row.content_type,
        as_attachment=True,
        filename=row.original_name,
    )
    return cast(HttpResponse, response)  # a streaming response, as the decorator passes it on


@member_required
@require_POST
def quotation_accept(request: HttpRequest, member: Member, quotation_id: int) -> HttpResponse:
    try:
        quotation = selectors.quotation_for_member(member=member, quotation_id=quotation_id)
    except NotFound:
        raise Http404("Quotation not found.") from None
    try:
        order_id = services.quotation_accept(quotation=quotation, actor=member)[1]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("trade:rfq_detail", args=[quotation.rfq_id]))
    messages.success(
        request,
        _("You accepted the quotation of %(supplier)s: here is the order draft to place.")
        % {"supplier": quotation.supplier.company_name},
    )
    return redirect(reverse("trade:order", args=[order_id]))
