"""Public pages of the Terms: the version in force, the history, each version, the diff; and
the pages where a member accepts the Terms in force or an Additional Agreement.

Reading needs no login: notices posted where anyone can read them are deemed received (clause
11.2 b), and members must be able to read the Terms before accepting them (clause 1.1).
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.errors import DomainError
from tradepost.http import client_ip, request_site_family
from tradepost.members.selectors import member_for_user
from tradepost.policy import SITES
from tradepost.terms import selectors, services
from tradepost.terms.models import TermsVersion

DEFAULT_SITE = SITES[0]


def _site(request: HttpRequest) -> str:
    """The site asked for, else the one the host serves (clause 2.1, sites.toml)."""
    family = request_site_family(request)
    site = request.GET.get("site", family.key if family else DEFAULT_SITE)
    if site not in SITES:
        raise Http404("Unknown site.")
    return site


def _version(version_id: int) -> TermsVersion:
    try:
        return selectors.terms_version_get(version_id=version_id)
    except DomainError as exc:
        raise Http404(str(exc)) from exc


def _sections(version: TermsVersion) -> list[dict]:
    tree = selectors.terms_clause_tree(version=version)
    return [
        {"number": number, "heading": clauses[0].heading, "clauses": clauses}
        for number, group in groupby(tree, key=lambda c: c.section)
        for clauses in [list(group)]
    ]


def _render_version(request: HttpRequest, version: TermsVersion, *, in_force: bool) -> HttpResponse:
    context = {
        "version": version,
        "sections": _sections(version),
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


# --- Accepting the Terms and Additional Agreements (clauses 1.1, 1.3, 1.5, 4.4) ------------


def _next_url(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else default


@never_cache
@require_http_methods(["GET", "POST"])
def terms_accept(request: HttpRequest) -> HttpResponse:
    """The version in force for the member's site, with the button that accepts it (4.4)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = member_for_user(request.user)
    if member is None:
        raise Http404("Only members accept the Terms of Use.")
    try:
        version = selectors.terms_version_in_force(site=member.site)
    except selectors.NoTermsInForce:
        return render(request, "terms/none.html", {"site": member.site}, status=503)
    next_url = _next_url(request, reverse("members:account") + "#terms-accepted")
    status = 200
    if request.method == "POST":
        try:
            services.terms_accept_explicit(
                member=member,
                version_id=int(request.POST.get("version_id") or 0),
                ip=client_ip(request),
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "Accept the version shown."))
            status = 409
        else:
            messages.success(request, f"You accepted the Terms of Use, {version.label}.")
            return redirect(next_url)
    context = {
        "version": version,
        "sections": _sections(version),
        "acceptance": selectors.terms_acceptance_of(member_pk=member.pk, version_id=version.pk),
        "next": next_url,
    }
    return render(request, "terms/accept.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, version_id: int) -> HttpResponse:
    """An Additional Agreement version (clause 1.5), readable by anyone; a member whose site
    it is in force for can accept it here."""
    try:
        version = selectors.agreement_version_get(version_id=version_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    member = member_for_user(request.user) if request.user.is_authenticated else None
    if request.method == "POST":
        if member is None:
            return redirect_to_login(request.get_full_path())
        try:
            services.agreement_accept(member=member, version_id=version.pk, ip=client_ip(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"You accepted the {version.agreement.title}.")
            return redirect(_next_url(request, request.path))
    in_force_for_member = member is not None and selectors.agreement_version_in_force_for(
        version=version, site=member.site
    )
    context = {
        "version": version,
        "agreement": version.agreement,
        "member": member,
        "in_force_for_member": in_force_for_member,
        "acceptance": (
            selectors.agreement_acceptance_of(member_pk=member.pk, version_id=version.pk)
            if member
            else None
        ),
        "next": _next_url(request, ""),
    }
    return render(request, "terms/agreement.html", context)
