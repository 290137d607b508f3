"""Issue 10's "done when" through the operator console (the API walk is test_journey.py): a
complaint filed in the console becomes a case showing the related cluster; a cluster
suspension taken in the console waits for a second agent's approval there; the listings
leave search and the members cannot log in; the member appeals through the signed link in
the notice (a suspended account cannot log in); a third agent overturns it in the console,
which reinstates both; the console's audit list shows each step with its actor.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, listing_create, member_create, search_category, staff_create
from tradepost.catalog import search
from tradepost.members.models import MemberStatus
from tradepost.trust.models import Case
from tradepost.trust.models.actions import Action, ActionStatus, Appeal
from tradepost.trust.services.actions import appeal_link

BACKEND = "tradepost.members.backends.MemberLoginBackend"


def _found(term: str) -> set[int]:
    query = search.parse_search_params({"q": term, "sort": "newest"})
    return {hit.id for hit in search.search(query).results}


def _console(username: str) -> Client:
    client = Client()
    client.force_login(staff_create(username=username, role="Trust & safety agent"), BACKEND)
    return client


def _login(browser: Client, login: str) -> int:
    return browser.post(
        "/api/v1/auth/login",
        {"login": login, "password": PASSWORD},
        content_type="application/json",
    ).status_code


def _bulk(client: Client, model: str, action: str, pk: int, **extra: str) -> str:
    response = client.post(
        f"/console/trust/{model}/",
        {"action": action, "_selected_action": [str(pk)], "index": "0", **extra},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_complaint_case_cluster_four_eyes_suspension_appeal_and_audit_in_the_console():
    search_category("t-kitchen")
    a = member_create(country="CN", roles=["supplier"])
    b = member_create(country="CN", roles=["supplier"])
    listing_a = listing_create(a, title="Brass valve DN15")
    listing_b = listing_create(b, title="Brass valve DN20")
    browser = Client(REMOTE_ADDR="203.0.113.7")
    browser.get("/")  # one browser, one device cookie, two accounts
    assert _login(browser, a.member_id) == 200
    assert _login(browser, b.member_id) == 200
    agent, second, third = _console("agent"), _console("second"), _console("third")

    # A complaint filed in the console becomes a case that shows the related account.
    filed = agent.post(
        "/console/trust/complaint/add/",
        {
            "member_id": a.member_id,
            "ground": "6.3 c",
            "description": "The business licence is forged.",
            "listing_ids": str(listing_a.pk),
        },
        follow=True,
    )
    case = Case.objects.get(member=a)
    assert filed.redirect_chain[-1][0] == f"/console/trust/case/{case.pk}/change/"
    assert b.member_id in filed.content.decode()

    # A cluster suspension waits for four eyes; the proposer cannot approve it.
    agent.post(
        f"/console/trust/action/add/?member_id={a.member_id}",
        {
            "member_id": a.member_id,
            "kind": "suspend",
            "include_related": "on",
            "clause": "6.2 (i)",
            "reason": "Forged licence; the related account is run by the same people.",
        },
    )
    action = Action.objects.get(member=a, parent=None)
    assert action.status == ActionStatus.PENDING_APPROVAL
    _bulk(agent, "action", "approve", action.pk)
    action.refresh_from_db()
    assert action.status == ActionStatus.PENDING_APPROVAL
    _bulk(second, "action", "approve", action.pk)
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_FORCE

    # In force at once: both out of search, neither can log in.
    assert {listing_a.pk, listing_b.pk}.isdisjoint(_found("valve"))
    for member in (a, b):
        member.refresh_from_db()
        assert member.status == MemberStatus.SUSPENDED
        assert _login(Client(), member.member_id) in (401, 403)

    # The member appeals through the signed link of the notice.
    link = appeal_link(action)
    appealed = Client().post(
        link,
        {"action_id": str(action.pk), "statement": "The licence is genuine; attached."},
        follow=True,
    )
    assert appealed.status_code == 200
    appeal = Appeal.objects.get(action=action)

    # Neither the proposer nor the approver may decide; a third agent overturns it.
    for client in (agent, second):
        _bulk(client, "appeal", "decide", appeal.pk, apply="1", outcome="overturned", reason="x")
        appeal.refresh_from_db()
        assert appeal.outcome == ""
    _bulk(
        third,
        "appeal",
        "decide",
        appeal.pk,
        apply="1",
        outcome="overturned",
        reason="Licence confirmed with the registry.",
    )
    appeal.refresh_from_db()
    assert appeal.outcome == "overturned"
    for member in (a, b):
        member.refresh_from_db()
        assert member.status == MemberStatus.ACTIVE
    assert {listing_a.pk, listing_b.pk} <= _found("valve")

    # The console's audit list, searched by the member, shows each step and who took it.
    trail = agent.get("/console/audit/auditentry/", {"q": a.member_id})
    assert trail.status_code == 200
    shown = {(row.action, row.actor_label) for row in trail.context["cl"].result_list}
    assert {
        ("case.opened", "agent"),
        ("complaint.filed", "agent"),
        ("action.taken", "agent"),
        ("action.approved", "second"),
        ("appeal.decided", "third"),
    } <= shown, shown
    page = trail.content.decode()
    assert "Licence confirmed with the registry." in page
