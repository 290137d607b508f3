"""The device identifier (clauses 4.1, 4.5, 6.2 (i)): a long-lived first-party cookie.

`DeviceMiddleware` gives every request `request.device_id`: the `tp_device` cookie when the
browser or API client sent a well-formed one, else a new random 128-bit id, which the
response sets (HttpOnly, SameSite=Lax, two years). Registration and login, pages and API
alike, record it as the member's device signal, so a client that keeps cookies is one device.
The id is also kept in a context variable for code that has no request (the registration
signal handler).

A response that hands out a new id is marked `Cache-Control: private`, so no shared cache
(a proxy, a CDN) stores it and gives the same id to the next visitor, which would make every
visitor behind that cache one device and link them all. A response already marked `public`
(catalog images) gets no cookie at all; the next page sets it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

DEVICE_COOKIE = "tp_device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
_WELL_FORMED = re.compile(r"^[0-9a-f]{32}$")
_device_id: ContextVar[str] = ContextVar("tradepost_device_id", default="")


def current_device_id() -> str:
    """The device id of the request being served ("" outside a request)."""
    return _device_id.get()


@contextmanager
def device_context(device_id: str) -> Iterator[None]:
    token = _device_id.set(device_id)
    try:
        yield
    finally:
        _device_id.reset(token)


def new_device_id() -> str:
    return secrets.token_hex(16)


class DeviceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.COOKIES.get(DEVICE_COOKIE, "")
        known = bool(_WELL_FORMED.match(sent))
        device_id = sent if known else new_device_id()
        request.device_id = device_id  # type: ignore[attr-defined]
        with device_context(device_id):
            response = self.get_response(request)
        if not known and not _shared_cacheable(response):
            patch_cache_control(response, private=True)
            response.set_cookie(
                DEVICE_COOKIE,
                device_id,
                max_age=DEVICE_COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _shared_cacheable(response: HttpResponse) -> bool:
    """The view meant the answer for every visitor alike (a public, cacheable resource)."""
    directives = {
        d.strip().split("=")[0].lower() for d in response.get("Cache-Control", "").split(",")
    }
    return "public" in directives
