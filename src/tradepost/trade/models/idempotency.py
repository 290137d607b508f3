"""Idempotency keys for requests that move money (IETF draft "The Idempotency-Key HTTP Header
Field"): the first request under a key is recorded with its fingerprint, a retry gets the
stored answer. Keys belong to the member (the authenticated user) and are kept at least the
policy's retention (24 h by default, `policy/trade.toml` [payments])."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the method, path and body of the first request."
    )
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    status = models.CharField(
        max_length=8, choices=IdempotencyStatus.choices, default=IdempotencyStatus.RUNNING
    )
    locked_until = models.DateTimeField(
        help_text="A running claim older than this was abandoned (its process died) and a "
        "retry may take it over."
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="trade_idempotency_user_key")
        ]
        verbose_name = "idempotency key"

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} {self.status}"
