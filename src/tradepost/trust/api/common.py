"""Who may call a staff operation: signed-in staff whose role holds the permission.

`@staff_permission("app.codename")` guards a handler and records the permission on it, so the
role-matrix test can walk every `/api/v1/staff/` operation against every role in
`policy/staff_roles.toml`. Members and staff without the permission get 403 in the API's
error shape, from the operation's authentication step: before the path, query or body is
validated, so a caller without the permission learns nothing about the operation's input.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

from tradepost.errors import PermissionDeniedError
from tradepost.members.api_auth import BearerToken, SessionCookie
from tradepost.members.models import User

F = TypeVar("F", bound=Callable[..., Any])


def staff_user(request: HttpRequest, permission: str) -> User:
    """The staff user making `request`, if their role holds `permission`; else 403."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated or not user.is_staff:
        raise PermissionDeniedError(
            "Only operator staff may use this operation.", code="staff_only"
        )
    if not user.is_active or not user.has_perm(permission):
        raise PermissionDeniedError(
            "Your staff role does not allow this operation.",
            code="staff_permission_denied",
            extra={"permission": permission},
        )
    return user


class StaffBearerToken(BearerToken):
    """A bearer token whose user is staff holding `permission`; else 403."""

    def __init__(self, permission: str) -> None:
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        return None if user is None else staff_user(request, self.permission)


class StaffSessionCookie(SessionCookie):
    """The web session of staff holding `permission`; else 403."""

    def __init__(self, permission: str) -> None:
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        return None if user is None else staff_user(request, self.permission)


def staff_permission(permission: str) -> Callable[[F], F]:
    """Guard a staff operation with `permission` (also checked again in the handler)."""

    def narrow_auth(operation: Operation) -> None:
        auth = [StaffBearerToken(permission), StaffSessionCookie(permission)]
        operation.auth_param = auth
        operation._set_auth(auth)

    def decorate(handler: F) -> F:
        @wraps(handler)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            staff_user(request, permission)
            return handler(request, *args, **kwargs)

        # The handler's module uses postponed annotations; ninja would resolve them in this
        # module's namespace, so hand it the evaluated signature.
        guarded.__signature__ = inspect.signature(handler, eval_str=True)  # type: ignore[attr-defined]
        guarded.staff_permission = permission  # type: ignore[attr-defined]
        contribute_operation_callback(guarded, narrow_auth)
        return guarded  # type: ignore[return-value]

    return decorate
