"""How API callers authenticate: a bearer token or the web session.

The API root uses both for every operation; the staff API narrows them to staff whose role
holds an operation's permission (`tradepost.trust.api.common.staff_permission`), checked
before the input is read, so a caller without the permission learns nothing from validation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

if TYPE_CHECKING:
    from tradepost.members.models import User
    from tradepost.members.requests import AuthenticatedRequest


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal API token (or the login token)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from tradepost.members.services import api_token_authenticate

        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        # From here on the request is an AuthenticatedRequest: handlers read both attributes.
        authenticated = cast("AuthenticatedRequest", request)
        authenticated.user = api_token.user
        authenticated.api_token = api_token
        return api_token.user


class SessionCookie(APIKeyCookie):
    """The web session (CSRF-checked for unsafe methods), for pages that call the API."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
