"""Verification of paying suppliers. Clause 7.2: the platform may verify the information a
paying member gives; what was verified, when and by whom is what the badge links to.

A request moves along `VERIFICATION_TRANSITIONS` only. Each claimed field gets one
`VerificationCheck`, recorded by staff (the built-in manual provider) or by a third-party
provider; a field is shown as verified only when its check says so and the request it
belongs to is verified and not expired.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "OPEN_STATUSES",
    "VERIFICATION_TRANSITIONS",
    "CheckResult",
    "VerificationCheck",
    "VerificationDocument",
    "VerificationRequest",
    "VerificationStatus",
]


class VerificationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


OPEN_STATUSES = (VerificationStatus.SUBMITTED, VerificationStatus.IN_REVIEW)

# The lifecycle as a table: from -> the statuses it may move to.
VERIFICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    VerificationStatus.SUBMITTED: frozenset(
        {VerificationStatus.IN_REVIEW, VerificationStatus.VERIFIED, VerificationStatus.REJECTED}
    ),
    VerificationStatus.IN_REVIEW: frozenset(
        {VerificationStatus.VERIFIED, VerificationStatus.REJECTED}
    ),
    VerificationStatus.VERIFIED: frozenset({VerificationStatus.EXPIRED}),
    VerificationStatus.REJECTED: frozenset(),
    VerificationStatus.EXPIRED: frozenset(),
}


class CheckResult(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    VERIFIED = "verified", _("Verified")
    MISMATCH = "mismatch", _("Does not match")
    UNVERIFIABLE = "unverifiable", _("Could not be verified")


class VerificationRequest(models.Model):
    """A paying supplier's request to have its information verified (clause 7.2)."""

    supplier = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="verification_requests"
    )
    status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.SUBMITTED
    )
    provider = models.CharField(max_length=32, default="manual")
    provider_reference = models.CharField(max_length=128, blank=True)
    # The tier the supplier had when it asked (the eligibility the request was based on).
    membership_tier = models.CharField(max_length=32)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"],
                condition=models.Q(status__in=["submitted", "in_review"]),
                name="verification_one_open_per_supplier",
            ),
            models.UniqueConstraint(
                fields=["supplier"],
                condition=models.Q(status="verified"),
                name="verification_one_verified_per_supplier",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="verified")
                | models.Q(verified_at__isnull=False, expires_at__isnull=False),
                name="verification_verified_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"Verification {self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class VerificationCheck(models.Model):
    """One claimed field and what the check found."""

    request = models.ForeignKey(
        VerificationRequest, on_delete=models.CASCADE, related_name="checks"
    )
    field = models.CharField(max_length=40)
    claimed_value = models.CharField(max_length=500, blank=True)
    verified_value = models.CharField(max_length=500, blank=True)
    result = models.CharField(
        max_length=16, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    note = models.TextField(blank=True, help_text="Staff only: what was checked, against what.")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "field"], name="verification_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.result}"


class VerificationDocument(models.Model):
    """A document uploaded with a request (a PDF or an image). Private: only its supplier
    and staff may download it."""

    request = models.ForeignKey(
        VerificationRequest, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=40)
    file = models.FileField(upload_to="verification/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of verification {self.request_id}"
