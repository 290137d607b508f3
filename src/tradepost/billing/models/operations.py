"""Maintenance windows and incidents (clause 9.1): what the status page, the banner and
read-only mode read. Staff create and change them in the console, through
`billing.services.operations` (each change has its audit row)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ServiceWindow", "WindowCause", "WindowKind", "WindowStatus"]


class WindowKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Scheduled maintenance")
    INCIDENT = "incident", _("Incident")


class WindowCause(models.TextChoices):
    """Clause 9.1 (i) to (iv): the causes of unavailability the Terms name."""

    MAINTENANCE = "maintenance", _("System shut-down for maintenance")
    TELECOMMUNICATIONS_FAILURE = (
        "telecommunications_failure",
        _("Failure of communications terminals or telecommunications equipment"),
    )
    FORCE_MAJEURE = "force_majeure", _("Force majeure event")
    CYBER_ATTACK = "cyber_attack", _("Hacker or cyber attack")
    THIRD_PARTY = "third_party", _("Third-party problem")


class WindowStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceWindow(models.Model):
    """A maintenance window (planned) or an incident (unplanned). `ends_at` is the published
    end; `ended_at` the actual one (empty while it lasts). Whether it is in progress at a
    moment is `billing.rules.operations.window_phase`, from the times and the status."""

    kind = models.CharField(
        max_length=16, choices=WindowKind.choices, default=WindowKind.MAINTENANCE
    )
    cause = models.CharField(
        max_length=32, choices=WindowCause.choices, default=WindowCause.MAINTENANCE
    )
    title = models.CharField(max_length=200)
    message = models.TextField(
        max_length=2000, help_text="Shown to everyone on the status page and the banner."
    )
    internal_note = models.TextField(
        blank=True, max_length=4000, help_text="For staff only; never published."
    )
    starts_at = models.DateTimeField(help_text="Scheduled start (an incident: when it began).")
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Published end; empty when not known (an incident)."
    )
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Actual end.")
    read_only = models.BooleanField(
        default=False, help_text="While in progress, every write answers 503 (read-only mode)."
    )
    status = models.CharField(
        max_length=16, choices=WindowStatus.choices, default=WindowStatus.SCHEDULED
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        verbose_name = _("maintenance window or incident")
        verbose_name_plural = _("maintenance windows and incidents")
        permissions = [("view_liability_cap", "Can view a member's liability cap (8.8)")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
