"""Terms of Use versions, their clauses and translations, and members' acceptance of them
(clauses 1.1, 1.3, 1.4, 4.4)."""

from __future__ import annotations

from django.db import models

GOVERNING_LANGUAGE = "en"


class TermsVersion(models.Model):
    """One version of the Terms for a site family, in force from its effective date (1.3).

    The version's own text is the English one, which governs (clause 1.4); translations hang
    off it as TermsTranslation rows.
    """

    site = models.CharField(max_length=16)
    label = models.CharField(max_length=200)
    effective_date = models.DateField()
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    preamble = models.TextField(blank=True, default="")
    source_name = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    language = GOVERNING_LANGUAGE
    is_governing = True

    class Meta:
        ordering = ["site", "-effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "effective_date"], name="one_version_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.site}: {self.label} (effective {self.effective_date:%Y-%m-%d})"


class Clause(models.Model):
    """A numbered clause ("5.13") or one of its sub-items ("5.13(a)", "6.1(a)(ii)").

    Sub-items are rows with a parent rather than JSON on the clause, so every unit the Terms
    cite (11.2(b), 5.5(c)) has a (version, number) key that other apps can point at and the
    public page can anchor, and the tree can nest (a) -> (i) without a second format.
    """

    version = models.ForeignKey(TermsVersion, on_delete=models.CASCADE, related_name="clauses")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub_items"
    )
    number = models.CharField(max_length=40)
    label = models.CharField(max_length=16)
    section = models.CharField(max_length=8, blank=True, default="")
    heading = models.CharField(max_length=300, blank=True, default="")
    lead_in = models.CharField(max_length=300, blank=True, default="")
    text = models.TextField(blank=True, default="")
    closing_text = models.TextField(blank=True, default="")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="clause_number_once"),
            models.UniqueConstraint(fields=["version", "position"], name="clause_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.version_id})"


class TermsTranslation(models.Model):
    """A translation of a version, for convenience only: the English version governs (1.4)."""

    version = models.ForeignKey(TermsVersion, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=16)
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    is_governing = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="one_translation_per_language"
            ),
            models.CheckConstraint(
                condition=models.Q(is_governing=False), name="translation_never_governs"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} in {self.language} (translation)"


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
