"""Related accounts (clauses 4.1, 4.5, 6.2 (i)): identity signals, the links they make between
members, the clusters those links form, and account-sharing alerts.

Clause 4.1: one account per user; clause 6.2 (i): an action may reach a member's related
accounts; clause 4.5: an account is not to be shared. A signal is one thing a member was seen
with (a normalised email, phone, registration number, a device cookie, a client address or its
prefix, later a payment instrument or a shipping address). Two members that share values of
enough weight (policy/related_accounts.toml) are linked; the links' connected components are
the clusters, kept in `MemberCluster` (one row per member of a cluster of two or more).
"""

from __future__ import annotations

from django.db import models

from tradepost.members.models import Member, User


class SignalKind(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    REGISTRATION_NO = "registration_no", "Registration number"
    DEVICE = "device", "Device"
    IP = "ip", "Client address"
    IP_PREFIX = "ip_prefix", "Client network (/24, /64)"
    INSTRUMENT = "instrument", "Payment instrument"
    SHIPPING_ADDRESS = "shipping_address", "Shipping address"
    SECOND_ACCOUNT = "second_account", "Staff-approved second account"


class SignalValue(models.Model):
    """One distinct value of one kind (its digest), with how many members were seen with it.

    `member_count` is kept with `F()` as signals arrive; a value held by more members than the
    policy's cap (an office NAT, a test client's address) is no evidence at all. `display` is
    the masked form staff see ("+86 138****1234"); the value itself is not stored.
    """

    kind = models.CharField(max_length=32, choices=SignalKind.choices)
    digest = models.CharField(max_length=32)
    display = models.CharField(max_length=200, blank=True)
    member_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "digest"], name="one_signal_value_per_digest")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.display or self.digest[:8]}"


class IdentitySignal(models.Model):
    """A member seen with a value: first and last time, and where (registration, login, …)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="identity_signals")
    value = models.ForeignKey(SignalValue, on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(max_length=32, choices=SignalKind.choices)
    source = models.CharField(max_length=32)
    country = models.CharField(max_length=2, blank=True, help_text="Access country last seen.")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "value"], name="one_signal_per_member_value")
        ]
        indexes = [models.Index(fields=["value", "member"], name="trust_signal_value_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}"


class LinkStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    FALSE_POSITIVE = "false_positive", "False positive"
    LAPSED = "lapsed", "Lapsed (evidence no longer enough)"


class Link(models.Model):
    """Two members related by shared signals (6.2 (i)); `a` is the one with the smaller key.

    `kinds` are the kinds shared now, `evidence` one sentence per kind for staff. A link marked
    a false positive stops linking; it links again only when the members come to share a kind
    not in `false_positive_kinds` whose evidence is enough on its own terms.
    """

    a = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(default=list)
    evidence = models.JSONField(default=dict, help_text="{kind: sentence for staff}")
    status = models.CharField(max_length=16, choices=LinkStatus.choices, default=LinkStatus.ACTIVE)
    first_seen = models.DateTimeField()
    updated_at = models.DateTimeField()
    false_positive_kinds = models.JSONField(default=list, blank=True)
    false_positive_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="one_link_per_pair"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="link_a_lt_b"),
        ]
        indexes = [
            models.Index(fields=["b", "a"], name="trust_link_b_a"),
            models.Index(fields=["status"], name="trust_link_status"),
        ]

    def __str__(self) -> str:
        return f"Link #{self.pk} {self.a_id}–{self.b_id}"

    def evidence_text(self) -> str:
        return "; ".join(self.evidence.get(kind, kind) for kind in self.kinds)


class MemberCluster(models.Model):
    """The cluster a member belongs to: `root` names it (a member's key). `size` is kept on
    the root's own row. A member without a row is a cluster of one."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, primary_key=True, related_name="cluster"
    )
    root = models.BigIntegerField(db_index=True)
    size = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.member_id} in {self.root}"


class SharingAlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class SharingAlert(models.Model):
    """Clause 4.5: one account used from more devices or networks than one user would, within
    the policy's window; for staff review, never an action by itself."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="sharing_alerts")
    rule = models.CharField(max_length=64)
    clause = models.CharField(max_length=16, default="4.5")
    detail = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=SharingAlertStatus.choices, default=SharingAlertStatus.OPEN
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "rule"],
                condition=models.Q(status="open"),
                name="one_open_sharing_alert_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.rule}"
