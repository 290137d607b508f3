"""The data migration that recomputes stored identities as confusables skeletons (4.1)."""

import importlib

import pytest
from django.apps import apps

from tests.factories import member_create
from tradepost.members.models import Member, MemberIdentifier

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "tradepost.members.migrations.0002_identity_confusable_skeletons"
)


def test_stored_identities_are_recomputed_and_a_look_alike_pair_is_kept_apart(capsys):
    first = member_create(country="DE", email="sales@example.com", registration_number="HRB 10")
    second = member_create(country="DE", registration_number="X 1")
    Member.objects.filter(pk=second.pk).update(registration_number="HRB IO")
    MemberIdentifier.objects.filter(member=first, kind="email").update(value="sales@example.com")
    MemberIdentifier.objects.filter(member=first, kind="registration_number").update(
        value="DE:HRB10"
    )
    MemberIdentifier.objects.filter(member=second, kind="registration_number").update(
        value="DE:HRBIO"
    )

    migration.recompute(apps, None)

    values = dict(
        MemberIdentifier.objects.filter(member=first)
        .values_list("kind", "value")
        .exclude(kind="phone")
    )
    assert values == {"email": "sales@exarnple.corn", "registration_number": "DE:HRBlO"}
    kept = MemberIdentifier.objects.get(member=second, kind="registration_number")
    assert kept.value == "DE:HRBIO"
    assert f"member {second.member_id} looks like member {first.member_id}'s" in (
        capsys.readouterr().out
    )
