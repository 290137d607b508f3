"""Staff roles: Django groups kept in step with policy/staff_roles.toml after migrate."""

import pytest
from django.contrib.auth.models import Group, Permission

from tradepost import policy
from tradepost.members import roles
from tradepost.members.models import StaffRole
from tradepost.policy import PolicyError, StaffRolesPolicy, load_staff_roles


def codenames(group: Group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.fixture
def fresh_policy_cache():
    load_staff_roles.cache_clear()
    yield
    load_staff_roles.cache_clear()


def test_every_staff_role_exists_after_migrate(db):
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(StaffRole.values)
    assert sorted(load_staff_roles().roles) == sorted(StaffRole.values)


@pytest.mark.parametrize(
    "role",
    [StaffRole.SUPPORT, StaffRole.TRUST_SAFETY, StaffRole.COMPLIANCE, StaffRole.LEGAL],
)
def test_groups_hold_exactly_the_permissions_of_the_policy(db, role):
    assert codenames(Group.objects.get(name=role)) == set(
        load_staff_roles().roles[role].permissions
    )


def test_administrator_holds_every_tradepost_permission(db):
    every = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(
            content_type__app_label__in=roles.TRADEPOST_APPS
        ).select_related("content_type")
    }

    held = codenames(Group.objects.get(name=StaffRole.ADMINISTRATOR))

    assert held == every
    assert {"members.change_member", "members.change_apitoken", "terms.add_termsversion"} <= held


def test_support_agent_cannot_change_members_and_trust_agent_can(db):
    support = codenames(Group.objects.get(name=StaffRole.SUPPORT))
    trust = codenames(Group.objects.get(name=StaffRole.TRUST_SAFETY))

    assert "members.change_member" not in support
    assert {"members.change_member", "members.add_secondaccountapproval"} <= trust


def test_sync_undoes_console_edits_of_a_role(db):
    support = Group.objects.get(name=StaffRole.SUPPORT)
    support.permissions.add(Permission.objects.get(codename="change_member"))

    synced = roles.staff_roles_sync()

    assert sorted(synced) == sorted(StaffRole.values)
    assert "members.change_member" not in codenames(support)


def test_unknown_permission_in_the_policy_raises_policy_error(db, monkeypatch):
    bad = StaffRolesPolicy.model_validate(
        {
            "roles": {
                "Support agent": {
                    "description": "Typo in a permission.",
                    "permissions": ["members.view_member", "members.veiw_member"],
                }
            }
        }
    )
    monkeypatch.setattr(roles, "load_staff_roles", lambda: bad)

    with pytest.raises(PolicyError) as error:
        roles.staff_roles_sync()

    assert str(error.value) == "staff_roles.toml: unknown permission 'members.veiw_member'"


def test_a_policy_file_without_roles_is_refused_at_load(monkeypatch, fresh_policy_cache):
    monkeypatch.setattr(policy, "load_toml", lambda path: {"roles": {}})

    with pytest.raises(PolicyError) as error:
        load_staff_roles()

    assert str(error.value).startswith("staff_roles.toml: ")
    assert "roles" in str(error.value)


def test_a_role_with_an_unknown_key_is_refused_at_load(monkeypatch, fresh_policy_cache):
    monkeypatch.setattr(
        policy,
        "load_toml",
        lambda path: {"roles": {"Support agent": {"description": "x", "permisions": []}}},
    )

    with pytest.raises(PolicyError):
        load_staff_roles()
