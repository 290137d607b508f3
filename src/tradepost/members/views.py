"""Member pages. Thin: parse, call a service or selector, render.

Every form posts to a plain URL and works without JavaScript. The account page's sub-forms
also carry htmx attributes that post the same form and swap only their own section (the
server answers the full page; htmx picks the section), so both paths share one view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tradepost import ratelimit
from tradepost.errors import DomainError, NotFound, Throttled
from tradepost.members import selectors, services
from tradepost.members.forms import (
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    RefereeForm,
    SetPasswordForm,
    country_name,
)
from tradepost.members.middleware import mark_session_start
from tradepost.members.models import (
    ApiToken,
    BusinessType,
    Member,
    MemberStatus,
    ProfileRevision,
    Site,
    User,
)
from tradepost.members.requests import request_user
from tradepost.members.rules import RESET_REQUESTS_FROM_ADDRESS

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
LOCKOUT_MESSAGE = (
    "Too many failed login attempts for this account from your address. "
    "Try again later or reset your password."
)


# --- Registration, login, logout -----------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Clause 4.2 login, throttled per account and address (django-axes)."""
    next_url = _safe_next_url(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or "members:account")
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.member_authenticate(
                request=request,
                login=form.cleaned_data["login"],
                password=form.cleaned_data["password"],
            )
        except Throttled as exc:
            return _throttled_page(request, exc.message, retry_after=exc.retry_after)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            start_session(request, user)
            return redirect(next_url or "members:account")
    return render(request, "members/login.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """Logging out changes state, so only a POST (with CSRF) does it; GET asks to confirm."""
    if request.method == "GET":
        return render(request, "members/logout.html")
    logout(request)
    messages.info(request, "You are logged out.")
    return redirect("home")


def lockout_response(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes lockout: 429 with a message (JSON for the API, a page otherwise)."""
    if response is not None and response.status_code == 429:
        return response
    if request.path.startswith("/api/"):
        body = {"error": {"code": "login_throttled", "message": LOCKOUT_MESSAGE, "fields": {}}}
        return JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
    return _throttled_page(request, LOCKOUT_MESSAGE)


def _throttled_page(
    request: HttpRequest, message: str, *, retry_after: int | None = None
) -> HttpResponse:
    if retry_after is None:
        retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"form": LoginForm(), "throttled": message, "next": _safe_next_url(request)}
    response = render(request, "members/login.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def start_session(request: HttpRequest, user: User) -> None:
    """`login()` rotates the session key (no fixation); the timeouts start now."""
    login(request, user, backend=LOGIN_BACKEND)
    mark_session_start(request)


def _safe_next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


# --- Account ------------------------------------------------------------------------------


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in with a member account; staff without one get a page that says so."""

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            target = request.get_full_path() if request.method == "GET" else account_url()
            response = redirect_to_login(target)
            if request.headers.get("HX-Request"):
                htmx_redirect = HttpResponse(status=204)
                htmx_redirect["HX-Redirect"] = response.url
                return htmx_redirect
            return response
        member = selectors.member_for_user(request.user)
        if member is None:
            status = 200 if request.method == "GET" else 403
            return render(request, "members/account_no_member.html", status=status)
        return view(request, member, *args, **kwargs)

    return wrapper


@member_required
@require_safe
def account(request: HttpRequest, member: Member) -> HttpResponse:
    """The member's account: ID, status, contracting entity (2.1), law and courts (12.7),
    notice address (11.1), profile (5.2), API tokens and business referees (5.8)."""
    return account_page(request, member)


@member_required
@require_POST
def token_create(request: HttpRequest, member: Member) -> HttpResponse:
    """A personal API token. Its secret is in this one response only, never stored."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return account_page(request, member, token_form=form)
    token, secret = services.api_token_create(
        user=request_user(request), name=form.cleaned_data["name"]
    )
    return account_page(request, member, new_token=token, new_token_secret=secret)


@member_required
@require_POST
def token_revoke(request: HttpRequest, member: Member, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=request_user(request), token_id=token_id)
    except NotFound as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The API token “{token.name}” ({token.prefix}…) is revoked.")
    return redirect(account_url("api-tokens"))


@member_required
@require_POST
def referee_add(request: HttpRequest, member: Member) -> HttpResponse:
    """Clause 5.8: list a business referee; the member warrants the referee's consent."""
    form = RefereeForm(request.POST)
    if form.is_valid():
        try:
            referee = services.referee_add(member=member, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{referee.name} is listed as a business referee.")
            return redirect(account_url("referees"))
    return account_page(request, member, referee_form=form)


@member_required
@require_POST
def referee_remove(request: HttpRequest, member: Member, referee_id: int) -> HttpResponse:
    try:
        services.referee_remove(member=member, referee_id=referee_id)
    except NotFound as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The business referee is removed.")
    return redirect(account_url("referees"))


def account_url(section: str = "") -> str:
    url = reverse("members:account")
    return f"{url}#{section}" if section else url


def account_page(
    request: HttpRequest,
    member: Member,
    *,
    profile_form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    referee_form: RefereeForm | None = None,
    new_token: ApiToken | None = None,
    new_token_secret: str = "",
) -> HttpResponse:
    profile = selectors.member_profile(member)
    context = {
        "member": member,
        "profile": profile,
        "labels": {
            "site": Site(profile["site"]).label,
            "status": MemberStatus(profile["status"]).label,
            "business_type": BusinessType(profile["business_type"]).label,
            "country": country_name(profile["country"]),
            "access_country": country_name(profile["access_country"]),
            "roles": ", ".join(role.capitalize() for role in profile["roles"]),
        },
        "entity": profile["contracting_entity"],
        "revisions": [
            _revision_row(revision) for revision in selectors.profile_revisions(member)[:50]
        ],
        "tokens": selectors.api_tokens_for_user(request_user(request))[:50],
        "referees": member.referees.all(),
        "profile_form": profile_form or ProfileForm.for_profile(profile),
        "token_form": token_form or ApiTokenForm(),
        "referee_form": referee_form or RefereeForm(),
        "new_token": new_token,
        "new_token_secret": new_token_secret,
    }
    return render(request, "members/account.html", context)


_FIELD_LABELS = {name: field.label for name, field in ProfileForm.base_fields.items()}
_FIELD_LABELS["contracting_entity"] = "Contracting entity"
# PostgreSQL's jsonb does not keep key order: show changes in the form's field order.
_FIELD_ORDER = {name: i for i, name in enumerate([*services.EDITABLE_FIELDS, "contracting_entity"])}


def _revision_row(revision: ProfileRevision) -> dict[str, Any]:
    def shown(value: object) -> str:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "—"
        return str(value) if value not in (None, "") else "—"

    return {
        "changed_at": revision.changed_at,
        "changed_by": revision.changed_by.username,
        "changes": [
            {"field": _FIELD_LABELS.get(name, name), "old": shown(old), "new": shown(new)}
            for name, (old, new) in sorted(
                revision.changes.items(), key=lambda item: _FIELD_ORDER.get(item[0], 99)
            )
        ],
    }


# --- Passwords (Django's auth views, with our forms and templates) ------------------------

password_change = auth_views.PasswordChangeView.as_view(
    form_class=PasswordChangeForm, success_url=reverse_lazy("members:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view()
password_reset = ratelimit.page_rate_limited(
    "password_reset", methods=("POST",), message=RESET_REQUESTS_FROM_ADDRESS
)(
    auth_views.PasswordResetView.as_view(
        form_class=PasswordResetForm, success_url=reverse_lazy("members:password_reset_done")
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=SetPasswordForm, success_url=reverse_lazy("members:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
