"""Issue 10's "done when", end to end through the API: a complaint becomes a case that shows
the related cluster; a suspension of the member and, with a second staff member's approval,
its cluster; their listings leave search at once; they cannot log in or post; the action
ends; the audit trail shows each step with its actor.

The two suppliers are related the way the platform sees it in life: both sign in from one
browser (one device cookie), not through a test hook.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import (
    PASSWORD,
    listing_create,
    listing_payload,
    member_create,
    search_category,
    staff_create,
)
from tradepost.catalog import search
from tradepost.members.models import MemberStatus
from tradepost.members.services import api_token_create
from tradepost.trust.models.actions import Action


def _found(term: str) -> set[int]:
    query = search.parse_search_params({"q": term, "sort": "newest"})
    return {hit.id for hit in search.search(query).results}


def _staff(username: str) -> ApiClient:
    user = staff_create(username=username, role="Trust & safety agent")
    return ApiClient(token=api_token_create(user=user, name="t")[1])


def _login(browser: Client, login: str) -> int:
    return browser.post(
        "/api/v1/auth/login",
        {"login": login, "password": PASSWORD},
        content_type="application/json",
    ).status_code


@pytest.mark.django_db
def test_complaint_case_cluster_four_eyes_suspension_everywhere_then_lifted_and_audited():
    search_category("t-kitchen")
    a = member_create(country="CN", roles=["supplier"])
    b = member_create(country="CN", roles=["supplier"])
    listing_a = listing_create(a, title="Stainless flange DN50")
    listing_b = listing_create(b, title="Stainless flange DN80")
    browser = Client(REMOTE_ADDR="203.0.113.9")
    browser.get("/")  # the first visit sets the device cookie
    assert browser.cookies.get("tp_device")
    assert _login(browser, a.member_id) == 200
    assert _login(browser, b.member_id) == 200
    agent, second = _staff("agent"), _staff("second")
    assert {listing_a.pk, listing_b.pk} <= _found("flange")

    # A complaint becomes a case, which shows the related cluster.
    complaint = agent.post(
        "/staff/complaints",
        {
            "member_id": a.member_id,
            "ground": "6.3 c",
            "description": "Registration documents are forged.",
            "listing_ids": [listing_a.pk],
        },
    )
    assert complaint.status_code == 201, complaint.content
    case = agent.get(f"/staff/cases/{complaint.json()['case_id']}")
    assert case.status_code == 200
    assert b.member_id in str(case.json())
    related = agent.get(f"/staff/members/{a.member_id}/related").json()
    assert set(related["cluster"]) == {a.member_id, b.member_id}
    assert any(link["kind"] == "device" for link in related["links"])

    # Suspending the cluster needs a second staff member.
    proposed = agent.post(
        "/staff/actions",
        {
            "member_id": a.member_id,
            "kind": "suspend",
            "include_related": True,
            "clause": "6.2 (i)",
            "reason": "Forged documents; related accounts.",
        },
    )
    assert proposed.status_code == 201, proposed.content
    assert proposed.json()["status"] == "pending_approval"
    action_id = proposed.json()["id"]
    assert agent.post(f"/staff/actions/{action_id}/approve").status_code == 403
    approved = second.post(f"/staff/actions/{action_id}/approve")
    assert approved.json()["status"] == "in_force"

    # In force everywhere at once: search, login, the API.
    assert {listing_a.pk, listing_b.pk}.isdisjoint(_found("flange"))
    for member in (a, b):
        member.refresh_from_db()
        assert member.status == MemberStatus.SUSPENDED
        assert _login(Client(), member.member_id) in (401, 403)
    _, raw = api_token_create(user=a.user, name="late")
    posted = ApiClient(token=raw).post("/my/listings", listing_payload(title="New flange"))
    assert posted.status_code in (401, 403)

    # Lifted: they are back, listings too.
    lifted = second.post(f"/staff/actions/{action_id}/lift", {"reason": "Documents verified."})
    assert lifted.status_code == 200, lifted.content
    for member in (a, b):
        member.refresh_from_db()
        assert member.status == MemberStatus.ACTIVE
    assert {listing_a.pk, listing_b.pk} <= _found("flange")

    # The audit trail shows each step with its actor, oldest first.
    trail = agent.get(f"/staff/audit?target={a.member_id}&limit=100").json()["items"]
    steps = [(row["action"], row["actor"]) for row in trail]
    assert steps[:3] == [
        ("case.opened", "agent"),
        ("complaint.filed", "agent"),
        ("action.taken", "agent"),
    ]
    assert ("action.approved", "second") in steps
    assert ("action.lifted", "second") in steps
    assert steps.count(("member.status_changed", "second")) == 2  # suspended, reinstated
    assert [row["at"] for row in trail] == sorted(row["at"] for row in trail)


@pytest.mark.django_db
def test_a_suspension_with_an_end_is_over_at_its_end_without_a_job():
    a = member_create(country="CN", roles=["supplier"])
    agent = _staff("agent")
    ends = timezone.now() + timedelta(days=7)
    taken = agent.post(
        "/staff/actions",
        {
            "member_id": a.member_id,
            "kind": "suspend",
            "include_related": False,
            "clause": "6.2 (i)",
            "reason": "Seven days.",
            "ends_at": ends.isoformat(),
        },
    )
    assert taken.json()["status"] == "in_force"
    assert _login(Client(), a.member_id) in (401, 403)

    Action.objects.filter(pk=taken.json()["id"]).update(ends_at=timezone.now())

    assert _login(Client(), a.member_id) == 200
