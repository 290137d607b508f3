"""Subscriptions to paid services and their invoices (issue 13, clauses 2.1-2.4, 5.9, 9.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = [
    "Invoice",
    "InvoiceCounter",
    "ServiceChange",
    "Subscription",
    "SubscriptionStatus",
    "SubscriptionSuspension",
]


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LAPSED = "lapsed", "Lapsed"


class Subscription(models.Model):
    """One member's subscription to a plan of a paid service (policy/paid_services.toml).

    The price and the benefits are copied at purchase: clause 2.4 keeps what the member paid
    for until `period_end` whatever later changes to the service reduce. `period_end` moves
    on at each renewal, and by the time a platform-caused suspension took (9.1)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="subscriptions"
    )
    service_key = models.CharField(max_length=64)
    plan_id = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    price = models.DecimalField(max_digits=14, decimal_places=4)
    months = models.PositiveSmallIntegerField()
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    benefits = models.JSONField(default=dict, help_text="Clause 2.4: what this period carries.")
    renewals = models.PositiveIntegerField(default=0)
    auto_renew = models.BooleanField(default=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "period_end"]),
            models.Index(fields=["member", "status"]),
        ]
        constraints = [
            # One running subscription per member and service.
            models.UniqueConstraint(
                fields=["member", "service_key"],
                condition=models.Q(status="active"),
                name="one_active_subscription_per_service",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="subscription_period_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} of {self.member_id} ({self.status})"


class SubscriptionSuspension(models.Model):
    """A time the subscription's service was not available to the member, and why: the
    member's failure to cooperate (5.9) or the platform (9.1). What it did to the period."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="suspensions"
    )
    cause = models.CharField(
        max_length=16, choices=[("member", "Member"), ("platform", "Platform")]
    )
    clause = models.CharField(max_length=16)
    start = models.DateTimeField()
    end = models.DateTimeField()
    extended_by = models.DurationField()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.cause} suspension of subscription {self.subscription_id}"


class ServiceChange(models.Model):
    """Clause 2.4: a change to a paid service, with its effect on each benefit. The latest
    change of a service gives the benefits new subscribers get; current subscribers keep
    reduced benefits until their period ends."""

    service_key = models.CharField(max_length=64, db_index=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    effects = models.JSONField(default=dict)
    subscribers = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Change of {self.service_key} at {self.at:%Y-%m-%d}"


class InvoiceCounter(models.Model):
    """The last invoice number an issuing entity used in a year: locked while an invoice is
    numbered, so numbers run without gaps per entity and year."""

    entity = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="one_counter_per_entity_year")
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.year}: {self.last}"


class Invoice(models.Model):
    """An invoice (and receipt: it is issued paid) from the member's contracting entity
    (2.1) to the member's registered address. Issuer and recipient are copied as they were."""

    number = models.CharField(max_length=40, unique=True)
    entity = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="invoices")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    issued_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=14, decimal_places=4)
    tax_total = models.DecimalField(max_digits=14, decimal_places=4)
    total = models.DecimalField(max_digits=14, decimal_places=4)
    issuer = models.JSONField(default=dict)
    bill_to = models.JSONField(default=dict)
    lines = models.JSONField(default=list)
    tax_lines = models.JSONField(default=list)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_provider = models.CharField(max_length=32, blank=True)
    payment_reference = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "year", "sequence"], name="invoice_number_per_entity_year"
            )
        ]

    def __str__(self) -> str:
        return self.number
