"""Disciplinary actions (clause 6.2): each kind's effect at every entry point, expiry without a
job, four eyes, appeals, notices, the DSA statement of reasons and the role matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import PASSWORD, listing_create, member_create, search_category, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.catalog import search
from tradepost.errors import AccountNotActive, FeatureRestricted
from tradepost.members.models import MemberStatus
from tradepost.members.services import member_authenticate
from tradepost.trust.models.actions import Action, ActionStatus
from tradepost.trust.selectors.actions import feature_allowed
from tradepost.trust.services import actions as services


def found() -> list[int]:
    query = search.parse_search_params({"q": "flange", "sort": "newest"})
    return [hit.id for hit in search.search(query).results]


def login(member):
    request = RequestFactory().post("/api/v1/auth/login", REMOTE_ADDR="198.51.100.20")
    return member_authenticate(request=request, login=member.member_id, password=PASSWORD)


@pytest.fixture
def supplier(db):
    search_category("t-kitchen")
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def agent(db):
    return staff_create(username="agent", role="Trust & safety agent")


@pytest.fixture
def second(db):
    return staff_create(username="second", role="Trust & safety agent")


def test_a_suspension_refuses_login_and_hides_listings(supplier, agent):
    listing = listing_create(supplier, title="Forged flange DN80")
    assert found() == [listing.pk]

    action = services.action_take(
        member=supplier, kind="suspend", clause="6.2 (i)", reason="Fraud check.", by=agent
    )

    assert action.status == ActionStatus.IN_FORCE
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.SUSPENDED
    assert found() == []
    with pytest.raises(AccountNotActive):
        login(supplier)


def test_a_feature_restriction_refuses_posting(supplier, agent):
    action = services.action_take(
        member=supplier,
        kind="restrict_feature",
        feature="new_listings",
        clause="6.2 (iv)",
        reason="Spam listings.",
        by=agent,
    )

    with pytest.raises(FeatureRestricted) as error:
        listing_create(supplier, title="Forged flange DN80")

    assert error.value.extra["action_id"] == action.pk
    assert feature_allowed(supplier, "new_listings").allowed is False
    assert feature_allowed(supplier, "messaging").allowed is True


def test_a_suspension_with_an_end_lifts_itself_at_login(supplier, agent):
    now = timezone.now()
    action = services.action_take(
        member=supplier,
        kind="suspend",
        clause="6.2 (i)",
        reason="Cooling off.",
        by=agent,
        ends_at=now + timedelta(days=7),
    )
    Action.objects.filter(pk=action.pk).update(ends_at=now - timedelta(seconds=1))

    user = login(supplier)

    assert user.member.status == MemberStatus.ACTIVE
    action.refresh_from_db()
    assert action.status == ActionStatus.EXPIRED
    assert AuditEntry.objects.get(action="action.expired").actor_label == "system"
