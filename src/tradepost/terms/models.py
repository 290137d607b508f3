"""Terms of Use versions and members' acceptance of them (clauses 1.1, 1.3, 4.4)."""

from __future__ import annotations

from django.db import models


class TermsVersion(models.Model):
    """One version of the Terms for a site family, in force from its effective date (1.3)."""

    site = models.CharField(max_length=16)
    label = models.CharField(max_length=200)
    effective_date = models.DateField()
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "-effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "effective_date"], name="one_version_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.site}: {self.label} (effective {self.effective_date:%Y-%m-%d})"


class AcceptanceMethod(models.TextChoices):
    REGISTRATION = "registration", "Explicit, at registration"
    EXPLICIT = "explicit", "Explicit re-acceptance"
    CONTINUED_USE = "continued_use", "Continued use after notice (1.3)"


class TermsAcceptance(models.Model):
    """Who accepted which version, when, how, from where, and the exact text (by hash)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    version = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=AcceptanceMethod.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["member", "version"], name="accept_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} accepted {self.version_id} ({self.method})"
