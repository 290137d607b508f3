"""Clause 6.2 (i): a termination is final; staff cannot lift it (API, service, console), yet
an appeal decided "overturned" by other staff reinstates the account (DSA Art. 20)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from tests.conftest import ApiClient
from tests.factories import listing_create, member_create, search_category, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.catalog import search
from tradepost.errors import Conflict
from tradepost.members.models import MemberStatus
from tradepost.members.services import api_token_create
from tradepost.trust.models.actions import Action, ActionStatus
from tradepost.trust.services import actions as services


def client_for(user) -> ApiClient:
    _, raw = api_token_create(user=user, name="test")
    return ApiClient(token=raw)


def found() -> list[int]:
    query = search.parse_search_params({"q": "flange", "sort": "newest"})
    return [hit.id for hit in search.search(query).results]


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


@pytest.fixture
def third(db):
    return staff_create(username="third", role="Trust & safety agent")


def terminated(member, agent, second, **kw) -> Action:
    action = services.action_take(
        member=member, kind="terminate", clause="6.3 b", reason="Stolen card.", by=agent, **kw
    )
    services.action_approve(action=action, by=second)
    action.refresh_from_db()
    return action


def test_the_api_answers_409_termination_final_and_changes_nothing(supplier, agent, second):
    action = terminated(supplier, agent, second)

    response = client_for(second).post(f"/staff/actions/{action.pk}/lift", {"reason": "Oops."})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "termination_final"
    action.refresh_from_db()
    supplier.refresh_from_db()
    assert (action.status, supplier.status) == (ActionStatus.IN_FORCE, MemberStatus.TERMINATED)
    assert not AuditEntry.objects.filter(action="action.lifted").exists()


def test_the_console_lift_button_refuses_a_termination(supplier, agent, second):
    action = terminated(supplier, agent, second)
    console = Client()
    console.force_login(second)

    response = console.post(
        "/console/trust/action/",
        {"action": "lift", "_selected_action": [action.pk], "apply": "1", "reason": "Oops."},
        follow=True,
    )

    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("termination is final" in m and f"#{action.pk}" in m for m in shown)
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_FORCE


def test_an_overturned_appeal_reinstates_a_terminated_account(supplier, agent, second, third):
    listing = listing_create(supplier, title="Steel flange")
    action = terminated(supplier, agent, second)
    assert found() == []
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Not me.")

    decided = client_for(third).post(
        f"/staff/appeals/{appeal.pk}/decide", {"outcome": "overturned", "reason": "Card was mine."}
    )

    assert decided.status_code == 200
    action.refresh_from_db()
    supplier.refresh_from_db()
    supplier.user.refresh_from_db()
    assert (action.status, action.ended_by) == (ActionStatus.LIFTED, third)
    assert (supplier.status, supplier.user.is_active) == (MemberStatus.ACTIVE, True)
    assert found() == [listing.pk]
    change = AuditEntry.objects.get(action="member.status_changed", after={"status": "active"})
    assert (change.actor, change.before) == (third, {"status": "terminated"})


def test_the_staff_who_took_or_approved_it_cannot_overturn_it(supplier, agent, second):
    action = terminated(supplier, agent, second)
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Not me.")

    for staff in (agent, second):
        with pytest.raises(services.AppealSameStaff):
            services.appeal_decide(appeal=appeal, outcome="overturned", reason="x", by=staff)

    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.TERMINATED


def test_an_upheld_appeal_leaves_the_termination(supplier, agent, second, third):
    action = terminated(supplier, agent, second)
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Not me.")

    services.appeal_decide(appeal=appeal, outcome="upheld", reason="Evidence holds.", by=third)

    action.refresh_from_db()
    supplier.refresh_from_db()
    assert (action.status, supplier.status) == (ActionStatus.IN_FORCE, MemberStatus.TERMINATED)


def test_overturning_a_termination_leaves_a_suspension_still_in_force(
    supplier, agent, second, third
):
    suspension = services.action_take(
        member=supplier, kind="suspend", clause="6.2 (i)", reason="Late goods.", by=agent
    )
    action = terminated(supplier, agent, second)
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Not me.")

    services.appeal_decide(appeal=appeal, outcome="overturned", reason="Card was mine.", by=third)

    supplier.refresh_from_db()
    suspension.refresh_from_db()
    assert supplier.status == MemberStatus.SUSPENDED
    assert suspension.evidence["holds_status"] is True


def test_overturning_a_cluster_termination_reinstates_every_member(
    monkeypatch, supplier, agent, second, third
):
    other = member_create(country="CN", roles=["supplier"])
    ids = [supplier.member_id, other.member_id]
    monkeypatch.setattr(
        services,
        "related_member_ids",
        lambda member: ids if member.pk == supplier.pk else [member.member_id],
    )
    action = terminated(supplier, agent, second, include_related=True)
    other.refresh_from_db()
    assert other.status == MemberStatus.TERMINATED
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Not us.")

    services.appeal_decide(appeal=appeal, outcome="overturned", reason="Wrong cluster.", by=third)

    for member in (supplier, other):
        member.refresh_from_db()
        assert member.status == MemberStatus.ACTIVE
    assert set(Action.objects.values_list("status", flat=True)) == {ActionStatus.LIFTED}


def test_the_service_still_refuses_staff_lifting(supplier, agent, second):
    action = terminated(supplier, agent, second)

    with pytest.raises(Conflict) as error:
        services.action_lift(action=action, by=second, reason="Oops.")

    assert error.value.code == "termination_final"
    assert "appeal" in error.value.message
