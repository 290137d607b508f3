"""Use cases that change Terms state."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Literal

from django.db import transaction
from django.utils import timezone

from tradepost.errors import Conflict, InvalidInput
from tradepost.notices.services import terms_version_announce
from tradepost.policy import SITES
from tradepost.terms.clause_rows import clause_rows_create
from tradepost.terms.models import (
    GOVERNING_LANGUAGE,
    AcceptanceMethod,
    Clause,
    TermsAcceptance,
    TermsTranslation,
    TermsVersion,
)
from tradepost.terms.parsing import TermsParseError, parse_document

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class TermsDocumentInvalid(InvalidInput):
    """The file cannot be read as Terms; `line` says where."""

    code = "terms_document_invalid"

    def __init__(self, *, source_name: str, error: TermsParseError) -> None:
        super().__init__(
            f"{source_name}, line {error.line}: {error.reason}",
            fields={"document": [f"line {error.line}: {error.reason}"]},
            extra={"line": error.line, "reason": error.reason},
        )
        self.line = error.line
        self.reason = error.reason


class TermsVersionConflict(Conflict):
    """Clause 1.3 amends by posting a new version; a posted version is never rewritten."""

    code = "terms_version_conflict"


@dataclass(frozen=True)
class ImportedVersion:
    version_pk: int
    label: str
    effective_date: date
    status: Literal["created", "unchanged"]


@dataclass(frozen=True)
class ImportResult:
    site: str
    source_name: str
    versions: tuple[ImportedVersion, ...]

    @property
    def created(self) -> list[ImportedVersion]:
        return [v for v in self.versions if v.status == "created"]


def site_check(site: str) -> str:
    """Clause 2.1: the Terms are kept per site family."""
    if site not in SITES:
        raise InvalidInput(
            f"Unknown site {site!r}.", fields={"site": [f"Choose one of: {', '.join(SITES)}."]}
        )
    return site


@transaction.atomic
def terms_import(*, site: str, text: str, source_name: str) -> ImportResult:
    """Clause 1.3: load every dated part of a Terms document as a version of `site`'s Terms.

    All or nothing. A part already stored with the same text is left as it is (re-importing
    is a no-op); a part whose date is taken by a different text is refused, never overwritten.
    Members are told of each new version once the transaction commits.
    """
    site_check(site)
    try:
        document = parse_document(text)
    except TermsParseError as exc:
        raise TermsDocumentInvalid(source_name=source_name, error=exc) from exc

    imported: list[ImportedVersion] = []
    for part in document.parts:
        version, created = TermsVersion.objects.get_or_create(
            site=site,
            effective_date=part.effective_date,
            defaults={
                "label": part.label,
                "body": part.body,
                "body_sha256": part.sha256,
                "preamble": part.preamble,
                "source_name": source_name[:200],
            },
        )
        if not created and version.body_sha256 != part.sha256:
            raise TermsVersionConflict(
                f"{site} already has a different version effective {part.effective_date:%Y-%m-%d}"
                f" ({version.label}, id {version.pk}); {part.label} was not imported. "
                "Publish changed Terms as a new part with a new effective date.",
                extra={"version_id": version.pk, "line": part.line},
            )
        if not created and not version.clauses.exists():
            version.preamble = part.preamble
            version.save(update_fields=["preamble"])
        if created or not version.clauses.exists():
            clause_rows_create(clause_model=Clause, version=version, part=part)
        imported.append(
            ImportedVersion(
                version_pk=version.pk,
                label=version.label,
                effective_date=version.effective_date,
                status="created" if created else "unchanged",
            )
        )
    for version_pk in _versions_to_announce(site=site, imported=imported):
        transaction.on_commit(partial(terms_version_announce, version_pk=version_pk))
    return ImportResult(site=site, source_name=source_name, versions=tuple(imported))


def _versions_to_announce(*, site: str, imported: list[ImportedVersion]) -> list[int]:
    """Clause 1.3: members are told of amended Terms that bind them now or will bind them.

    A newly created version already superseded by a later one in force today (Part B of a
    document that also carries Part A, say) is history, not news: it is not announced.
    """
    today = timezone.localdate()
    latest_in_force = (
        TermsVersion.objects.filter(site=site, effective_date__lte=today)
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )
    return [
        v.version_pk
        for v in imported
        if v.status == "created"
        and (latest_in_force is None or v.effective_date >= latest_in_force)
    ]


@transaction.atomic
def terms_translation_attach(
    *, version: TermsVersion, language: str, body: str, replace: bool = False
) -> TermsTranslation:
    """Clause 1.4: a translation is for convenience only; the English version governs."""
    language = language.strip()
    if not _LANGUAGE_TAG.match(language):
        raise InvalidInput(
            f"{language!r} is not a language tag.", fields={"language": ["Use e.g. 'ru', 'es'."]}
        )
    if language.split("-")[0].lower() == GOVERNING_LANGUAGE:
        raise InvalidInput(
            "The English text is the version itself and governs (clause 1.4).",
            fields={"language": ["A translation cannot be in English."]},
        )
    if not body.strip():
        raise InvalidInput("The translation is empty.", fields={"body": ["Required."]})
    sha = hashlib.sha256(body.encode()).hexdigest()
    translation, created = TermsTranslation.objects.get_or_create(
        version=version, language=language, defaults={"body": body, "body_sha256": sha}
    )
    if not created and translation.body_sha256 != sha:
        if not replace:
            raise Conflict(
                f"Version {version.pk} already has a different {language} translation.",
                extra={"translation_id": translation.pk},
            )
        translation.body, translation.body_sha256 = body, sha
        translation.save(update_fields=["body", "body_sha256"])
    return translation


@transaction.atomic
def terms_accept(
    *, member_pk: int, version: TermsVersion, method: AcceptanceMethod, ip: str | None
) -> TermsAcceptance:
    """Clauses 1.1 and 4.4: record that a member accepted this exact text."""
    acceptance, _ = TermsAcceptance.objects.get_or_create(
        member_id=member_pk,
        version=version,
        defaults={
            "accepted_at": timezone.now(),
            "method": method,
            "ip": ip,
            "text_sha256": version.body_sha256,
        },
    )
    return acceptance
