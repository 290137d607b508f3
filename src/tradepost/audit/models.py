"""Audit rows: append-only (never updated or deleted, here or by a database trigger)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tradepost.appendonly import AppendOnlyModel, AppendOnlyQuerySet, RowImmutable


class AuditImmutable(RowImmutable):
    """Audit rows are append-only: no code path may update or delete one."""


class AuditEntry(AppendOnlyModel):
    """Who did what to what, when and why: one row per step (actor, action, target, reason,
    clause, before and after, time, request id)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the platform itself (a command, a task, an automatic rule).",
    )
    actor_label = models.CharField(
        max_length=150, help_text="The actor's username at the time, or 'system'."
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, help_text="e.g. member, listing, case.")
    target_id = models.CharField(max_length=64, help_text="e.g. the member ID.")
    member_id = models.CharField(
        max_length=16,
        blank=True,
        db_index=True,
        help_text="The member the step concerns, for filtering a member's whole trail.",
    )
    reason = models.TextField(blank=True)
    clause = models.CharField(max_length=64, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    immutable_error = AuditImmutable
    immutable_label = "Audit"

    objects = AppendOnlyQuerySet["AuditEntry"].as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"

    def __str__(self) -> str:
        target = f"{self.target_type}:{self.target_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {target}"
