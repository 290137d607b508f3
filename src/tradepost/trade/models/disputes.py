"""Disputes (issue 11, clauses 7.3, 7.6): a buyer's claim on a shipped, delivered or
completed order, the supplier's response, escalation to staff, and how it ended (a
settlement between the parties or a staff decision). Its lifecycle is the table in
`rules.disputes`; its money moves through the order's refund path (`services.disputes`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tradepost.trade.models.ledger import MONEY_DIGITS, MONEY_PLACES


class DisputeReason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Not received")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    QUALITY = "quality", _("Quality")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open (awaiting the supplier)")
    RESPONDED = "responded", _("Supplier responded")
    ESCALATED = "escalated", _("Escalated to staff")
    SETTLED = "settled", _("Settled by the parties")
    DECIDED = "decided", _("Decided by staff")


class Dispute(models.Model):
    order = models.OneToOneField("trade.Order", on_delete=models.PROTECT, related_name="dispute")
    status = models.CharField(
        max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True
    )
    reason = models.CharField(max_length=24, choices=DisputeReason.choices)
    refund_requested = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    buyer_statement = models.TextField()
    supplier_statement = models.TextField(blank=True)
    # A settlement offer: the amount and which party proposed it ("buyer" or "supplier").
    proposal_amount = models.DecimalField(
        max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True
    )
    proposal_by = models.CharField(max_length=16, blank=True)
    refund_amount = models.DecimalField(
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        null=True,
        blank=True,
        help_text="What the settlement or the decision refunded.",
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complaint_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The 6.3 (a) complaint a decision filed in trust."
    )
    opened_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField()
    escalate_from = models.DateTimeField()
    auto_escalate_at = models.DateTimeField(db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decide_by = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "dispute"
        permissions = [("decide_dispute", "Can decide a dispute (trust & safety)")]

    def __str__(self) -> str:
        return f"Dispute {self.pk} on order {self.order_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = (DisputeStatus.OPEN, DisputeStatus.RESPONDED, DisputeStatus.ESCALATED)
