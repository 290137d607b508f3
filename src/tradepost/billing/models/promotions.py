"""Promotion Services (clause 2.6): Top Ranking keyword purchases, Sponsored Listing
campaigns and their clicks."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from tradepost.catalog.models import Listing
from tradepost.members.models import Member

__all__ = [
    "AdClick",
    "ClickOutcome",
    "PromotionStatus",
    "SponsoredCampaign",
    "SponsoredKeyword",
    "TopRankingKeyword",
    "TopRankingPurchase",
]


class PromotionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    # Clause 2.6 and 6.2: enforcement stopped it (a restricted or suspended member).
    STOPPED = "stopped", _("Stopped by enforcement")
    ENDED = "ended", _("Ended")


class TopRankingKeyword(models.Model):
    """One row per normalised keyword: purchases of a keyword lock it, so two buyers of the
    last slot are served one after the other (no check-then-act)."""

    keyword = models.CharField(max_length=80, unique=True)

    def __str__(self) -> str:
        return self.keyword


class TopRankingPurchase(models.Model):
    """Clause 2.6: a member's listing in the top slots for searches matching `keyword`
    from `starts_at` to `ends_at`, paid in full at purchase."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="+")
    keyword = models.CharField(max_length=80, db_index=True)
    days = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    price_per_day = models.DecimalField(max_digits=14, decimal_places=4)
    price = models.DecimalField(max_digits=14, decimal_places=4)
    status = models.CharField(
        max_length=10, choices=PromotionStatus.choices, default=PromotionStatus.ACTIVE
    )
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["keyword", "status", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.keyword} ({self.listing_id})"


class SponsoredCampaign(models.Model):
    """Clause 2.6: cost-per-click ads for a listing on `keywords`, at most `bid` a click and
    never more than `daily_budget` a day (`spent_today` counts the day `spent_day`)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="+")
    keywords = models.JSONField(default=list)
    bid = models.DecimalField(max_digits=14, decimal_places=4)
    daily_budget = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=PromotionStatus.choices, default=PromotionStatus.ACTIVE
    )
    spent_day = models.DateField(null=True, blank=True)
    spent_today = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    spent_total = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"campaign {self.pk} ({self.listing_id})"


class SponsoredKeyword(models.Model):
    """The campaign's keywords, normalised, one row each: what search looks ads up by."""

    campaign = models.ForeignKey(
        SponsoredCampaign, on_delete=models.CASCADE, related_name="keyword_rows"
    )
    keyword = models.CharField(max_length=80, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "keyword"], name="sponsored_kw_unique")
        ]

    def __str__(self) -> str:
        return self.keyword


class ClickOutcome(models.TextChoices):
    BILLED = "billed", _("Billed")
    REPEAT = "repeat", _("Repeat within the billing window")
    BURST = "burst", _("Burst from one client or device")
    BUDGET = "budget", _("Daily budget spent")
    STOPPED = "stopped", _("Campaign not running")
    BAD_LINK = "bad_link", _("Link expired or altered")


class AdClick(models.Model):
    """Every click on a Sponsored ad, billed or not, and why (clause 2.6 fraud rules)."""

    campaign = models.ForeignKey(SponsoredCampaign, on_delete=models.CASCADE, related_name="clicks")
    client_key = models.CharField(max_length=64)
    device = models.CharField(max_length=64)
    clicked_at = models.DateTimeField()
    day = models.DateField()
    billed = models.BooleanField(default=False)
    amount = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    outcome = models.CharField(max_length=10, choices=ClickOutcome.choices)

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "client_key", "clicked_at"]),
            models.Index(fields=["client_key", "clicked_at"]),
            models.Index(fields=["device", "clicked_at"]),
        ]

    def __str__(self) -> str:
        return f"click {self.pk} ({self.outcome})"
