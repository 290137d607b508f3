"""Use cases that change Terms state."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Literal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tradepost.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from tradepost.members.models import Member, User
from tradepost.notices.selectors import terms_update_received_at
from tradepost.policy import SITES
from tradepost.terms import cache, rules, selectors
from tradepost.terms.announcements import terms_version_announce
from tradepost.terms.clause_rows import clause_rows_create
from tradepost.terms.models import (
    GOVERNING_LANGUAGE,
    AcceptanceMethod,
    AcceptanceMode,
    AdditionalAgreement,
    AgreementAcceptance,
    AgreementChange,
    AgreementVersion,
    Clause,
    SiteTermsSettings,
    SiteTermsSettingsChange,
    TermsAcceptance,
    TermsTranslation,
    TermsVersion,
)
from tradepost.terms.parsing import TermsParseError, parse_document
from tradepost.terms.policy import load_services_policy
from tradepost.terms.rules import Outcome, SensitiveAction
from tradepost.terms.selectors import AgreementRef, VersionRef

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_AGREEMENT_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
    if any(v.status == "created" for v in imported):
        cache.forget(cache.site_terms_key(site))
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
    cache.forget(cache.member_terms_key(member_pk))
    return acceptance


# --- Acceptance of a new version: the gate on sensitive actions (1.1, 1.3, 4.4) -----------


class TermsAcceptanceRequired(PermissionDeniedError):
    """Clause 1.3, on a site in explicit mode: accept the version in force first."""

    code = "terms_acceptance_required"

    def __init__(self, *, version: VersionRef, action: SensitiveAction) -> None:
        super().__init__(
            f"The Terms of Use were amended ({version.label}, effective "
            f"{version.effective_date:%Y-%m-%d}). Accept them at {reverse('terms:accept')} "
            f"before you {rules.ACTION_WORDS[action]} (clauses 1.3, 4.4).",
            extra={
                "version": version.as_dict(),
                "action": action,
                "accept_url": reverse("terms:accept"),
            },
        )
        self.version = version


class TermsVersionNotInForce(Conflict):
    """Only the version in force for the member's site can be accepted."""

    code = "terms_version_not_in_force"


def terms_acceptance_guard(*, member: Member, action: str, ip: str | None) -> None:
    """Clauses 1.1, 1.3 and 4.4: is the member bound by the Terms in force before a sensitive
    action? Call it first in every service that performs one of `rules.SensitiveAction`:
    "post_content" (listings, images, company information), "place_order", "accept_order",
    "pay".

    Accepted the version in force: nothing to do (no query, from the cache). Otherwise, by
    the site's acceptance mode: explicit, raise TermsAcceptanceRequired (403) naming the
    version to accept; continued use, once the member has been notified of the version
    (their terms-update notice deemed received, 11.2), this action records the acceptance
    with method continued_use, IP and text hash; before that the member stays bound by the
    version they accepted, and the action goes ahead with nothing recorded.
    """
    action = SensitiveAction(action)
    now = timezone.now()
    state = selectors.site_terms_state(site=member.site, now=now)
    if state.version is None:
        return
    in_force = state.version.id
    accepted = selectors.terms_accepted_version_id(member_pk=member.pk, site=member.site)
    decision = rules.terms_acceptance_decision(
        in_force_version_id=in_force, accepted_version_id=accepted, mode=state.mode, notified=None
    )
    if decision.outcome == Outcome.ALLOW:
        return
    accepted = selectors.terms_accepted_version_id(
        member_pk=member.pk, site=member.site, fresh=True
    )
    decision = rules.terms_acceptance_decision(
        in_force_version_id=in_force, accepted_version_id=accepted, mode=state.mode, notified=None
    )
    if decision.outcome == Outcome.NEEDS_NOTICE:
        received = terms_update_received_at(member_pk=member.pk, terms_version_id=in_force, at=now)
        decision = rules.terms_acceptance_decision(
            in_force_version_id=in_force,
            accepted_version_id=accepted,
            mode=state.mode,
            notified=received is not None,
        )
    if decision.outcome == Outcome.REQUIRE_EXPLICIT:
        raise TermsAcceptanceRequired(version=state.version, action=action)
    if decision.outcome == Outcome.RECORD_CONTINUED_USE:
        terms_accept(
            member_pk=member.pk,
            version=TermsVersion.objects.get(pk=in_force),
            method=AcceptanceMethod.CONTINUED_USE,
            ip=ip,
        )


@transaction.atomic
def terms_accept_explicit(*, member: Member, version_id: int, ip: str | None) -> TermsAcceptance:
    """Clauses 1.1, 1.3 and 4.4: the member clicks to accept the version in force for their
    site. Any other version (older, not yet in force, another site's) is refused (409).
    Accepting a version already accepted answers the acceptance on record."""
    in_force = selectors.terms_version_in_force(site=member.site)
    if version_id != in_force.pk:
        raise TermsVersionNotInForce(
            f"Version {version_id} is not the Terms of Use in force for your site; accept "
            f"{in_force.label} (id {in_force.pk}).",
            fields={"version_id": [f"Use {in_force.pk}."]},
            extra={"version": selectors.terms_version_ref(in_force).as_dict()},
        )
    return terms_accept(
        member_pk=member.pk, version=in_force, method=AcceptanceMethod.EXPLICIT, ip=ip
    )


@transaction.atomic
def site_terms_settings_set(
    *, site: str, acceptance_mode: str, by: User | None
) -> SiteTermsSettings:
    """The operator chooses how the site's members accept a new version (clause 1.3).
    A change is audited (SiteTermsSettingsChange) with the staff member who made it."""
    site_check(site)
    if acceptance_mode not in AcceptanceMode.values:
        raise InvalidInput(
            f"Unknown acceptance mode {acceptance_mode!r}.",
            fields={"acceptance_mode": [f"Choose one of: {', '.join(AcceptanceMode.values)}."]},
        )
    before = (
        SiteTermsSettings.objects.select_for_update()
        .filter(site=site)
        .values_list("acceptance_mode", flat=True)
        .first()
    )
    row, _ = SiteTermsSettings.objects.update_or_create(
        site=site, defaults={"acceptance_mode": acceptance_mode, "updated_by": by}
    )
    if before != acceptance_mode:
        SiteTermsSettingsChange.objects.create(
            site=site, from_mode=before or "", to_mode=acceptance_mode, by=by
        )
    cache.forget(cache.site_terms_key(site))
    return row


# --- Additional Agreements (1.5, 12.1) -----------------------------------------------------


class AgreementAcceptanceRequired(PermissionDeniedError):
    """Clause 1.5: accept the service's Additional Agreement in force before using it."""

    code = "agreement_acceptance_required"

    def __init__(self, *, agreement: AgreementRef, service: str) -> None:
        version = agreement.version
        super().__init__(
            f"Using {load_services_policy().services[service].title.lower()} requires the "
            f"{agreement.title} ({version.label}, effective {version.effective_date:%Y-%m-%d}). "
            f"Read and accept it at {version.url} (clause 1.5).",
            extra={
                "service": service,
                "agreement": agreement.as_dict(),
                "version": version.as_dict(),
            },
        )
        self.agreement = agreement


class AgreementVersionNotInForce(Conflict):
    code = "agreement_version_not_in_force"


def agreement_guard(*, member: Member, service: str, ip: str | None) -> None:
    """Clause 1.5: the member must have accepted every Additional Agreement in force for the
    service before using it; a new version of one must be accepted again. Raises
    AgreementAcceptanceRequired (403) naming the first one missing. No query when accepted.

    Agreements are only ever accepted by a click (4.4), never by continued use, so `ip` is
    not recorded here; it keeps the call the same shape as `terms_acceptance_guard`.
    """
    if service not in load_services_policy().services:
        raise ValueError(f"unknown service {service!r}: add it to policy/services.toml")
    required = selectors.agreements_in_force(site=member.site, service=service)
    if not required:
        return
    accepted = selectors.agreement_versions_accepted(member_pk=member.pk)
    if all(ref.version.id in accepted for ref in required):
        return
    accepted = selectors.agreement_versions_accepted(member_pk=member.pk, fresh=True)
    for ref in required:
        if ref.version.id not in accepted:
            raise AgreementAcceptanceRequired(agreement=ref, service=service)


@transaction.atomic
def agreement_accept(*, member: Member, version_id: int, ip: str | None) -> AgreementAcceptance:
    """Clauses 1.5 and 4.4: the member clicks to accept an Additional Agreement version. Only
    the version in force for the member's site can be accepted (409 otherwise)."""
    version = selectors.agreement_version_get(version_id=version_id)
    if not selectors.agreement_version_in_force_for(version=version, site=member.site):
        raise AgreementVersionNotInForce(
            f"{version.agreement.title}, {version.label}, is not the version in force for "
            "your site.",
            fields={"version_id": ["Not in force for your site."]},
        )
    acceptance, _ = AgreementAcceptance.objects.get_or_create(
        member=member,
        version=version,
        defaults={
            "accepted_at": timezone.now(),
            "ip": ip,
            "text_sha256": version.body_sha256,
        },
    )
    cache.forget(cache.member_agreements_key(member.pk))
    return acceptance


@transaction.atomic
def agreement_version_add(
    *,
    agreement: AdditionalAgreement,
    label: str,
    effective_date: date,
    body: str,
    source_name: str = "",
    by: User | None = None,
) -> tuple[AgreementVersion, bool]:
    """Post a version of an Additional Agreement (clause 1.5). Like the Terms (1.3), a posted
    version is never rewritten: the same text again is a no-op, another text on a date
    already taken is refused. Answers (version, created)."""
    label, body = label.strip(), body.strip()
    errors = {
        name: ["Required."] for name, value in (("label", label), ("body", body)) if not value
    }
    if errors:
        raise InvalidInput("The agreement version is incomplete.", fields=errors)
    sha = hashlib.sha256(body.encode()).hexdigest()
    version, created = AgreementVersion.objects.get_or_create(
        agreement=agreement,
        effective_date=effective_date,
        defaults={
            "label": label[:200],
            "body": body,
            "body_sha256": sha,
            "source_name": source_name[:200],
            "created_by": by,
        },
    )
    if not created and version.body_sha256 != sha:
        raise Conflict(
            f"{agreement.title} already has a different version effective "
            f"{effective_date:%Y-%m-%d} ({version.label}, id {version.pk}). Post changed text "
            "as a new version with a new effective date.",
            extra={"version_id": version.pk},
        )
    if created:
        AgreementChange.objects.create(
            agreement=agreement,
            action=AgreementChange.Action.VERSION_POSTED,
            changes={"version": [None, version.pk], "effective_date": [None, str(effective_date)]},
            by=by,
        )
        cache.forget(*(cache.agreements_key(site, agreement.service) for site in SITES))
    return version, created


AGREEMENT_TITLE_MAX = 200


def agreement_fields_check(*, key: str, service: str, site: str, title: str | None = None) -> None:
    """An agreement's key is a slug, its service a key of policy/services.toml, its site one
    of the sites (empty: every site), its title non-empty text. Raises InvalidInput naming
    every bad field; used by the console form before it saves, and by the services."""
    errors: dict[str, list[str]] = {}
    if not _AGREEMENT_KEY.match(key or "") or len(key) > 64:
        errors["key"] = ["Lowercase words joined by hyphens, e.g. transaction-services."]
    services = load_services_policy().services
    if service not in services:
        errors["service"] = [f"Choose one of: {', '.join(services)}."]
    if site and site not in SITES:
        errors["site"] = [f"Choose one of: {', '.join(SITES)}, or empty for every site."]
    if title is not None and not title.strip():
        errors["title"] = ["Required."]
    elif title is not None and len(title.strip()) > AGREEMENT_TITLE_MAX:
        errors["title"] = [f"At most {AGREEMENT_TITLE_MAX} characters."]
    if errors:
        raise InvalidInput("The agreement has invalid fields.", fields=errors)


@transaction.atomic
def agreement_create(
    *, key: str, title: str, service: str, site: str = "", by: User | None
) -> AdditionalAgreement:
    """A new Additional Agreement governing one service (clause 1.5), audited."""
    agreement_fields_check(key=key, service=service, site=site, title=title)
    if AdditionalAgreement.objects.filter(key=key).exists():
        raise Conflict(
            f"An agreement with the key {key!r} exists already.",
            fields={"key": ["This key is taken."]},
        )
    agreement = AdditionalAgreement.objects.create(
        key=key, title=title.strip(), service=service, site=site
    )
    AgreementChange.objects.create(
        agreement=agreement,
        action=AgreementChange.Action.CREATED,
        changes={
            name: [None, getattr(agreement, name)] for name in ("key", "title", "service", "site")
        },
        by=by,
    )
    return agreement


@transaction.atomic
def agreement_update(*, agreement_id: int, title: str, by: User | None) -> AdditionalAgreement:
    """Retitle an agreement. Its key, service and site never change (1.5: it governs what it
    was made for). Members' cached obligations drop the old title at once."""
    agreement = AdditionalAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound("Agreement not found.")
    agreement_fields_check(
        key=agreement.key, service=agreement.service, site=agreement.site, title=title
    )
    title = title.strip()
    if title == agreement.title:
        return agreement
    AgreementChange.objects.create(
        agreement=agreement,
        action=AgreementChange.Action.UPDATED,
        changes={"title": [agreement.title, title]},
        by=by,
    )
    agreement.title = title
    agreement.save(update_fields=["title"])
    cache.forget(*(cache.agreements_key(site, agreement.service) for site in SITES))
    return agreement


@transaction.atomic
def agreement_import(
    *,
    key: str,
    service: str,
    effective_date: date,
    body: str,
    title: str = "",
    site: str = "",
    label: str = "",
    source_name: str = "",
    by: User | None = None,
) -> tuple[AgreementVersion, bool]:
    """`tradepost agreements import`: create the agreement on first use, then post a version.
    An existing agreement keeps its service and site (1.5: it governs what it was made for)."""
    agreement_fields_check(key=key, service=service, site=site)
    agreement = AdditionalAgreement.objects.filter(key=key).first()
    if agreement is None:
        if not title.strip():
            raise InvalidInput(
                f"There is no agreement {key!r} yet; give its title to create it.",
                fields={"title": ["Required for a new agreement."]},
            )
        agreement = agreement_create(key=key, title=title, service=service, site=site, by=by)
    elif (agreement.service, agreement.site) != (service, site):
        raise Conflict(
            f"Agreement {key!r} governs {agreement.service} on "
            f"{agreement.site or 'every site'}; it cannot be moved to {service} on "
            f"{site or 'every site'}.",
            extra={"service": agreement.service, "site": agreement.site},
        )
    return agreement_version_add(
        agreement=agreement,
        label=label or f"{agreement.title}, effective {effective_date:%Y-%m-%d}",
        effective_date=effective_date,
        body=body,
        source_name=source_name,
        by=by,
    )
