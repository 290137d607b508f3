"""Reads about Terms versions, their clauses and the differences between versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from tradepost.errors import DomainError, InvalidInput, NotFound
from tradepost.policy import SITES
from tradepost.terms.diff import ClauseText, TermsDiff, clause_text, diff_clauses
from tradepost.terms.models import Clause, TermsAcceptance, TermsTranslation, TermsVersion


class NoTermsInForce(DomainError):
    code = "no_terms_in_force"
    status = 503


class NoTermsInForceOn(NotFound):
    """Asked about a day before the site's first version: nothing to show, not an outage."""

    code = "no_terms_in_force"


@dataclass
class ClauseNode:
    """A clause or sub-item with its children, in document order, for pages and the API."""

    number: str
    label: str
    section: str
    heading: str
    lead_in: str
    text: str
    closing_text: str
    sub_items: list[ClauseNode] = field(default_factory=list)


def _site(site: str) -> str:
    if site not in SITES:
        raise InvalidInput(
            f"Unknown site {site!r}.", fields={"site": [f"Choose one of: {', '.join(SITES)}."]}
        )
    return site


def _latest_on(site: str, day: date) -> TermsVersion | None:
    return (
        TermsVersion.objects.filter(site=site, effective_date__lte=day)
        .order_by("-effective_date")
        .first()
    )


def terms_version_in_force(*, site: str, at: datetime | date | None = None) -> TermsVersion:
    """Clause 1.3: the version with the latest effective date not after `at` binds."""
    day = timezone.localdate(at) if isinstance(at, datetime) else at or timezone.localdate()
    version = _latest_on(site, day)
    if version is None:
        raise NoTermsInForce(f"No Terms of Use are in force for the {site} site yet.")
    return version


def terms_version_in_force_on(*, site: str, day: date) -> TermsVersion:
    """Clause 1.3, for a question about a given day: unknown site 422, nothing yet 404."""
    version = _latest_on(_site(site), day)
    if version is None:
        raise NoTermsInForceOn(
            f"No Terms of Use were in force for the {site} site on {day:%Y-%m-%d}.",
            fields={"at": ["Before the first version's effective date."]},
        )
    return version


def terms_versions(*, site: str) -> QuerySet[TermsVersion]:
    """The site's versions, newest effective date first (the history page, `terms list`)."""
    return TermsVersion.objects.filter(site=_site(site)).order_by("-effective_date")


def terms_version_get(*, version_id: int) -> TermsVersion:
    version = TermsVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise NotFound(f"No Terms version with id {version_id}.", fields={"id": ["Unknown."]})
    return version


def terms_translation_get(*, version: TermsVersion, language: str) -> TermsTranslation:
    translation = version.translations.filter(language=language).first()
    if translation is None:
        raise NotFound(f"Version {version.pk} has no {language!r} translation.")
    return translation


def terms_clause_tree(*, version: TermsVersion) -> list[ClauseNode]:
    """All clauses of a version with their sub-items nested, from one query."""
    nodes: dict[int, ClauseNode] = {}
    roots: list[ClauseNode] = []
    for row in Clause.objects.filter(version=version).order_by("position"):
        node = ClauseNode(
            number=row.number,
            label=row.label,
            section=row.section,
            heading=row.heading,
            lead_in=row.lead_in,
            text=row.text,
            closing_text=row.closing_text,
        )
        nodes[row.pk] = node
        if row.parent_id is None:
            roots.append(node)
        else:
            nodes[row.parent_id].sub_items.append(node)
    return roots


def terms_version_clause_texts(*, version: TermsVersion) -> list[ClauseText]:
    return [clause_text(node) for node in terms_clause_tree(version=version)]


def terms_versions_diff(*, from_version: TermsVersion, to_version: TermsVersion) -> TermsDiff:
    """Clauses 1.3 and 12.4: what changed from one version to another, clause by clause."""
    return diff_clauses(
        terms_version_clause_texts(version=from_version),
        terms_version_clause_texts(version=to_version),
        preamble_before=from_version.preamble,
        preamble_after=to_version.preamble,
    )


def acceptances_for_member(*, member_pk: int) -> list[TermsAcceptance]:
    return list(
        TermsAcceptance.objects.filter(member_id=member_pk)
        .select_related("version")
        .order_by("-accepted_at")
    )


def terms_version_summary(version: TermsVersion) -> dict[str, object]:
    """The object scripts rely on (`terms list/in-force --json`, the API): id, label, date."""
    return {
        "id": version.pk,
        "label": version.label,
        "effective_date": version.effective_date.isoformat(),
    }
