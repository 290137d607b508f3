"""Information requests to members (clauses 5.9, 7.5) and the register of disclosure requests
from authorities and injured third parties (clause 6.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

INFORMATION_FILES_DIR = "trust/information-requests/"
DISCLOSURE_EXPORTS_DIR = "trust/disclosures/"


class InformationClause(models.TextChoices):
    """Clause 5.9: information to evaluate a breach or handle a complaint; clause 7.5:
    information about the member's transactions."""

    SERVICES = "5.9", "5.9 Information for the Services, a breach or a complaint"
    TRANSACTIONS = "7.5", "7.5 Information about transactions"


class InformationRequestStatus(models.TextChoices):
    OPEN = "open", "Open (awaiting the member's answer)"
    ANSWERED = "answered", "Answered"
    OVERDUE = "overdue", "Overdue (deadline passed without an answer)"
    CLOSED = "closed", "Closed by staff"


class ProposalDecision(models.TextChoices):
    """Staff's answer to the suspension an overdue request proposes."""

    CONFIRMED = "confirmed", "Confirmed: the account is suspended"
    DISMISSED = "dismissed", "Dismissed"


class InformationRequest(models.Model):
    """Staff ask a member for information or materials by a deadline (clauses 5.9, 7.5).

    At the deadline an unanswered request becomes overdue and proposes a suspension
    (`suspension_proposed_at`); staff confirm it (a disciplinary action, `suspension_action`)
    or dismiss it (`suspension_decision`).
    """

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="information_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    clause = models.CharField(max_length=8, choices=InformationClause.choices)
    questions = models.TextField()
    deadline = models.DateTimeField()
    status = models.CharField(
        max_length=16,
        choices=InformationRequestStatus.choices,
        default=InformationRequestStatus.OPEN,
    )
    created_at = models.DateTimeField(default=timezone.now)
    notice = models.ForeignKey(
        "notices.Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The notice that told the member (11.2).",
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overdue_at = models.DateTimeField(null=True, blank=True)
    suspension_proposed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the deadline passed and a suspension was proposed."
    )
    suspension_decision = models.CharField(
        max_length=16, choices=ProposalDecision.choices, blank=True, default=""
    )
    suspension_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    suspension_decided_at = models.DateTimeField(null=True, blank=True)
    suspension_decision_reason = models.TextField(blank=True)
    suspension_action = models.ForeignKey(
        "trust.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The suspension (6.2 i) staff confirmed.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="inforeq_due_idx"),
            models.Index(fields=["member", "-created_at"], name="inforeq_member_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="inforeq_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Information request #{self.pk} ({self.clause}) to {self.member_id}"


class InformationRequestFile(models.Model):
    """A file the member uploaded with an answer (a PDF or an image, checked on upload)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=INFORMATION_FILES_DIR + "%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class RequesterType(models.TextChoices):
    AUTHORITY = "authority", "Governmental, regulatory or law enforcement authority"
    INJURED_THIRD_PARTY = "injured_third_party", "Injured third party"


class LegalBasis(models.TextChoices):
    SUBPOENA = "subpoena", "Subpoena"
    COURT_ORDER = "court_order", "Court order"
    SEARCH_WARRANT = "search_warrant", "Search warrant"
    EMERGENCY = "emergency", "Emergency disclosure request"
    REGULATOR = "regulator", "Regulator's request"
    CIVIL_CLAIM = "civil_claim", "Civil claim"


class DisclosureDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    PARTIALLY_APPROVED = "partially_approved", "Partially approved"
    REFUSED = "refused", "Refused"


class DisclosureRequest(models.Model):
    """Clause 6.4: a request to disclose members' data, its review by legal counsel, and what
    was disclosed.

    `member_ids` and `categories` are what the requester asked for; `approved_member_ids` and
    `approved_categories` are what legal counsel allowed, and exactly what the export holds.
    The one who registered the request cannot decide it (four eyes).
    """

    requester_name = models.CharField(max_length=200)
    requester_organisation = models.CharField(max_length=200, blank=True)
    requester_type = models.CharField(max_length=32, choices=RequesterType.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166 country of the requester.")
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    reference = models.CharField(max_length=200, help_text="Case, docket or order number.")
    description = models.TextField(blank=True, help_text="What is asked for and why.")
    member_ids = models.JSONField(default=list, help_text="Member IDs in scope.")
    categories = models.JSONField(default=list, help_text="Data categories in scope.")
    received_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        max_length=32, choices=DisclosureDecision.choices, blank=True, default=""
    )
    decision_reason = models.TextField(blank=True)
    approved_member_ids = models.JSONField(default=list)
    approved_categories = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    export_file = models.FileField(upload_to=DISCLOSURE_EXPORTS_DIR + "%Y/%m/", blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True)
    export_size = models.PositiveBigIntegerField(null=True, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"], name="disclosure_received_idx")]
        permissions = [
            ("decide_disclosurerequest", "Can decide disclosure requests (legal review)"),
            ("export_disclosurerequest", "Can export and download disclosures"),
            ("view_transparency_report", "Can view the transparency report"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="disclosure_decision_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Disclosure request #{self.pk} {self.reference}"

    @property
    def status(self) -> str:
        if self.fulfilled_at is not None:
            return "fulfilled"
        return self.decision or "registered"
