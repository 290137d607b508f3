"""Staff roles as Django groups, kept in step with policy/staff_roles.toml."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

from tradepost.policy import PolicyError, load_staff_roles

TRADEPOST_APPS = (
    "audit",
    "members",
    "terms",
    "notices",
    "catalog",
    "trust",
    "compliance",
    "trade",
    "billing",
)


def staff_roles_sync(**_kwargs: Any) -> list[str]:
    """Create or update each role's group with exactly the permissions the policy lists."""
    synced = []
    for name, role in load_staff_roles().roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        if role.permissions == ["*"]:
            perms = list(Permission.objects.filter(content_type__app_label__in=TRADEPOST_APPS))
        else:
            perms = []
            for dotted in role.permissions:
                app_label, _, codename = dotted.partition(".")
                perm = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if perm is None:
                    raise PolicyError(f"staff_roles.toml: unknown permission {dotted!r}")
                perms.append(perm)
        group.permissions.set(perms)
        synced.append(name)
    return synced
