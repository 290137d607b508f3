"""Console: orders, read-only (issue 11). Each order's page shows its lines, its timeline and
the ledger entries of its money movements; changes go through the order services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tradepost.console import ReadOnlyAdmin, ReadOnlyInline
from tradepost.money import decimal_str
from tradepost.trade.models.orders import Order, OrderEvent, OrderLine
from tradepost.trade.selectors.orders import order_ledger_entries, order_money


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = (
        "description",
        "quantity",
        "unit",
        "unit_price",
        "tier_min_qty",
        "amount",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = readonly_fields = ("at", "action", "from_status", "to_status", "actor", "by", "data")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "status", "buyer", "supplier", "total", "currency", "created_at")
    list_filter = ("status", "currency", "payment_provider")
    search_fields = ("=id", "buyer__member_id", "supplier__member_id", "tracking")
    date_hierarchy = "created_at"
    list_select_related = ("buyer", "supplier")
    inlines = (OrderLineInline, OrderEventInline)
    readonly_fields = ("money", "ledger_entries")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Money (from the ledger)")
    def money(self, obj: Order) -> str:
        m = order_money(obj)
        return (
            f"paid {decimal_str(m.paid)}, refunded {decimal_str(m.refunded)}, released "
            f"{decimal_str(m.released)}, fee {decimal_str(m.fee)} "
            f"(given back {decimal_str(m.fee_reversed)}), held {decimal_str(m.held)} "
            f"{obj.currency}"
        )

    @admin.display(description="Ledger entries")
    def ledger_entries(self, obj: Order) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    e.transaction_id,
                    e.transaction.get_kind_display(),
                    e.account.key,
                    decimal_str(e.amount),
                    e.currency,
                )
                for e in order_ledger_entries(obj)
            ),
        )
        return format_html(
            "<table><thead><tr><th>Transaction</th><th>Kind</th><th>Account</th>"
            "<th>Amount</th><th>Currency</th></tr></thead><tbody>{}</tbody></table>",
            rows or "",
        )
