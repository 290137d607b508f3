"""Disciplinary actions (clause 6.2) and appeals against them, with the statement of reasons
each carries (EU Digital Services Act, Art. 17).

An action names the member, the kind, the clause relied on, the reason and the staff member
who took it. An action on a related cluster (6.2 i, `include_related`) is one parent action on
the member and one child action per related member, so staff see exactly who it reaches.
Expiry is read, not written: an action whose `ends_at` has passed is not in force anywhere,
whatever its stored status (`Action.in_force_at`).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class ActionKind(models.TextChoices):
    WARN = "warn", "Warning (6.2 v)"
    RESTRICT = "restrict", "Restriction (6.2 ii)"
    SUSPEND = "suspend", "Suspension (6.2 i)"
    TERMINATE = "terminate", "Termination (6.2 i)"
    REMOVE_LISTINGS = "remove_listings", "Listings removed (6.2 iii)"
    CAP_LISTINGS = "cap_listings", "Listings capped (6.2 iii)"
    RESTRICT_FEATURE = "restrict_feature", "Feature restricted (6.2 iv)"
    OTHER = "other", "Other penalty (6.2 v)"


class ActionStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    REJECTED = "rejected", "Rejected"
    LIFTED = "lifted", "Lifted"
    EXPIRED = "expired", "Expired"


class ActionSource(models.TextChoices):
    STAFF = "staff", "Staff's own initiative"
    NOTICE = "notice", "A notice (complaint or claim)"
    AUTOMATED = "automated", "Automated detection"
    PENALTY = "penalty", "Penalty points threshold"


class Feature(models.TextChoices):
    NEW_LISTINGS = "new_listings", "Posting listings"
    MESSAGING = "messaging", "Messaging"
    ORDERS = "orders", "Orders"
    SEARCH_VISIBILITY = "search_visibility", "Visibility in search"
    PROMOTIONS = "promotions", "Promotions"


class Action(models.Model):
    """Clause 6.2: one disciplinary action on one member, from `starts_at` to `ends_at`."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="disciplinary_actions"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The action on the member whose related cluster this one reaches (6.2 i).",
    )
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    clause = models.CharField(max_length=16, help_text='The clause relied on, e.g. "6.2 (i)".')
    reason = models.TextField()
    facts = models.TextField(blank=True, help_text="Facts and circumstances relied on.")
    feature = models.CharField(max_length=20, blank=True, choices=Feature.choices)
    cap = models.PositiveIntegerField(null=True, blank=True)
    include_related = models.BooleanField(default=False)
    source = models.CharField(max_length=16, choices=ActionSource.choices, default="staff")
    case_ref = models.CharField(max_length=64, blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="When it took effect.")
    ends_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The second staff member who approved or rejected it (four eyes).",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Lifted or expired at.")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    # Statement of reasons (DSA Art. 17), as DSA Transparency Database values.
    decision_visibility = models.JSONField(default=list, blank=True)
    decision_account = models.CharField(max_length=40, blank=True)
    decision_provision = models.CharField(max_length=48, blank=True)
    decision_monetary = models.CharField(max_length=40, blank=True)
    decision_ground = models.CharField(max_length=48)
    incompatible_content_ground = models.TextField()
    category = models.CharField(max_length=48)
    source_type = models.CharField(max_length=32)
    automated_detection = models.BooleanField(default=False)
    automated_decision = models.BooleanField(default=False)
    territorial_scope = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "status"], name="trust_action_member_status"),
            models.Index(fields=["status", "ends_at"], name="trust_action_status_ends"),
        ]
        permissions = [("approve_action", "Can approve or reject an action (four eyes)")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.member_id} ({self.status})"

    def in_force_at(self, now: datetime) -> bool:
        return self.status == ActionStatus.IN_FORCE and (self.ends_at is None or self.ends_at > now)

    @property
    def effective_status(self) -> str:
        """The status as of now: an in-force action past its end reads as expired."""
        from django.utils import timezone

        if self.status == ActionStatus.IN_FORCE and not self.in_force_at(timezone.now()):
            return ActionStatus.EXPIRED
        return self.status

    @staticmethod
    def in_force_q(now: datetime, prefix: str = "") -> Q:
        return Q(**{f"{prefix}status": ActionStatus.IN_FORCE}) & (
            Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gt": now})
        )


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld (the action stands)"
    OVERTURNED = "overturned", "Overturned (the action is lifted)"


class Appeal(models.Model):
    """A member's one appeal against one action (DSA Art. 20), decided by other staff."""

    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="appeal")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appeals")
    statement = models.TextField()
    evidence = models.JSONField(default=list, blank=True)
    filed_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, blank=True, choices=AppealOutcome.choices)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        permissions = [("decide_appeal", "Can decide an appeal")]

    def __str__(self) -> str:
        return f"Appeal #{self.pk} against action #{self.action_id}"
