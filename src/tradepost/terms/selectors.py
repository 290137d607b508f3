"""Reads about Terms versions, their clauses and the differences between versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tradepost.errors import DomainError, InvalidInput, NotFound
from tradepost.members.models import Member
from tradepost.policy import SITES
from tradepost.terms import cache
from tradepost.terms.diff import ClauseText, TermsDiff, clause_text, diff_clauses
from tradepost.terms.models import (
    AcceptanceMode,
    AdditionalAgreement,
    AgreementAcceptance,
    AgreementVersion,
    Clause,
    SiteTermsSettings,
    TermsAcceptance,
    TermsTranslation,
    TermsVersion,
)
from tradepost.terms.policy import load_services_policy


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


# --- Acceptance gates: what binds a member now (clauses 1.1, 1.3, 1.5), cached -------------


@dataclass(frozen=True)
class VersionRef:
    """What a gate, an error and a page need of a Terms or agreement version."""

    id: int
    label: str
    effective_date: date
    body_sha256: str
    url: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "effective_date": self.effective_date.isoformat(),
            "url": self.url,
        }


@dataclass(frozen=True)
class SiteTermsState:
    version: VersionRef | None
    mode: str


@dataclass(frozen=True)
class AgreementRef:
    """An Additional Agreement in force for a service, with its version in force."""

    key: str
    title: str
    service: str
    site: str
    version: VersionRef

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "title": self.title, "service": self.service}


def terms_version_ref(version: TermsVersion) -> VersionRef:
    return VersionRef(
        id=version.pk,
        label=version.label,
        effective_date=version.effective_date,
        body_sha256=version.body_sha256,
        url=reverse("terms:version", args=[version.pk]),
    )


def agreement_version_ref(version: AgreementVersion) -> VersionRef:
    return VersionRef(
        id=version.pk,
        label=version.label,
        effective_date=version.effective_date,
        body_sha256=version.body_sha256,
        url=reverse("terms:agreement", args=[version.pk]),
    )


def site_acceptance_mode(*, site: str) -> str:
    """The operator's choice for the site (console: Site Terms settings); continued use if none."""
    mode = (
        SiteTermsSettings.objects.filter(site=site)
        .values_list("acceptance_mode", flat=True)
        .first()
    )
    return mode or AcceptanceMode.CONTINUED_USE


def site_terms_state(*, site: str, now: datetime | None = None) -> SiteTermsState:
    """Clause 1.3: the version in force on the site and how a new one is accepted. Cached
    until the next version takes effect (or a change forgets it)."""
    now = now or timezone.now()

    def load() -> tuple[SiteTermsState, datetime | None, datetime | None]:
        today = timezone.localdate(now)
        in_force = _latest_on(site, today)
        upcoming = (
            TermsVersion.objects.filter(site=site, effective_date__gt=today)
            .order_by("effective_date")
            .values_list("effective_date", flat=True)
            .first()
        )
        state = SiteTermsState(
            version=terms_version_ref(in_force) if in_force else None,
            mode=site_acceptance_mode(site=site),
        )
        return (
            state,
            cache.day_start(in_force.effective_date) if in_force else None,
            cache.day_start(upcoming) if upcoming else None,
        )

    return cache.in_window(cache.site_terms_key(site), now=now, load=load)


def terms_accepted_version_id(*, member_pk: int, site: str, fresh: bool = False) -> int | None:
    """The newest version of the site's Terms the member accepted (by effective date).

    Cached once known; `fresh` reads the database (a gate does before it refuses).
    """
    key = cache.member_terms_key(member_pk)
    if not fresh:
        hit = cache.get(key)
        if hit is not None:
            return hit
    accepted = (
        TermsAcceptance.objects.filter(member_id=member_pk, version__site=site)
        .order_by("-version__effective_date")
        .values_list("version_id", flat=True)
        .first()
    )
    if accepted is not None:
        cache.put(key, accepted)
    return accepted


def agreements_in_force(
    *, site: str, service: str, now: datetime | None = None
) -> tuple[AgreementRef, ...]:
    """Clause 1.5: the Additional Agreements governing `service` on `site`, each with its
    version in force. Cached until one of them gets a newer version in force."""
    now = now or timezone.now()

    def load() -> tuple[tuple[AgreementRef, ...], datetime | None, datetime | None]:
        today = timezone.localdate(now)
        refs: list[AgreementRef] = []
        starts: list[datetime] = []
        upcoming: list[date] = []
        agreements = AdditionalAgreement.objects.filter(
            service=service, site__in=[site, ""]
        ).order_by("key")
        versions = AgreementVersion.objects.filter(agreement__in=agreements).order_by(
            "-effective_date"
        )
        by_agreement: dict[int, list[AgreementVersion]] = {}
        for version in versions:
            by_agreement.setdefault(version.agreement_id, []).append(version)
        for agreement in agreements:
            history = by_agreement.get(agreement.pk, [])
            upcoming += [v.effective_date for v in history if v.effective_date > today]
            current = next((v for v in history if v.effective_date <= today), None)
            if current is None:
                continue
            starts.append(cache.day_start(current.effective_date))
            refs.append(
                AgreementRef(
                    key=agreement.key,
                    title=agreement.title,
                    service=agreement.service,
                    site=agreement.site,
                    version=agreement_version_ref(current),
                )
            )
        return (
            tuple(refs),
            max(starts) if starts else None,
            cache.day_start(min(upcoming)) if upcoming else None,
        )

    return cache.in_window(cache.agreements_key(site, service), now=now, load=load)


def agreement_versions_accepted(*, member_pk: int, fresh: bool = False) -> frozenset[int]:
    """The agreement versions the member accepted. Cached once there is one."""
    key = cache.member_agreements_key(member_pk)
    if not fresh:
        hit = cache.get(key)
        if hit is not None:
            return hit
    accepted = frozenset(
        AgreementAcceptance.objects.filter(member_id=member_pk).values_list("version_id", flat=True)
    )
    if accepted:
        cache.put(key, accepted)
    return accepted


def member_of_user(*, user_pk: int) -> tuple[int, str] | None:
    """(member pk, site) of a login, cached: a login's member and a member's site never
    change. For the acceptance banner shown on every page."""
    key = cache.member_of_user_key(user_pk)
    hit = cache.get(key)
    if hit is not None:
        return hit or None
    row = Member.objects.filter(user_id=user_pk).values_list("pk", "site").first()
    cache.put(key, tuple(row) if row else ())
    return (row[0], row[1]) if row else None


def terms_acceptance_pending(*, member_pk: int, site: str) -> VersionRef | None:
    """The version the member must still click to accept (explicit mode only), or None."""
    state = site_terms_state(site=site)
    if state.version is None or state.mode != AcceptanceMode.EXPLICIT:
        return None
    for fresh in (False, True):
        if terms_accepted_version_id(member_pk=member_pk, site=site, fresh=fresh) == (
            state.version.id
        ):
            return None
    return state.version


# --- What a member accepted, and what governs a service ---------------------------------


@dataclass(frozen=True)
class AcceptanceRecord:
    """One acceptance, of the Terms or of an Additional Agreement, as pages and exports show it."""

    kind: str  # "terms" | "additional_agreement"
    document: str
    agreement_key: str
    service: str
    site: str
    version_id: int
    version_label: str
    effective_date: date
    method: str
    accepted_at: datetime
    ip: str | None
    text_sha256: str
    url: str


def acceptance_history(*, member_pk: int) -> list[AcceptanceRecord]:
    """Clauses 1.1, 1.5, 4.4: every version of the Terms and of any Additional Agreement the
    member accepted, newest first."""
    records = [
        AcceptanceRecord(
            kind="terms",
            document="Terms of Use",
            agreement_key="",
            service="",
            site=a.version.site,
            version_id=a.version_id,
            version_label=a.version.label,
            effective_date=a.version.effective_date,
            method=a.method,
            accepted_at=a.accepted_at,
            ip=a.ip,
            text_sha256=a.text_sha256,
            url=reverse("terms:version", args=[a.version_id]),
        )
        for a in acceptances_for_member(member_pk=member_pk)
    ]
    records += [
        AcceptanceRecord(
            kind="additional_agreement",
            document=a.version.agreement.title,
            agreement_key=a.version.agreement.key,
            service=a.version.agreement.service,
            site=a.version.agreement.site,
            version_id=a.version_id,
            version_label=a.version.label,
            effective_date=a.version.effective_date,
            method="explicit",
            accepted_at=a.accepted_at,
            ip=a.ip,
            text_sha256=a.text_sha256,
            url=reverse("terms:agreement", args=[a.version_id]),
        )
        for a in AgreementAcceptance.objects.filter(member_id=member_pk).select_related(
            "version__agreement"
        )
    ]
    return sorted(records, key=lambda r: (r.accepted_at, r.kind, r.version_id), reverse=True)


def service_check(service: str) -> str:
    """A key of policy/services.toml, or 422."""
    services = load_services_policy().services
    if service not in services:
        raise InvalidInput(
            f"Unknown service {service!r}.",
            fields={"service": [f"Choose one of: {', '.join(services)}."]},
        )
    return service


def member_obligations(*, member: Member, service: str) -> dict[str, object]:
    """Clauses 1.5 and 12.1: the documents that govern the member's use of a service, the
    Additional Agreements first (they prevail over the Terms for that service), then the
    Terms, each with whether the member accepted the version in force."""
    service_check(service)
    now = timezone.now()
    accepted_agreements = agreement_versions_accepted(member_pk=member.pk, fresh=True)
    documents: list[dict[str, object]] = [
        {
            "kind": "additional_agreement",
            "agreement": ref.as_dict(),
            "version": ref.version.as_dict(),
            "prevails": True,
            "clause": "1.5",
            "accepted": ref.version.id in accepted_agreements,
        }
        for ref in agreements_in_force(site=member.site, service=service, now=now)
    ]
    state = site_terms_state(site=member.site, now=now)
    if state.version is not None:
        accepted = terms_accepted_version_id(member_pk=member.pk, site=member.site, fresh=True)
        documents.append(
            {
                "kind": "terms",
                "version": state.version.as_dict(),
                "prevails": False,
                "clause": "12.1",
                "accepted": accepted == state.version.id,
                "acceptance_mode": state.mode,
            }
        )
    title = load_services_policy().services[service].title
    return {"service": service, "service_title": title, "documents": documents}


def agreement_version_get(*, version_id: int) -> AgreementVersion:
    version = AgreementVersion.objects.select_related("agreement").filter(pk=version_id).first()
    if version is None:
        raise NotFound(f"No agreement version with id {version_id}.", fields={"id": ["Unknown."]})
    return version


def agreement_version_in_force_for(*, version: AgreementVersion, site: str) -> bool:
    """Whether this is the version of its agreement in force on `site` today (clause 1.5)."""
    refs = agreements_in_force(site=site, service=version.agreement.service)
    return any(ref.version.id == version.pk for ref in refs)


def agreement_acceptance_of(*, member_pk: int, version_id: int) -> AgreementAcceptance | None:
    return AgreementAcceptance.objects.filter(member_id=member_pk, version_id=version_id).first()


def terms_acceptance_of(*, member_pk: int, version_id: int) -> TermsAcceptance | None:
    return TermsAcceptance.objects.filter(member_id=member_pk, version_id=version_id).first()
