"""The liability cap (clause 8.8) on the member's console page, for staff whose role holds
`billing.view_liability_cap`: this year's and last year's cap with the figures behind it.
The member page is assembled in `trust.admin.members`; billing, above it, adds this panel."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tradepost.billing.selectors.liability import member_liability_cap
from tradepost.members.models import Member
from tradepost.money import money_display
from tradepost.trust.admin.members import MemberAdmin as TrustMemberAdmin

PANEL: Any = ("Liability cap (8.8)", {"fields": ("liability_cap",)})

if admin.site.is_registered(Member):
    admin.site.unregister(Member)


@admin.register(Member)
class MemberAdmin(TrustMemberAdmin):
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and request.user.has_perm("billing.view_liability_cap"):
            fieldsets.append(PANEL)
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "liability_cap"]

    @admin.display(description="Cap by calendar year")
    def liability_cap(self, obj: Member) -> SafeString:
        year = timezone.now().year
        rows = []
        for y in (year, year - 1):
            cap = member_liability_cap(obj, y)
            other = ", ".join(
                money_display(cap.fees_paid_by_currency[c], c) for c in cap.not_converted
            )
            rows.append(
                (
                    y,
                    money_display(cap.cap, cap.currency),
                    money_display(cap.fees_paid, cap.currency),
                    money_display(cap.statutory_amount, cap.currency),
                    "fees paid" if cap.basis == "fees" else "statutory amount",
                    f" (not converted: {other})" if other else "",
                )
            )
        first = member_liability_cap(obj, year)
        return format_html(
            "<p>Governing law: {} ({} days to file a claim)</p><ul>{}</ul>",
            first.governing_law,
            first.claim_window_days,
            format_html_join(
                "",
                "<li>{}: cap {} (fees paid {}, statutory {}; decided by {}){}</li>",
                rows,
            ),
        )
