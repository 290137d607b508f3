"""Clause 3.2: no systematic retrieval of content. Request rate limits on Django's cache.

A fixed-window counter per (scope, who, window): `cache.add` creates the window's counter and
`cache.incr` counts, so two concurrent requests never read-modify-write the same number
(atomic on Redis and memcached; LocMemCache holds a lock; the database cache is not atomic).
Limits are settings, `RATE_LIMITS[scope] = {"address": "120/60", "member": "300/60"}`, i.e.
requests per seconds, one for the client address and one for the logged-in member. A fixed
window lets a client send up to twice a limit across a window boundary; in exchange
Retry-After is exact (the end of the window) and each request costs two cache calls.

The same counters throttle abuse per client address: registrations, password-reset requests
(`check_request` on those scopes) and failed logins across every account (`failure_check`
before a login, `failure_record` after a failed one), on top of django-axes' lockout of one
account from one address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from tradepost.errors import Throttled
from tradepost.http import client_ip

View = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


class RateLimited(Throttled):
    code = "rate_limited"


def parse_rate(value: str) -> Rate:
    """ "120/60" is 120 requests per 60 seconds."""
    try:
        limit, seconds = (int(part) for part in str(value).split("/"))
    except ValueError:
        raise ImproperlyConfigured(f"A rate is 'requests/seconds', not {value!r}") from None
    if limit < 1 or seconds < 1:
        raise ImproperlyConfigured(f"A rate needs positive numbers, not {value!r}")
    return Rate(limit, seconds)


def _clock() -> float:
    return time.time()


def hit(key: str, rate: Rate, *, now: float | None = None) -> Verdict:
    """Count one request against `key` in the current window of `rate`."""
    now = _clock() if now is None else now
    window = int(now // rate.seconds)
    remaining = rate.seconds - int(now - window * rate.seconds)
    cache_key = f"rl:{key}:{rate.seconds}:{window}"
    cache.add(cache_key, 0, timeout=remaining + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=remaining + 1)
        count = 1
    return Verdict(allowed=count <= rate.limit, count=count, retry_after=max(remaining, 1))


def peek(key: str, rate: Rate, *, now: float | None = None) -> Verdict:
    """The current window's count for `key`, without counting a request."""
    now = _clock() if now is None else now
    window = int(now // rate.seconds)
    remaining = rate.seconds - int(now - window * rate.seconds)
    count = cache.get(f"rl:{key}:{rate.seconds}:{window}", 0)
    return Verdict(allowed=count < rate.limit, count=count, retry_after=max(remaining, 1))


def _client_address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _user_key(request: HttpRequest) -> str | None:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"u{user.pk}"
    return None


SYSTEMATIC_RETRIEVAL = (
    "Too many requests: automated or systematic retrieval of content is not allowed "
    "(Terms of Use, clause 3.2). Try again in {retry_after} seconds."
)


def check_request(request: HttpRequest, scope: str, *, message: str = SYSTEMATIC_RETRIEVAL) -> None:
    """Raise RateLimited when the client address or the member is over the scope's limits.

    `message` is formatted with `retry_after` (seconds)."""
    limits = settings.RATE_LIMITS.get(scope, {})
    who = [("address", _client_address(request)), ("member", _user_key(request))]
    denied: list[Verdict] = []
    for kind, ident in who:
        if ident is None or not limits.get(kind):
            continue
        verdict = hit(f"{scope}:{kind}:{ident}", parse_rate(limits[kind]))
        if not verdict.allowed:
            denied.append(verdict)
    if denied:
        retry_after = max(v.retry_after for v in denied)
        raise RateLimited(
            message.format(retry_after=retry_after),
            retry_after=retry_after,
            extra={"retry_after": retry_after},
        )


def _address_rate(scope: str) -> Rate | None:
    value = settings.RATE_LIMITS.get(scope, {}).get("address")
    return parse_rate(value) if value else None


def failure_check(request: HttpRequest, scope: str, *, message: str, code: str) -> None:
    """Raise RateLimited (with `code`) when the client address has used up the failures the
    scope allows in this window; counts nothing."""
    rate = _address_rate(scope)
    if rate is None:
        return
    verdict = peek(f"{scope}:address:{_client_address(request)}", rate)
    if not verdict.allowed:
        raise RateLimited(
            message.format(retry_after=verdict.retry_after),
            retry_after=verdict.retry_after,
            code=code,
            extra={"retry_after": verdict.retry_after},
        )


def failure_record(request: HttpRequest, scope: str) -> None:
    """Count one failure (a wrong password, say) against the client address."""
    rate = _address_rate(scope)
    if rate is not None:
        hit(f"{scope}:address:{_client_address(request)}", rate)


def page_rate_limited(
    scope: str,
    *,
    methods: tuple[str, ...] | None = None,
    message: str = SYSTEMATIC_RETRIEVAL,
) -> Callable[[View], View]:
    """Decorate a page view: over the limit, answer 429 with a message page and Retry-After.

    With `methods`, only requests of those methods count (e.g. the POST of a form)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if methods is not None and request.method not in methods:
                return view(request, *args, **kwargs)
            try:
                check_request(request, scope, message=message)
            except RateLimited as exc:
                response = render(
                    request,
                    "ratelimited.html",
                    {"message": exc.message, "retrieval": message == SYSTEMATIC_RETRIEVAL},
                    status=429,
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
