"""The operator console's subscriptions and invoices (issue 13): read-only lists; the
invoice PDF opens for staff. Changes to a paid service (2.4) are recorded through
`billing.services.subscriptions.service_change`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tradepost.billing.models import Invoice, ServiceChange, Subscription, SubscriptionSuspension
from tradepost.billing.services.subscriptions import service_change
from tradepost.catalog.policy import load_membership_tiers
from tradepost.console import ReadOnlyAdmin, ReadOnlyInline
from tradepost.policy.paid_services import load_paid_services_policy


class SuspensionInline(ReadOnlyInline):
    model = SubscriptionSuspension
    fields = ("cause", "clause", "start", "end", "extended_by", "reason")


class InvoiceInline(ReadOnlyInline):
    model = Invoice
    fields = ("number", "issued_at", "currency", "total", "payment_reference")
    show_change_link = True


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "member",
        "service_key",
        "plan_id",
        "price",
        "currency",
        "period_start",
        "period_end",
        "status",
        "auto_renew",
    )
    list_filter = ("status", "service_key", "currency")
    search_fields = ("member__member_id", "member__company_name", "plan_id")
    list_select_related = ("member",)
    date_hierarchy = "period_start"
    inlines = [SuspensionInline, InvoiceInline]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "pdf_link", "member", "entity", "issued_at", "currency", "total")
    list_filter = ("entity", "year", "currency")
    search_fields = ("number", "member__member_id", "member__company_name")
    list_select_related = ("member",)
    date_hierarchy = "issued_at"
    readonly_fields = ("pdf_link",)

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Invoice) -> SafeString:
        url = reverse("billing:invoice_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download PDF"))


class ServiceChangeForm(forms.ModelForm):
    """Clause 2.4: record a change to a paid service's benefits; leave a field empty to keep
    it. The service decides and records its effect on current subscribers."""

    service_key = forms.ChoiceField(label=_("Service"), choices=())
    tier = forms.ChoiceField(label=_("Membership tier"), choices=(), required=False)
    badge = forms.CharField(label=_("Badge"), max_length=60, required=False)
    remove_badge = forms.BooleanField(label=_("Remove the badge"), required=False)
    search_boost = forms.DecimalField(
        label=_("Search boost"), min_value=Decimal(1), max_value=Decimal(10), required=False
    )

    class Meta:
        model = ServiceChange
        fields = ["service_key", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "service_key" not in self.fields:
            return  # a recorded change: shown read-only
        services = [s for s in load_paid_services_policy().all() if s.is_paid]
        key_field, tier_field = self.fields["service_key"], self.fields["tier"]
        key_field.choices = [(s.key, s.name) for s in services]  # type: ignore[attr-defined]
        tier_field.choices = [  # type: ignore[attr-defined]
            ("", _("(unchanged)")),
            *load_membership_tiers().choices(),
        ]
        self.fields["reason"].required = True

    def benefits(self) -> dict[str, str]:
        data = self.cleaned_data
        benefits: dict[str, str] = {}
        if data.get("tier"):
            benefits["tier"] = data["tier"]
        if data.get("remove_badge"):
            benefits["badge"] = ""
        elif data.get("badge"):
            benefits["badge"] = data["badge"]
        if data.get("search_boost") is not None:
            benefits["search_boost"] = str(data["search_boost"])
        return benefits

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.benefits():
            raise forms.ValidationError(_("Change at least one benefit."))
        return data


@admin.register(ServiceChange)
class ServiceChangeAdmin(admin.ModelAdmin):
    """Changes to paid services (2.4), recorded through `service_change`; never edited."""

    form = ServiceChangeForm
    list_display = ("service_key", "at", "by", "subscribers", "reason")
    list_filter = ("service_key",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in ServiceChange._meta.fields if f.name != "id"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return ["service_key", "tier", "badge", "remove_badge", "search_boost", "reason"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: ServiceChange, form: Any, change: bool) -> None:
        saved = service_change(
            service_key=obj.service_key,
            benefits=form.benefits(),
            by=request.user,
            reason=obj.reason,
        )
        obj.pk, obj.at = saved.pk, saved.at

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
