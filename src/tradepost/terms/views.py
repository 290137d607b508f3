"""Public pages of the Terms: the version in force, the history, each version, the diff.

No login: notices posted where anyone can read them are deemed received (clause 11.2 b), and
members must be able to read the Terms before accepting them (clause 1.1).
"""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tradepost.errors import DomainError
from tradepost.policy import SITES
from tradepost.terms import selectors
from tradepost.terms.models import TermsVersion

DEFAULT_SITE = SITES[0]


def _site(request: HttpRequest) -> str:
    site = request.GET.get("site", DEFAULT_SITE)
    if site not in SITES:
        raise Http404("Unknown site.")
    return site


def _version(version_id: int) -> TermsVersion:
    try:
        return selectors.terms_version_get(version_id=version_id)
    except DomainError as exc:
        raise Http404(str(exc)) from exc


def _render_version(request: HttpRequest, version: TermsVersion, *, in_force: bool) -> HttpResponse:
    tree = selectors.terms_clause_tree(version=version)
    sections = [
        {"number": number, "heading": clauses[0].heading, "clauses": clauses}
        for number, group in groupby(tree, key=lambda c: c.section)
        for clauses in [list(group)]
    ]
    context = {
        "version": version,
        "sections": sections,
        "in_force": in_force,
        "translations": version.translations.all(),
        "site": version.site,
    }
    return render(request, "terms/version.html", context)


@require_safe
def terms_in_force(request: HttpRequest) -> HttpResponse:
    """Clause 1.3: the Terms that bind today; clause anchors such as /terms#5.13."""
    site = _site(request)
    try:
        version = selectors.terms_version_in_force(site=site)
    except selectors.NoTermsInForce:
        return render(request, "terms/none.html", {"site": site}, status=503)
    return _render_version(request, version, in_force=True)


@require_safe
def terms_history(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    versions = list(selectors.terms_versions(site=site))
    try:
        current = selectors.terms_version_in_force(site=site)
    except selectors.NoTermsInForce:
        current = None
    rows = [
        {
            "version": version,
            "in_force": current is not None and version.pk == current.pk,
            "until": versions[i - 1].effective_date if i > 0 else None,
            "previous": versions[i + 1] if i + 1 < len(versions) else None,
        }
        for i, version in enumerate(versions)
    ]
    return render(request, "terms/history.html", {"site": site, "sites": SITES, "rows": rows})


@require_safe
def terms_version(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(version_id)
    try:
        current = selectors.terms_version_in_force(site=version.site)
    except selectors.NoTermsInForce:
        current = None
    return _render_version(
        request, version, in_force=current is not None and current.pk == version.pk
    )


@require_safe
def terms_translation(request: HttpRequest, version_id: int, language: str) -> HttpResponse:
    """Clause 1.4: shown for convenience, with the English version marked as governing."""
    version = _version(version_id)
    try:
        translation = selectors.terms_translation_get(version=version, language=language)
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    return render(
        request, "terms/translation.html", {"version": version, "translation": translation}
    )


@require_safe
def terms_diff(request: HttpRequest) -> HttpResponse:
    """Clauses 1.3 and 12.4: /terms/diff?from=<id>&to=<id>."""
    try:
        from_id, to_id = int(request.GET["from"]), int(request.GET["to"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("Give two version ids: /terms/diff?from=<id>&to=<id>.")
    before, after = _version(from_id), _version(to_id)
    diff = selectors.terms_versions_diff(from_version=before, to_version=after)
    return render(
        request,
        "terms/diff.html",
        {"before": before, "after": after, "diff": diff, "changes": diff.changes},
    )
