"""Rights holders' registered rights and their claims against listings (clauses 5.4, 6.1 iv).

A rights holder (a member, or a third party with an account) registers each right once with
its documents; staff review it. An approved right backs claims against one supplier's
listings: they are held at once, the supplier may file a counter-notice within the policy's
working days, and without one the complaint is established and the listings removed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RightKind(models.TextChoices):
    TRADEMARK = "trademark", "Trademark"
    COPYRIGHT = "copyright", "Copyright"
    PATENT = "patent", "Patent"


class RightStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class IPRight(models.Model):
    holder = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=RightKind.choices)
    number = models.CharField(max_length=100, help_text="Registration or reference number.")
    jurisdiction = models.CharField(max_length=16, help_text="ISO country code, EU or WIPO.")
    title = models.CharField(max_length=200, help_text="The mark, work or invention.")
    status = models.CharField(
        max_length=12, choices=RightStatus.choices, default=RightStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "IP right"
        permissions = [("review_ipright", "Can approve or reject a registered IP right")]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "kind", "number", "jurisdiction"], name="trust_ipright_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.jurisdiction})"


class ClaimStatus(models.TextChoices):
    AWAITING_COUNTER_NOTICE = "awaiting", "Listings held; awaiting counter-notice"
    COUNTERED = "countered", "Counter-notice filed; staff decide"
    UPHELD = "upheld", "Upheld: listings removed"
    RESTORED = "restored", "Not upheld: listings restored"


class IPClaim(models.Model):
    right = models.ForeignKey(IPRight, on_delete=models.PROTECT, related_name="claims")
    holder = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    complaint = models.OneToOneField(
        "trust.Complaint", on_delete=models.PROTECT, related_name="ip_claim"
    )
    description = models.TextField()
    status = models.CharField(
        max_length=12,
        choices=ClaimStatus.choices,
        default=ClaimStatus.AWAITING_COUNTER_NOTICE,
    )
    filed_at = models.DateTimeField(default=timezone.now)
    counter_notice_due = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        verbose_name = "IP claim"
        permissions = [("decide_ipclaim", "Can decide a rights claim after a counter-notice")]
        indexes = [models.Index(fields=["status", "counter_notice_due"])]

    def __str__(self) -> str:
        return f"IP claim {self.pk} ({self.get_status_display().lower()})"


class IPClaimListing(models.Model):
    claim = models.ForeignKey(IPClaim, on_delete=models.CASCADE, related_name="items")
    listing = models.ForeignKey("catalog.Listing", on_delete=models.PROTECT, related_name="+")
    status_before = models.CharField(max_length=16, help_text="The listing's status when held.")

    class Meta:
        ordering = ["listing_id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "listing"], name="trust_ipclaim_listing_once")
        ]

    def __str__(self) -> str:
        return f"Listing {self.listing_id} in claim {self.claim_id}"


class CounterNotice(models.Model):
    claim = models.OneToOneField(IPClaim, on_delete=models.PROTECT, related_name="counter_notice")
    statement = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Counter-notice to claim {self.claim_id}"


class IPDocument(models.Model):
    """A document of a right (registration certificate) or evidence of a counter-notice."""

    right = models.ForeignKey(
        IPRight, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    counter_notice = models.ForeignKey(
        CounterNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="trust/ip/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "IP document"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(right__isnull=False) ^ models.Q(counter_notice__isnull=False),
                name="trust_ipdocument_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name
