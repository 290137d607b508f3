"""Feedback (issue 11, clause 3.6): after a completed order each party rates the other once
(1-5 and a comment), editable for a while; held for review when it looks like a burst from a
new account; voided by staff with a reason. Only `counted` feedback makes a rating."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedbackStatus(models.TextChoices):
    COUNTED = "counted", _("Counted")
    HELD = "held", _("Held for review")
    VOIDED = "voided", _("Voided by staff")


class Feedback(models.Model):
    order = models.ForeignKey("trade.Order", on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    ratee = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, help_text="The rater's side: buyer or supplier.")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.COUNTED
    )
    hold_rule = models.CharField(max_length=64, blank=True)
    void_reason = models.TextField(blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    editable_until = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "feedback"
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(fields=["order", "rater"], name="feedback_once_per_order"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]
        indexes = [models.Index(fields=["ratee", "status", "-created_at"])]
        permissions = [("void_feedback", "Can void feedback or release held feedback")]

    def __str__(self) -> str:
        return f"Feedback {self.pk} on order {self.order_id} ({self.rating})"
