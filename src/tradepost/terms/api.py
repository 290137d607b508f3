"""Terms API: the versions of the Terms, the one in force, and what changed between two.

Public, like the pages: notices are deemed received once posted where anyone can read them
(clause 11.2 b), so reading the Terms needs no login or token.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tradepost.terms import selectors

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


@router.get("/versions", response=list[VersionOut], auth=None)
def versions_list(request: HttpRequest, site: str = Query(..., max_length=32)):
    return list(selectors.terms_versions(site=site))


@router.get("/in-force", response=VersionOut, auth=None)
def version_in_force(
    request: HttpRequest, site: str = Query(..., max_length=32), at: date | None = None
):
    """Clause 1.3: the version with the latest effective date not after `at` (default today)."""
    return selectors.terms_version_in_force_on(site=site, day=at or timezone.localdate())


@router.get("/versions/{version_id}", response=VersionDetailOut, auth=None)
def version_detail(request: HttpRequest, version_id: int):
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
):
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
