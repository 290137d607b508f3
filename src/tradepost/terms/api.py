"""Terms API: the versions of the Terms, the one in force, and what changed between two;
a member's acceptances, the Additional Agreements, and what governs a service.

Reading the Terms and agreements is public, like the pages: notices are deemed received once
posted where anyone can read them (clause 11.2 b), so it needs no login or token. Accepting,
and a member's own acceptances and obligations, need the member's token or session.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tradepost.api_limits import limits
from tradepost.errors import PermissionDeniedError
from tradepost.http import client_ip
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.policy import SITES
from tradepost.terms import selectors, services
from tradepost.terms.models import TermsVersion
from tradepost.terms.policy import load_services_policy

router = Router()


class VersionOut(Schema):
    id: int
    label: str
    effective_date: date


class TranslationOut(Schema):
    language: str
    governing: bool = False


class ClauseOut(Schema):
    number: str = Field(..., description='"5.13", or a sub-item such as "5.13(a)"')
    label: str
    section: str
    heading: str = Field(..., description="Section heading; no legal meaning (clause 12.4)")
    lead_in: str
    text: str
    closing_text: str
    sub_items: list[ClauseOut]


class VersionDetailOut(VersionOut):
    site: str
    language: str = Field(..., description="The version's own text is English and governs (1.4)")
    governing: bool
    body_sha256: str
    preamble: str
    clauses: list[ClauseOut]
    translations: list[TranslationOut]


class WordOut(Schema):
    op: str = Field(..., description="equal | delete | insert")
    text: str


class ClauseChangeOut(Schema):
    number: str
    kind: str = Field(..., description="added | removed | changed | heading_only")
    heading_before: str
    heading_after: str
    words: list[WordOut]


class DiffOut(Schema):
    from_version: VersionOut
    to_version: VersionOut
    added: list[str]
    removed: list[str]
    changed: list[str]
    heading_only: list[str]
    preamble_changed: bool
    changes: list[ClauseChangeOut]


class SiteQuery(Schema):
    site: str = Field(..., max_length=32, json_schema_extra=limits(enum=list(SITES)))


class InForceQuery(SiteQuery):
    at: date | None = None


class ServiceQuery(Schema):
    service: str = Field(
        ..., max_length=64, json_schema_extra=limits(enum=list(load_services_policy().services))
    )


@router.get("/versions", response=list[VersionOut], auth=None)
def versions_list(request: HttpRequest, query: Query[SiteQuery]) -> list[TermsVersion]:
    return list(selectors.terms_versions(site=query.site))


@router.get("/in-force", response=VersionOut, auth=None)
def version_in_force(request: HttpRequest, query: Query[InForceQuery]) -> TermsVersion:
    """Clause 1.3: the version with the latest effective date not after `at` (default today)."""
    return selectors.terms_version_in_force_on(
        site=query.site, day=query.at or timezone.localdate()
    )


@router.get("/versions/{version_id}", response=VersionDetailOut, auth=None)
def version_detail(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.terms_version_get(version_id=version_id)
    return {
        "id": version.pk,
        "label": version.label,
        "effective_date": version.effective_date,
        "site": version.site,
        "language": version.language,
        "governing": version.is_governing,
        "body_sha256": version.body_sha256,
        "preamble": version.preamble,
        "clauses": selectors.terms_clause_tree(version=version),
        "translations": [
            {"language": t.language, "governing": t.is_governing}
            for t in version.translations.all()
        ],
    }


@router.get("/diff", response=DiffOut, auth=None)
def versions_diff(
    request: HttpRequest,
    from_id: int = Query(..., alias="from"),
    to_id: int = Query(..., alias="to"),
) -> dict[str, Any]:
    """Clauses 1.3 and 12.4: clauses added, removed, changed, and changed in heading only."""
    before = selectors.terms_version_get(version_id=from_id)
    after = selectors.terms_version_get(version_id=to_id)
    diff = selectors.terms_versions_diff(from_version=before, to_version=after)
    return {
        "from_version": before,
        "to_version": after,
        **diff.summary(),
        "preamble_changed": diff.preamble is not None,
        "changes": diff.changes,
    }


# --- Acceptance (clauses 1.1, 1.3, 4.4) and Additional Agreements (1.5, 12.1) ---------------


class NotAMember(PermissionDeniedError):
    code = "not_a_member"


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotAMember("Only member accounts accept the Terms and agreements.")
    return member


class AcceptIn(Schema):
    version_id: int


class AcceptedVersionOut(Schema):
    id: int
    label: str
    effective_date: date
    site: str


class TermsAcceptanceOut(Schema):
    version: AcceptedVersionOut
    method: str = Field(..., description="registration | explicit | continued_use")
    accepted_at: datetime
    ip: str | None
    text_sha256: str


class AcceptanceRecordOut(Schema):
    kind: str = Field(..., description="terms | additional_agreement")
    document: str
    agreement_key: str
    service: str
    site: str = Field(..., description="Empty for an agreement that applies on every site")
    version_id: int
    version_label: str
    effective_date: date
    method: str
    accepted_at: datetime
    ip: str | None
    text_sha256: str
    url: str


class DocumentVersionOut(Schema):
    id: int
    label: str
    effective_date: date
    url: str


class AgreementOut(Schema):
    key: str
    title: str
    service: str


class ObligationOut(Schema):
    kind: str = Field(..., description="additional_agreement | terms")
    agreement: AgreementOut | None = None
    version: DocumentVersionOut
    prevails: bool = Field(..., description="An Additional Agreement prevails for its service")
    clause: str
    accepted: bool
    acceptance_mode: str | None = None


class ObligationsOut(Schema):
    service: str
    service_title: str
    documents: list[ObligationOut]


class AgreementVersionOut(Schema):
    id: int
    agreement: AgreementOut
    site: str = Field(..., description="Empty: every site")
    label: str
    effective_date: date
    body: str
    body_sha256: str


class AgreementAcceptanceOut(Schema):
    agreement: AgreementOut
    version: DocumentVersionOut
    accepted_at: datetime
    ip: str | None
    text_sha256: str


@router.post("/accept", response=TermsAcceptanceOut)
def terms_accept(request: HttpRequest, payload: AcceptIn) -> dict[str, Any]:
    """Clauses 1.1, 1.3, 4.4: accept the version in force for your site (409 for any other)."""
    acceptance = services.terms_accept_explicit(
        member=_member(request), version_id=payload.version_id, ip=client_ip(request)
    )
    return {
        "version": acceptance.version,
        "method": acceptance.method,
        "accepted_at": acceptance.accepted_at,
        "ip": acceptance.ip,
        "text_sha256": acceptance.text_sha256,
    }


@router.get("/my-acceptances", response=list[AcceptanceRecordOut])
def my_acceptances(request: HttpRequest) -> list[selectors.AcceptanceRecord]:
    """Every version of the Terms and of any Additional Agreement you accepted, newest first."""
    return selectors.acceptance_history(member_pk=_member(request).pk)


@router.get("/obligations", response=ObligationsOut)
def obligations(request: HttpRequest, query: Query[ServiceQuery]) -> dict[str, object]:
    """Clauses 1.5 and 12.1: what governs your use of a service: its Additional Agreements
    first (they prevail over the Terms for that service), then the Terms."""
    return selectors.member_obligations(member=_member(request), service=query.service)


@router.get("/agreements/{version_id}", response=AgreementVersionOut, auth=None)
def agreement_version(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.agreement_version_get(version_id=version_id)
    return {
        "id": version.pk,
        "agreement": version.agreement,
        "site": version.agreement.site,
        "label": version.label,
        "effective_date": version.effective_date,
        "body": version.body,
        "body_sha256": version.body_sha256,
    }


@router.post("/agreements/{version_id}/accept", response=AgreementAcceptanceOut)
def agreement_accept(request: HttpRequest, version_id: int) -> dict[str, Any]:
    """Clauses 1.5, 4.4: accept an Additional Agreement version in force for your site."""
    acceptance = services.agreement_accept(
        member=_member(request), version_id=version_id, ip=client_ip(request)
    )
    version = acceptance.version
    return {
        "agreement": version.agreement,
        "version": selectors.agreement_version_ref(version).as_dict(),
        "accepted_at": acceptance.accepted_at,
        "ip": acceptance.ip,
        "text_sha256": acceptance.text_sha256,
    }
