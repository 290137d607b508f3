"""Terms of Use versions, their clauses and translations, and members' acceptance of them
(clauses 1.1, 1.3, 1.4, 4.4); how each site asks for acceptance of a new version; and the
Additional Agreements that govern particular Services (clauses 1.5, 12.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tradepost.members.models import Site
from tradepost.terms.policy import service_choices

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


class AcceptanceMode(models.TextChoices):
    """How a site's members come to be bound by a new version of the Terms (clause 1.3)."""

    CONTINUED_USE = "continued_use", "Continued use after notice (1.3)"
    EXPLICIT = "explicit", "Explicit re-acceptance before the next sensitive action"


class SiteTermsSettings(models.Model):
    """The operator's choice, per site, of how a new version is accepted. No row: continued use."""

    site = models.CharField(max_length=16, choices=Site.choices, unique=True)
    acceptance_mode = models.CharField(
        max_length=16,
        choices=AcceptanceMode.choices,
        default=AcceptanceMode.CONTINUED_USE,
        help_text=(
            "Continued use: a member's next sensitive action after the new version took effect "
            "and they were notified records their acceptance (1.3). Explicit: members must "
            "click to accept it before posting content, ordering or paying."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "site Terms settings"
        verbose_name_plural = "site Terms settings"

    def __str__(self) -> str:
        return f"{self.site}: {self.get_acceptance_mode_display()}"


class SiteTermsSettingsChange(models.Model):
    """Who changed a site's acceptance mode (clause 1.3), when, from what to what (`by`
    empty: not from the console)."""

    site = models.CharField(max_length=16, choices=Site.choices)
    from_mode = models.CharField(max_length=16, choices=AcceptanceMode.choices, blank=True)
    to_mode = models.CharField(max_length=16, choices=AcceptanceMode.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.site}: {self.from_mode or '-'} -> {self.to_mode}"


class AdditionalAgreement(models.Model):
    """A separate agreement for one Service (clause 1.5), e.g. a Transaction Services Agreement.

    Where it and the Terms conflict, it prevails for that Service only (1.5, 12.1). `site`
    empty: it applies on every site.
    """

    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    service = models.CharField(
        max_length=64, choices=service_choices, help_text="The Service it governs."
    )
    site = models.CharField(
        max_length=16, choices=Site.choices, blank=True, help_text="Empty: every site."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "key"]

    def __str__(self) -> str:
        return f"{self.title} ({self.service})"


class AgreementVersion(models.Model):
    """One version of an Additional Agreement, in force from its effective date; never edited."""

    agreement = models.ForeignKey(
        AdditionalAgreement, on_delete=models.PROTECT, related_name="versions"
    )
    label = models.CharField(max_length=200)
    effective_date = models.DateField()
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "-effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "effective_date"], name="one_agreement_version_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.title}: {self.label} (effective {self.effective_date:%Y-%m-%d})"


class AgreementChange(models.Model):
    """Who created an Additional Agreement, changed its title or posted a version, and when
    (`by` empty: the `tradepost agreements import` command). `changes` maps each field to
    [before, after]."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        VERSION_POSTED = "version_posted", "Version posted"

    agreement = models.ForeignKey(
        AdditionalAgreement, on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    changes = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.action}"


class AgreementAcceptance(models.Model):
    """A member clicked to accept this exact agreement text (clauses 1.5, 4.4)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "version"], name="accept_agreement_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} accepted agreement version {self.version_id}"
