"""Typed access to who made a request.

Django types `request.user` as `User | AnonymousUser`; code that runs behind a login or staff
check needs the `User`. `request_user` gives it, checked at run time, so a view that forgot
its check answers 403 rather than acting as nobody.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tradepost.members.models import ApiToken, User


class AuthenticatedRequest(HttpRequest):
    """A request whose user is signed in (pages behind `login_required`, the API's auth)."""

    user: User
    api_token: ApiToken


def request_user(request: HttpRequest) -> User:
    """The signed-in user of `request`; PermissionDenied (403) for an anonymous one."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user
