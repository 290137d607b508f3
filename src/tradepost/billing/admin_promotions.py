"""Console lists of Promotion Services (clause 2.6), read-only: changes go through the
services (members buy; enforcement stops)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tradepost.billing.models.promotions import AdClick, SponsoredCampaign, TopRankingPurchase


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TopRankingPurchase)
class TopRankingPurchaseAdmin(_ReadOnly):
    list_display = (
        "keyword",
        "listing",
        "member",
        "starts_at",
        "ends_at",
        "price",
        "currency",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("keyword", "member__member_id", "member__company_name")
    list_select_related = ("listing", "member")


@admin.register(SponsoredCampaign)
class SponsoredCampaignAdmin(_ReadOnly):
    list_display = (
        "id",
        "listing",
        "member",
        "bid",
        "daily_budget",
        "currency",
        "spent_today",
        "spent_total",
        "status",
    )
    list_filter = ("status", "currency")
    search_fields = ("member__member_id", "member__company_name")
    list_select_related = ("listing", "member")


@admin.register(AdClick)
class AdClickAdmin(_ReadOnly):
    list_display = ("clicked_at", "campaign", "outcome", "billed", "amount", "client_key")
    list_filter = ("outcome", "billed")
    list_select_related = ("campaign",)
