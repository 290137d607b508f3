"""Nothing answered to a signed-in client is kept by a browser or a shared cache.

Pages and API answers for a member (their profile, tokens, listings, notices) must not be
stored where the next user of the machine, or a proxy, could read them: every response to an
authenticated request (session or bearer token) gets Django's never-cache headers
(`Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private`), whatever view
produced it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


def request_is_authenticated(request: HttpRequest) -> bool:
    """A session user, or a bearer token the API accepted (ninja sets `request.auth`)."""
    if getattr(request, "auth", None) is not None:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreWhenAuthenticatedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request_is_authenticated(request):
            add_never_cache_headers(response)
        return response
