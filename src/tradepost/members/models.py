"""Members: businesses registered on the Sites (clauses 4, 5) and the accounts they use."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class Site(models.TextChoices):
    """Clause 2.1: the two site families a member registers on."""

    ALIBABA = "alibaba", "Alibaba Sites"
    ALIEXPRESS = "aliexpress", "AliExpress Sites"


class BusinessType(models.TextChoices):
    MANUFACTURER = "manufacturer", "Manufacturer"
    TRADING_COMPANY = "trading_company", "Trading company"
    WHOLESALER = "wholesaler", "Distributor / wholesaler"
    RETAILER = "retailer", "Retailer"
    BUYING_OFFICE = "buying_office", "Buying office"
    AGENT = "agent", "Agent"
    BUSINESS_SERVICE = "business_service", "Business service provider"
    OTHER = "other", "Other business"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. For members the username is the member ID (4.2); staff choose theirs."""

    username = models.CharField(max_length=150, unique=True)
    email = models.EmailField(blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    session_epoch = models.PositiveIntegerField(
        default=0, help_text="Bumped to end every live session of this user at once."
    )

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    def __str__(self) -> str:
        return self.username

    def get_session_auth_hash(self) -> str:
        """Sessions carry this hash; changing the password or the epoch ends them all."""
        return salted_hmac(
            "tradepost.members.User.session",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()


class Member(models.Model):
    """A business registered on one of the Sites (4.1, 5.1, 5.11)."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="member")
    member_id = models.CharField(max_length=16, unique=True)
    site = models.CharField(max_length=16, choices=Site.choices)
    company_name = models.CharField(max_length=200)
    business_type = models.CharField(max_length=32, choices=BusinessType.choices)
    country = models.CharField(max_length=2, help_text="Principal place of business (5.1 c).")
    access_country = models.CharField(max_length=2, help_text="Where the member accesses from.")
    address = models.TextField()
    contact_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, help_text="E.164")
    registration_number = models.CharField(max_length=64, blank=True)
    is_buyer = models.BooleanField(default=True)
    is_supplier = models.BooleanField(default=True)
    status = models.CharField(
        max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    contracting_entity = models.CharField(max_length=64)
    contracting_rule = models.CharField(max_length=64)
    contracting_clause = models.CharField(max_length=128)
    registration_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status"]), models.Index(fields=["country"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.company_name}"

    @property
    def roles(self) -> list[str]:
        return [r for r, on in (("buyer", self.is_buyer), ("supplier", self.is_supplier)) if on]

    @property
    def is_active_member(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class IdentifierKind(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    REGISTRATION_NUMBER = "registration_number", "Business registration number"


class MemberIdentifier(models.Model):
    """Clause 4.1 one account per user, enforced by the database.

    Each member claims its normalised email, phone and registration number. The first
    holder takes slot 0; a second account approved by staff takes the approval's slot, so a
    concurrent duplicate registration loses on the unique constraint, never on a race.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=32, choices=IdentifierKind.choices)
    value = models.CharField(max_length=254)
    slot = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value", "slot"], name="one_account_per_id")
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class SignalOutcome(models.TextChoices):
    REFUSED = "refused", "Registration refused"
    APPROVED = "approved", "Second account approved by staff"


class DuplicateSignal(models.Model):
    """A registration that matched an existing member's identifier (4.1).

    Every match is kept: later work builds the related-account graph (6.2 i) on these.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32, choices=IdentifierKind.choices)
    value = models.CharField(max_length=254)
    existing_member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="duplicate_signals"
    )
    new_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=SignalOutcome.choices)
    attempt = models.JSONField(
        default=dict, help_text="What the registrant submitted (no password)."
    )
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return self.describe()

    def masked_value(self) -> str:
        """Enough of the identifier for staff to recognise it, not enough to copy it."""
        value = self.value
        if self.kind == IdentifierKind.EMAIL and "@" in value:
            local, domain = value.split("@", 1)
            return f"{local[:1]}…@{domain}"
        keep = 6 if self.kind == IdentifierKind.PHONE else 3
        return f"{value[:keep]} …" if len(value) > keep else value

    def describe(self) -> str:
        """ "Phone +49 30 … shared with cn1029384756": what matched, and whose it is."""
        return (
            f"{self.get_kind_display()} {self.masked_value()} "
            f"shared with {self.existing_member.member_id}"
        )


class SecondAccountApproval(models.Model):
    """Staff approval for one more account sharing identifiers with an existing member (4.1)."""

    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    registration_number = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_by = models.OneToOneField(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="approval"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when an expired, unused approval is replaced."
    )

    class Meta:
        constraints = [
            # Clause 4.1: one open approval per set of identifiers, so two staff approving the
            # same attempt at once cannot allow two more accounts.
            models.UniqueConstraint(
                fields=["email", "phone", "registration_number"],
                condition=models.Q(used_by__isnull=True, closed_at__isnull=True),
                name="one_open_second_account_approval",
            )
        ]

    def __str__(self) -> str:
        return f"Approval #{self.pk} ({self.email or self.phone or self.registration_number})"


class MemberStatusChange(models.Model):
    """Audit row for every status change (who, when, why)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=MemberStatus.choices)
    to_status = models.CharField(max_length=16, choices=MemberStatus.choices)
    reason = models.TextField()
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class ProfileRevision(models.Model):
    """Clause 5.2: members keep their information current; every edit is versioned."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(help_text="{field: [old, new]}")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of {self.member_id} at {self.changed_at:%Y-%m-%d %H:%M}"


class BusinessReferee(models.Model):
    """Clause 5.8: a business referee, shown only with recorded consent."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="referees")
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    relationship = models.CharField(max_length=200, blank=True)
    consent_given = models.BooleanField(default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who revoked it: the member, or the staff member (console, status change).",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class StaffRole(models.TextChoices):
    """Operator staff roles, realised as Django groups with permissions."""

    SUPPORT = "Support agent"
    TRUST_SAFETY = "Trust & safety agent"
    COMPLIANCE = "Compliance officer"
    LEGAL = "Legal counsel"
    ADMINISTRATOR = "Administrator"
