"""The console's RFQs and quotations (issue 11): read-only. Every change is the members'
own, through `trade.services.rfq` (with its audit row); staff look, they do not edit."""

from __future__ import annotations

from django.contrib import admin

from tradepost.console import ReadOnlyAdmin, ReadOnlyInline
from tradepost.trade.models.rfq import Quotation, Rfq, RfqAttachment


class QuotationInline(ReadOnlyInline):
    model = Quotation
    fields = ("supplier", "unit_price", "currency", "lead_time_days", "valid_until", "status")
    show_change_link = True


class AttachmentInline(ReadOnlyInline):
    model = RfqAttachment
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_at")


@admin.register(Rfq)
class RfqAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "title",
        "buyer",
        "category",
        "quantity",
        "currency",
        "destination_country",
        "deadline",
        "status",
    )
    list_filter = ("status", "currency")
    search_fields = ("title", "buyer__member_id", "buyer__company_name")
    list_select_related = ("buyer", "category")
    date_hierarchy = "created_at"
    inlines = [AttachmentInline, QuotationInline]


@admin.register(Quotation)
class QuotationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "rfq",
        "supplier",
        "unit_price",
        "currency",
        "lead_time_days",
        "valid_until",
        "status",
        "edit_count",
    )
    list_filter = ("status",)
    search_fields = ("supplier__member_id", "supplier__company_name", "rfq__title")
    list_select_related = ("rfq", "supplier")
