"""The permission matrix (policy/staff_roles.toml) walked for every staff operation.

Every operation under /api/v1/staff/ declares its permission with `@staff_permission`; for
each role of the policy, a staff member of that role is refused (403
`staff_permission_denied`) exactly when the role lacks it, and admitted otherwise; members
get 403 `staff_only` and callers without credentials 401. The refusal comes before the input
is validated, so every call here sends placeholder path values and no body.
"""

import re

import pytest

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tradepost.config.api import api
from tradepost.members.services import api_token_create
from tradepost.policy import load_staff_roles


def _join(*parts: str) -> str:
    return "/" + "/".join(p.strip("/") for p in parts if p.strip("/"))


def _walk(prefix: str, router, found: list) -> None:
    for path, view in router.path_operations.items():
        for operation in view.operations:
            permission = getattr(operation.view_func, "staff_permission", None)
            for method in operation.methods:
                found.append((method, _join(prefix, path), permission))
    for child in router._routers:
        _walk(_join(prefix, child[0]), child[1], found)


def staff_operations() -> list[tuple[str, str, str]]:
    """(method, path under /api/v1, permission) for every staff operation."""
    found: list[tuple[str, str, str]] = []
    for prefix, router in api._routers:
        _walk(prefix, router, found)
    return sorted({op for op in found if op[1].startswith("/staff/")})


OPERATIONS = staff_operations()


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "0", path)


def test_every_staff_operation_declares_a_permission_the_policy_knows():
    roles = load_staff_roles().roles
    granted = {p for role in roles.values() for p in role.permissions}

    assert OPERATIONS, "the walk found no staff operation"
    for method, path, permission in OPERATIONS:
        assert permission, f"{method} {path} has no @staff_permission"
        assert permission in granted, f"{method} {path}: {permission} is in no role"


def _holds(role_permissions: list[str], permission: str) -> bool:
    return "*" in role_permissions or permission in role_permissions


@pytest.mark.django_db
def test_each_role_is_refused_exactly_the_operations_it_lacks():
    roles = load_staff_roles().roles
    clients = {}
    for n, name in enumerate(roles):
        user = staff_create(username=f"role{n}", role=name)
        clients[name] = ApiClient(token=api_token_create(user=user, name="t")[1])
    member_client = ApiClient(token=api_token_create(user=member_create().user, name="t")[1])

    mismatches = []
    for method, path, permission in OPERATIONS:
        url = _concrete(path)
        for name, role in roles.items():
            response = clients[name].call(method.lower(), url)
            denied = (
                response.status_code == 403
                and response.json()["error"]["code"] == "staff_permission_denied"
            )
            if denied == _holds(role.permissions, permission):
                mismatches.append((name, method, path, response.status_code))
            assert response.status_code < 500, (name, method, path, response.content)
        as_member = member_client.call(method.lower(), url)
        assert as_member.status_code == 403, (method, path)
        assert as_member.json()["error"]["code"] == "staff_only"
        assert ApiClient().call(method.lower(), url).status_code == 401

    assert mismatches == []
