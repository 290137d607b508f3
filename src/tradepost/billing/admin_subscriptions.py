"""The operator console's subscriptions and invoices (issue 13): read-only lists; the
invoice PDF opens for staff. Writes go through `billing.services.subscriptions`."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tradepost.billing.models import Invoice, ServiceChange, Subscription, SubscriptionSuspension
from tradepost.console import ReadOnlyAdmin, ReadOnlyInline


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
    list_display = ("number", "member", "entity", "issued_at", "currency", "total", "pdf_link")
    list_filter = ("entity", "year", "currency")
    search_fields = ("number", "member__member_id", "member__company_name")
    list_select_related = ("member",)
    date_hierarchy = "issued_at"
    readonly_fields = ("pdf_link",)

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Invoice) -> SafeString:
        url = reverse("billing:invoice_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download PDF"))


@admin.register(ServiceChange)
class ServiceChangeAdmin(ReadOnlyAdmin):
    list_display = ("service_key", "at", "by", "subscribers", "reason")
    list_filter = ("service_key",)
