"""Logging in, API tokens, and account status (clauses 4.3, 4.5, 6.2 i)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tradepost import gates, ratelimit
from tradepost.errors import Conflict, InvalidInput, NotFound, Throttled
from tradepost.members.models import (
    ApiToken,
    Member,
    MemberStatus,
    MemberStatusChange,
    User,
)
from tradepost.members.services.common import (
    AccountNotActive,
    InvalidCredentials,
)
from tradepost.members.validation import (
    required_reason,
)

# --- Login and tokens ---------------------------------------------------------------------
from tradepost.text import clean_text, text_problem

LOGIN_FAILURES_FROM_ADDRESS = (
    "Too many failed login attempts from your address. Try again in {retry_after} seconds "
    "or reset your password."
)


def member_authenticate(*, request: HttpRequest, login: str, password: str) -> User:
    """Check credentials under login throttling: django-axes locks one account out for one
    address, and failed logins per address across every account are capped as well
    (`RATE_LIMITS["login_failure"]`), so one address cannot try a few passwords on each
    account in turn.

    Text no account can hold (control characters, NUL) is refused before any lookup, so it
    never reaches the database or the throttle's records.
    """
    ratelimit.failure_check(
        request,
        "login_failure",
        message=LOGIN_FAILURES_FROM_ADDRESS,
        code="login_throttled",
    )
    if text_problem(login or "") or text_problem(password or ""):
        ratelimit.failure_record(request, "login_failure")
        raise InvalidCredentials("The member ID/email or password is incorrect.")
    user = authenticate(request, login=login, password=password)
    if getattr(request, "axes_locked_out", False):
        raise Throttled(
            "Too many failed login attempts for this account from your address. "
            "Try again later or reset your password.",
            retry_after=int(settings.AXES_COOLOFF_TIME.total_seconds()),
            code="login_throttled",
        )
    if user is None:
        ratelimit.failure_record(request, "login_failure")
        raise InvalidCredentials("The member ID/email or password is incorrect.")
    member = getattr(user, "member", None)
    if member is not None and member.status == MemberStatus.SUSPENDED and gates.expire_due(member):
        # Clause 6.2: a suspension whose end has passed is lifted now, not by a job.
        member.refresh_from_db()
        user.refresh_from_db()
    if member is not None and member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(
            f"This account is {member.status}; it cannot log in or use the API. "
            "Contact support if you believe this is wrong.",
            extra={"status": member.status},
        )
    if not user.is_active:
        raise AccountNotActive("This account is disabled.")
    return user


@transaction.atomic
def api_token_create(
    *, user: User, name: str, ttl: timedelta | None = None
) -> tuple[ApiToken, str]:
    """A personal API token; the secret is returned once and only its hash is kept."""
    try:
        name = clean_text(name or "")[:100] or "API token"
    except ValueError as exc:
        raise InvalidInput(f"The name {exc}.", fields={"name": [str(exc)]}) from None
    raw = f"tp_{secrets.token_urlsafe(32)}"
    ttl = settings.API_TOKEN_TTL if ttl is None else ttl
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        key_hash=ApiToken.hash_key(raw),
        expires_at=timezone.now() + ttl if ttl else None,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """A member revokes one of its own tokens (404 alike for missing and not-yours)."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("No such API token.")
    return _token_revoked(token, by=user)


@transaction.atomic
def api_token_revoke_by_staff(*, token_id: int, by: User) -> ApiToken:
    """Staff revoke a member's or a colleague's token from the console; the token records who
    (`revoked_by`) and when. Revoking a revoked token changes nothing and answers it."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such API token.")
    return _token_revoked(token, by=by)


def _token_revoked(token: ApiToken, *, by: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """Bearer auth: a live token of an active account (with its user loaded), or None."""
    if not raw or len(raw) > 200:
        return None
    # The member row comes in the same read: nearly every API call asks for it next. The
    # key hash is unique: a get() (no ORDER BY to compile and sort on).
    try:
        token = ApiToken.objects.select_related("user", "user__member").get(
            key_hash=ApiToken.hash_key(raw), revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.is_live or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Status (suspension, termination) -----------------------------------------------------


@transaction.atomic
def member_status_set(
    *, member: Member, to_status: str, reason: str, by: User, reopen_terminated: bool = False
) -> Member:
    """The member side of a status change with a required reason (clauses 4.5, 6.2 i).

    Suspending or terminating ends every live session and revokes every API token at once.
    A termination is final: only `reopen_terminated` (an appeal that overturned the
    termination, DSA Art. 20) changes a terminated account.
    Enforcement calls this through `trust.services.member_change_status`, which also hides
    the supplier's listings: call that one, not this.
    """
    reason = required_reason(reason, missing="A reason is required to change status.")
    if to_status not in MemberStatus.values:
        raise InvalidInput("Unknown status.", fields={"status": [f"One of {MemberStatus.values}."]})
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.status == to_status:
        raise Conflict(f"The member is already {to_status}.")
    if member.status == MemberStatus.TERMINATED and not reopen_terminated:
        raise Conflict("A terminated account cannot be changed.")
    now = timezone.now()
    MemberStatusChange.objects.create(
        member=member, from_status=member.status, to_status=to_status, reason=reason, changed_by=by
    )
    member.status = to_status
    member.status_reason = reason
    member.status_changed_at = now
    member.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    active = to_status == MemberStatus.ACTIVE
    User.objects.filter(pk=member.user_id).update(
        is_active=active, session_epoch=F("session_epoch") + (0 if active else 1)
    )
    if not active:
        ApiToken.objects.filter(user_id=member.user_id, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by
        )
    member.user.refresh_from_db()
    return member
