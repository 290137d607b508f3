"""Sanctions lists as published (clauses 5.6 k, 5.13): a list, its imported versions, and its
entries with their aliases. Entries are never deleted: a version that no longer carries one
marks it removed, so a screening result can always name the list version it used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    OTHER = "other", _("Other")


class SanctionsList(models.Model):
    """One published list, keyed by its source (`ofac-sdn`, `ofac-cons`, `un-sc`,
    `ftm:<dataset>`)."""

    source = models.CharField(_("source"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sanctions list")
        verbose_name_plural = _("sanctions lists")
        ordering = ["source"]

    def __str__(self) -> str:
        return self.source

    @property
    def current_version(self) -> ListVersion | None:
        return self.versions.order_by("-number").first()


class ListVersion(models.Model):
    """One import of a list's files, applied as a diff against the version before."""

    sanctions_list = models.ForeignKey(
        SanctionsList, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    published = models.DateField(_("published"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    content_hash = models.CharField(_("content hash of the input files"), max_length=64)
    file_names = models.JSONField(_("file names"), default=list)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    alias_count = models.PositiveIntegerField(_("aliases"), default=0)
    added_count = models.PositiveIntegerField(_("added"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    removed_count = models.PositiveIntegerField(_("removed"), default=0)
    skipped = models.JSONField(
        _("skipped records"),
        default=dict,
        help_text=_("Counts of records skipped, by reason (orphan aliases, addresses, ...)."),
    )

    class Meta:
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        ordering = ["sanctions_list", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sanctions_list", "number"], name="compliance_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sanctions_list.source} v{self.number}"


class Entry(models.Model):
    """One listed party, identified by the list's own id (OFAC `ent_num`, UN reference number
    such as `QDi.430`, FtM `id`). `data` holds what matching needs beside the names:
    countries, dates (exact, year only, ranges), identifiers, addresses."""

    sanctions_list = models.ForeignKey(
        SanctionsList, on_delete=models.PROTECT, related_name="entries"
    )
    source_id = models.CharField(_("source id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    name = models.CharField(_("primary name"), max_length=500)
    programs = models.JSONField(_("programs"), default=list)
    remarks = models.TextField(_("remarks"), blank=True)
    data = models.JSONField(_("data"), default=dict)
    content_hash = models.CharField(_("content hash"), max_length=64)
    first_seen = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("first seen")
    )
    last_changed = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("last changed")
    )
    removed_in = models.ForeignKey(
        ListVersion,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("removed in"),
    )

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["sanctions_list", "source_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sanctions_list", "source_id"], name="compliance_entry_unique_source_id"
            )
        ]
        indexes = [models.Index(fields=["sanctions_list", "removed_in"])]

    def __str__(self) -> str:
        return f"{self.source_id} {self.name}"


class AliasType(models.TextChoices):
    AKA = "aka", _("also known as")
    FKA = "fka", _("formerly known as")
    NKA = "nka", _("now known as")
    ORIGINAL_SCRIPT = "original", _("name in original script")
    OTHER = "other", _("other name")


class AliasQuality(models.TextChoices):
    STRONG = "strong", _("strong")
    WEAK = "weak", _("weak")


class Alias(models.Model):
    """Another name of an entry. Aliases are replaced whole when their entry changes."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=500)
    alias_type = models.CharField(_("type"), max_length=10, choices=AliasType.choices)
    quality = models.CharField(_("quality"), max_length=10, choices=AliasQuality.choices)
    script = models.CharField(_("script"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.name


class ScreenedSubject(models.TextChoices):
    COMPANY = "company", _("Company name")
    CONTACT = "contact", _("Contact person")
    REFEREE = "referee", _("Business referee")


class HitStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    CLEARED = "cleared", _("Cleared")


class ScreeningHit(models.Model):
    """Clause 5.13: a member's name (company, contact person or a business referee) matched a
    list entry closely enough for compliance staff to review it.

    What the hit rests on is kept as it was: the screened value and its fingerprint, the list
    version, the entry's content hash, the score and the matcher's reasons. A cleared hit is the
    false-positive memory: the same member, subject and entry do not alert again while both
    fingerprints stay the same."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="screening_hits"
    )
    subject = models.CharField(_("subject"), max_length=10, choices=ScreenedSubject.choices)
    subject_key = models.CharField(
        _("subject key"),
        max_length=32,
        blank=True,
        help_text=_("Which referee, for a referee; empty otherwise."),
    )
    subject_value = models.CharField(_("screened value"), max_length=500)
    subject_fingerprint = models.CharField(_("fingerprint of the screened value"), max_length=64)
    list_source = models.CharField(_("list"), max_length=100)
    list_version = models.PositiveIntegerField(_("list version"))
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="screening_hits")
    entry_source_id = models.CharField(_("entry source id"), max_length=100)
    entry_hash = models.CharField(_("entry content hash"), max_length=64)
    entry_name = models.CharField(_("entry name"), max_length=500)
    matched_alias = models.CharField(_("matched name"), max_length=500)
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    holds = models.BooleanField(
        _("holds the member"),
        default=False,
        help_text=_("The score reached the hold score: the member is restricted pending review."),
    )
    hold_action = models.ForeignKey(
        "trust.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hold"),
    )
    case = models.ForeignKey(
        "trust.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=HitStatus.choices, default=HitStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("screening hit")
        verbose_name_plural = _("screening hits")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_screeninghit", "Can confirm or clear a screening hit")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "entry", "subject", "subject_key"],
                condition=models.Q(status="open"),
                name="compliance_hit_unique_open",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject} {self.entry_source_id} ({self.status})"


class RescreenCursor(models.Model):
    """Where `tradepost sanctions rescreen` got to, so an interrupted run resumes."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_member_pk = models.PositiveBigIntegerField(_("last member screened"), default=0)
    screened = models.PositiveIntegerField(_("members screened"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The list versions (ids) this run screens against, only what they added or changed;
    # empty: every entry in force (a full rescreen).
    versions = models.JSONField(_("list versions screened against"), default=list, blank=True)

    class Meta:
        verbose_name = _("rescreen cursor")
        verbose_name_plural = _("rescreen cursors")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_member_pk}"
