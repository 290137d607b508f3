"""Audit rows: append-only (never updated or deleted, here or by a database trigger)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditImmutable(Exception):
    """Audit rows are append-only: no code path may update or delete one."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditImmutable("Audit rows cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutable("Audit rows cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditImmutable("Audit rows cannot be updated.")


class AuditEntry(models.Model):
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

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"

    def __str__(self) -> str:
        target = f"{self.target_type}:{self.target_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditImmutable("Audit rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutable("Audit rows cannot be deleted.")
