"""Notices (clause 11): to members (11.2), to the platform (11.1), and Terms updates (1.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tradepost.members.models import Site
from tradepost.notices.rules import Channel, InboundChannel
from tradepost.policy import load_contracting_policy


class NoticeKind(models.TextChoices):
    TERMS_UPDATE = "terms_update", "Terms of Use update (1.3)"
    LEGAL = "legal", "Legal notice or demand"
    DISCIPLINARY = "disciplinary", "Disciplinary action"
    MESSAGE = "message", "New message (7.1)"


class Notice(models.Model):
    """A legal notice or demand to a member (11.2), or a posting on the public notice board.

    `sent_at` is when the platform can demonstrate the notice went out by its channel;
    `deemed_received_at` is when 11.2 deems the member to have received it, with the rule and
    clause that decided. A member's copy of a public posting (`posting`) is deemed received
    when the posting went up, whatever happens to its email later.
    """

    # Foreign keys without an index of their own are covered by an index below or never
    # queried from that side: each index costs every fan-out insert.
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        db_index=False,
        help_text="Empty for a posting addressed to every user of the site.",
    )
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    site = models.CharField(
        max_length=16, blank=True, choices=Site.choices, help_text="For postings to a whole site."
    )
    terms_version = models.ForeignKey(
        "terms.TermsVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    campaign = models.ForeignKey(
        "NoticeCampaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        db_index=False,
    )
    posting = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
        db_index=False,
        help_text="The public posting this notice is a copy of.",
    )
    recipient_address = models.TextField(
        blank=True, help_text="Last-known address, fax number or email it was sent to (11.2)."
    )
    dispatch_reference = models.CharField(
        max_length=100, blank=True, help_text="Waybill, certified mail or fax report number."
    )
    dispatch_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text="Empty when the system issued it.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    deemed_received_at = models.DateTimeField(null=True, blank=True)
    deemed_rule = models.CharField(max_length=64, blank=True)
    deemed_clause = models.CharField(max_length=32, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="notice_inbox_idx"),
            models.Index(fields=["channel", "-sent_at"], name="notice_board_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"], name="one_notice_per_member_per_campaign"
            ),
            models.UniqueConstraint(
                fields=["terms_version"],
                condition=Q(member__isnull=True, channel=Channel.PUBLIC_POSTING),
                name="one_public_posting_per_terms_version",
            ),
            models.CheckConstraint(
                condition=Q(deemed_received_at__isnull=True) | ~Q(deemed_rule=""),
                name="deemed_receipt_names_its_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice #{self.pk}: {self.subject}"

    @property
    def is_public(self) -> bool:
        return self.channel == Channel.PUBLIC_POSTING


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending (not yet accepted by the mail backend)"
    SENT = "sent", "Sent (accepted by the mail backend)"
    FAILED = "failed", "Failed (gave up after the last attempt)"


class EmailDelivery(models.Model):
    """The email of one notice (11.2 a). Pending until the mail backend accepts it.

    `next_attempt_at` is when a sender may next claim it: a claim moves it forward by a lease,
    so a sender that dies mid-send leaves it due again later, never lost.
    """

    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="email_delivery")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    message_id = models.CharField(max_length=255, unique=True)
    to_address = models.EmailField(max_length=254, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "email deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due_idx")]

    def __str__(self) -> str:
        return f"Email of notice #{self.notice_id} ({self.status})"


class EmailAttempt(models.Model):
    """One try at handing a notice's email to the mail backend: the evidence 11.2 (a) asks for."""

    delivery = models.ForeignKey(EmailDelivery, on_delete=models.PROTECT, related_name="tries")
    attempted_at = models.DateTimeField()
    accepted = models.BooleanField()
    to_address = models.EmailField(max_length=254)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{'accepted' if self.accepted else 'failed'} at {self.attempted_at:%Y-%m-%d %H:%M}"


class CampaignStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"


class NoticeCampaign(models.Model):
    """The fan-out of one Terms version's notice to every active member of its site (1.3, 11.2).

    Members are walked in primary-key order up to `max_member_pk` (the last member when the
    campaign was created; later registrants accept the new version at registration). Each
    batch commits its notices together with the cursor, so an interrupted run resumes where
    it stopped; the unique (campaign, member) constraint makes a duplicate impossible.
    """

    terms_version = models.ForeignKey(
        "terms.TermsVersion", on_delete=models.PROTECT, related_name="+"
    )
    site = models.CharField(max_length=16, choices=Site.choices)
    posting = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PENDING
    )
    batch_size = models.PositiveIntegerField(default=1000)
    total = models.PositiveIntegerField(default=0, help_text="Active members in scope at start.")
    max_member_pk = models.BigIntegerField(default=0)
    last_member_pk = models.BigIntegerField(default=0, help_text="Cursor: last member done.")
    processed = models.PositiveIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["terms_version"], name="one_campaign_per_version")
        ]

    def __str__(self) -> str:
        return f"Campaign #{self.pk} ({self.site}, {self.processed}/{self.total})"

    @property
    def percent(self) -> float:
        if self.status == CampaignStatus.COMPLETED or not self.total:
            return 100.0 if self.status == CampaignStatus.COMPLETED else 0.0
        return round(min(100.0, 100.0 * self.processed / self.total), 1)


def contracting_entity_choices() -> list[tuple[str, str]]:
    return [(key, e.name) for key, e in load_contracting_policy().entities.items()]


class InboundLegalNotice(models.Model):
    """A legal notice or demand to the platform (11.1), effective when received."""

    sender_name = models.CharField(max_length=200)
    sender_address = models.TextField(blank=True)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member who sent it or whose contract it concerns, if any.",
    )
    addressed_entity = models.CharField(max_length=64, choices=contracting_entity_choices)
    channel = models.CharField(max_length=16, choices=InboundChannel.choices)
    reference = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    received_at = models.DateTimeField()
    effective_at = models.DateTimeField(help_text="11.1: effective when received.")
    flagged_wrong_entity = models.BooleanField(default=False)
    flag_rule = models.CharField(max_length=64)
    flag_clause = models.CharField(max_length=32)
    flag_reason = models.TextField(blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["flagged_wrong_entity", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.subject} from {self.sender_name}"


class StaffAction(models.Model):
    """Who sent a failed email once more or resumed a fan-out, and when (`by` empty: the
    `tradepost notices retry` command). Issuing, dispatches and inbound notices name their
    staff member on their own rows."""

    class Action(models.TextChoices):
        EMAIL_REARMED = "email_rearmed", "Failed email sent once more"
        CAMPAIGN_RESUMED = "campaign_resumed", "Fan-out resumed"

    action = models.CharField(max_length=20, choices=Action.choices)
    delivery = models.ForeignKey(
        EmailDelivery, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        NoticeCampaign, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.by_id or 'the retry command'}"
