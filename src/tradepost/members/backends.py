"""Authentication: members log in with member ID or email; staff with their username."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from tradepost.http import client_ip
from tradepost.members.models import User
from tradepost.text import text_problem


def find_user_by_login(login: str) -> User | None:
    """Member ID (case-insensitive), staff username, or a member's email if it is unambiguous."""
    login = (login or "").strip()
    if not login or len(login) > 320 or text_problem(login):
        return None
    user = User.objects.filter(username__iexact=login).first()
    if user is not None:
        return user
    if "@" in login:
        matches = list(User.objects.filter(member__email__iexact=login)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Throttle per account, not per spelling: email and member ID of one account share a key."""
    credentials = credentials or {}
    login = credentials.get("login") or credentials.get("username") or ""
    user = find_user_by_login(login)
    if user:
        return user.username.lower()
    if text_problem(login):
        return "invalid login"
    return login.strip().lower()[:150]


def axes_client_ip(request: HttpRequest) -> str | None:
    return client_ip(request)


class MemberLoginBackend(ModelBackend):
    """Checks the password for any account, active or not, so the login service can say
    clearly that an account is suspended; sessions only resolve for active accounts."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        login: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = find_user_by_login(login or username or "")
        if user is None or password is None:
            User().set_password(password or "")  # same work either way: no user enumeration
            return None
        if user.check_password(password):
            return user
        return None

    def user_can_authenticate(self, user: AbstractBaseUser | AnonymousUser | None) -> bool:
        return True

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
