"""Penalty points and IP strikes (clause 6.2), with the action each threshold prescribed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PrescriptionStatus(models.TextChoices):
    NONE = "none", "No threshold crossed"
    APPLIED = "applied", "Applied automatically"
    PROPOSED = "proposed", "Proposed: awaits staff confirmation"
    CONFIRMED = "confirmed", "Confirmed by staff"
    DISMISSED = "dismissed", "Dismissed by staff"


class Prescription(models.Model):
    """What crossing a threshold prescribed, and whether it was applied or awaits staff."""

    threshold = models.CharField(max_length=64, blank=True, help_text="The threshold id.")
    threshold_clause = models.CharField(max_length=64, blank=True)
    prescribed = models.JSONField(default=list, blank=True, help_text="The actions prescribed.")
    prescription = models.CharField(
        max_length=12, choices=PrescriptionStatus.choices, default=PrescriptionStatus.NONE
    )
    action_ids = models.JSONField(default=list, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class PenaltyPoint(Prescription):
    """Points against a member: each counts `lifetime_days` (policy) from `at`."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField()
    counted = models.PositiveIntegerField(
        default=0, help_text="What the record added to the total then (same-day cap)."
    )
    capped = models.BooleanField(
        default=False, help_text="Counts against the same-day cap (complaint points)."
    )
    rule = models.CharField(max_length=64)
    clause = models.CharField(max_length=64)
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    complaint = models.ForeignKey(
        "trust.Complaint", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_after = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["member", "at"])]
        permissions = [("confirm_penalty", "Can confirm or dismiss a prescribed action")]

    def __str__(self) -> str:
        return f"{self.points} points ({self.rule})"


class IPStrike(Prescription):
    """A strike for serious infringement of Third Party Rights (5.4); complaints established
    within the policy's window of its first complaint belong to it."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(help_text="The member's live strikes with this one.")
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    complaints = models.ManyToManyField("trust.Complaint", related_name="strikes")
    rule = models.CharField(max_length=64)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "IP strike"

    def __str__(self) -> str:
        return f"IP strike {self.number}"
