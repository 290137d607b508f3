"""Enforcement takes effect everywhere at once (clauses 4.5, 6.2 i): the member's status,
its audit row naming the staff member, its sessions and tokens, and its listings in search."""

import pytest

from tests.factories import listing_create, member_create, search_category, staff_create
from tradepost.catalog import search
from tradepost.errors import Conflict
from tradepost.members.models import ApiToken, MemberStatus, MemberStatusChange
from tradepost.members.services import api_token_create
from tradepost.trust import services


def found() -> list[int]:
    query = search.parse_search_params({"q": "flange", "sort": "newest"})
    return [hit.id for hit in search.search(query).results]


@pytest.fixture
def supplier(db):
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def staff(db):
    return staff_create(username="agent", superuser=True)


def test_suspending_hides_listings_revokes_tokens_and_writes_the_audit_row(supplier, staff):
    search_category("t-kitchen")
    listing = listing_create(supplier, title="Forged flange DN80")
    api_token_create(user=supplier.user, name="ERP")

    member = services.member_suspend(member=supplier, reason="Fraud check (6.2 i).", by=staff)

    assert member.status == MemberStatus.SUSPENDED
    assert found() == []
    assert ApiToken.objects.get().revoked_by == staff
    change = MemberStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        MemberStatus.ACTIVE,
        MemberStatus.SUSPENDED,
        "Fraud check (6.2 i).",
        staff,
    )
    assert listing.pk not in found()


def test_reinstating_shows_the_listings_again(supplier, staff):
    search_category("t-kitchen")
    listing = listing_create(supplier, title="Forged flange DN80")
    services.member_suspend(member=supplier, reason="Fraud check.", by=staff)

    member = services.member_reinstate(member=supplier, reason="Cleared.", by=staff)

    assert member.status == MemberStatus.ACTIVE
    assert found() == [listing.pk]


def test_termination_is_final(supplier, staff):
    services.member_terminate(member=supplier, reason="Breach of 6.2.", by=staff)

    with pytest.raises(Conflict) as error:
        services.member_reinstate(member=supplier, reason="Oops.", by=staff)

    assert error.value.message == "A terminated account cannot be changed."
    assert MemberStatusChange.objects.count() == 1
