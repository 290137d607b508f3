"""Complaints and the cases that gather them (clauses 5.4, 6.3, 6.5).

A complaint cites its ground by clause. Complaints about the same member on the same ground,
or naming a listing another complaint of an open case names, are grouped in that case; a case
gathers them with the evidence staff add and the grounds cited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Ground(models.TextChoices):
    NON_PERFORMANCE = "6.3 a", "6.3 a: non-delivery after payment, or not as described"
    STOLEN_CARD = "6.3 b", "6.3 b: stolen card or false information in a transaction"
    FALSE_INFORMATION = "6.3 c", "6.3 c: information not current, complete or true"
    RISK_OF_LOSS = "6.3 d", "6.3 d: may cause financial loss or legal liability"
    AFFILIATE_BREACH = "6.5", "6.5: breach notice from an affiliate platform (fraud)"
    THIRD_PARTY_RIGHTS = "5.4", "5.4: infringement of Third Party Rights"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    """Clause 6.2: what a disciplinary decision about one member rests on."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    grounds = models.JSONField(default=list, blank=True, help_text="The clauses cited.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.get_status_display().lower()})"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ESTABLISHED = "established", "Established"
    REJECTED = "rejected", "Rejected"


class ComplaintSource(models.TextChoices):
    STAFF = "staff", "Registered by staff"
    MEMBER = "member", "Filed by a member"
    TRADE = "trade", "Filed automatically by trade (6.3 a)"
    IP_CLAIM = "ip_claim", "A rights claim (5.4)"


class Complaint(models.Model):
    """A complaint or claim about a member, from a member or a third party, with its ground."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="complaints")
    subject = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(max_length=8, choices=Ground.choices)
    description = models.TextField()
    listings = models.ManyToManyField("catalog.Listing", blank=True, related_name="+")
    complainant = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member who complained; empty for a third party.",
    )
    complainant_name = models.CharField(max_length=200, blank=True)
    complainant_email = models.EmailField(max_length=254, blank=True)
    source = models.CharField(max_length=16, choices=ComplaintSource.choices)
    reference = models.CharField(
        max_length=64, blank=True, help_text="e.g. the order or dispute that filed it."
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    created_at = models.DateTimeField(default=timezone.now)
    established_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subject", "ground"])]

    def __str__(self) -> str:
        return f"Complaint {self.pk} ({self.ground}, {self.get_status_display().lower()})"


class CaseEvidence(models.Model):
    """A note or a file staff add to a case: what a decision was based on, as it was then."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    note = models.TextField(blank=True)
    file = models.FileField(upload_to="trust/evidence/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "case evidence"

    def __str__(self) -> str:
        return f"Evidence {self.pk} on case {self.case_id}"
