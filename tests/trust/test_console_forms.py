"""The console's "Add action" and "Add complaint" pages: each calls the same service as the
staff API (clause 6.2 actions, 5.4/6.3/6.5 complaints), shows refusals on the form and keeps
to the roles' permissions."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import listing_create, member_create, search_category, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.members.models import MemberStatus
from tradepost.trust.models import Case, Complaint
from tradepost.trust.models.actions import Action, ActionStatus
from tradepost.trust.services import actions as action_services

BACKEND = "tradepost.members.backends.MemberLoginBackend"
ACTION_ADD = "/console/trust/action/add/"
COMPLAINT_ADD = "/console/trust/complaint/add/"


def console(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def supplier(db):
    search_category("t-kitchen")
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def agent(db):
    return staff_create(username="agent", role="Trust & safety agent")


def suspension(member_id: str, **overrides) -> dict:
    return {
        "member_id": member_id,
        "kind": "suspend",
        "clause": "6.2 (i)",
        "reason": "Repeated non-delivery after payment.",
        **overrides,
    }


def test_an_agent_suspends_a_member_in_the_console(supplier, agent):
    client = console(agent)
    assert client.get(ACTION_ADD).status_code == 200

    response = client.post(ACTION_ADD, suspension(supplier.member_id), follow=True)

    action = Action.objects.get(member=supplier)
    supplier.refresh_from_db()
    assert (action.status, action.created_by, supplier.status) == (
        ActionStatus.IN_FORCE,
        agent,
        MemberStatus.SUSPENDED,
    )
    assert response.redirect_chain[-1][0] == f"/console/trust/action/{action.pk}/change/"
    assert "in force" in response.content.decode()
    entry = AuditEntry.objects.get(action="action.taken", target_id=str(action.pk))
    assert (entry.actor, entry.member_id, entry.clause) == (agent, supplier.member_id, "6.2 (i)")


def test_a_cluster_suspension_waits_for_a_second_approval(monkeypatch, supplier, agent):
    other = member_create(country="CN", roles=["supplier"])
    ids = [supplier.member_id, other.member_id]
    monkeypatch.setattr(action_services, "related_member_ids", lambda member: ids)

    response = console(agent).post(
        ACTION_ADD, suspension(supplier.member_id, include_related="on"), follow=True
    )

    action = Action.objects.get(member=supplier, parent=None)
    supplier.refresh_from_db()
    assert (action.status, action.include_related, supplier.status) == (
        ActionStatus.PENDING_APPROVAL,
        True,
        MemberStatus.ACTIVE,
    )
    assert "pending a second staff member" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "   "}, "reason"),
        ({"member_id": "M-NOPE-000"}, "member_id"),
        ({"kind": "restrict_feature"}, "feature"),
    ],
)
def test_bad_input_shows_on_the_form_and_takes_nothing(supplier, agent, overrides, field):
    payload = {**suspension(supplier.member_id), **overrides}

    response = console(agent).post(ACTION_ADD, payload)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Action.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="action.").exists()


def test_a_role_without_the_permission_is_refused(supplier, db):
    support = console(staff_create(username="support", role="Support agent"))

    assert support.get(ACTION_ADD).status_code == 403
    assert support.post(ACTION_ADD, suspension(supplier.member_id)).status_code == 403
    assert support.get(COMPLAINT_ADD).status_code == 403
    assert not Action.objects.exists()


def test_filing_a_complaint_opens_a_case_and_goes_to_it(supplier, agent):
    listing = listing_create(supplier)
    client = console(agent)
    assert client.get(COMPLAINT_ADD).status_code == 200

    response = client.post(
        COMPLAINT_ADD,
        {
            "member_id": supplier.member_id,
            "ground": "6.3 c",
            "description": "The company registration number does not exist.",
            "listing_ids": f"{listing.pk}",
        },
        follow=True,
    )

    complaint = Complaint.objects.get(subject=supplier)
    case = Case.objects.get(member=supplier)
    assert (complaint.case, complaint.ground, complaint.source) == (case, "6.3 c", "staff")
    assert list(complaint.listings.values_list("pk", flat=True)) == [listing.pk]
    assert response.redirect_chain[-1][0] == f"/console/trust/case/{case.pk}/change/"
    assert response.status_code == 200


def test_a_complaint_naming_another_members_listing_is_refused_on_the_form(supplier, agent):
    stranger = listing_create(member_create(country="CN", roles=["supplier"]))

    response = console(agent).post(
        COMPLAINT_ADD,
        {
            "member_id": supplier.member_id,
            "ground": "6.3 a",
            "description": "Never delivered.",
            "listing_ids": str(stranger.pk),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["listing_ids"]
    assert not Complaint.objects.exists()


def test_the_member_page_links_to_what_trust_and_safety_do_about_the_member(supplier, agent):
    page = console(agent).get(f"/console/members/member/{supplier.pk}/change/")

    links = {link["label"]: link["url"] for link in page.context["trust_links"]}
    mid = supplier.member_id
    assert links == {
        "Take action": f"{ACTION_ADD}?member_id={mid}",
        "Related accounts": f"/console/trust/link/cluster/{mid}/",
        "File complaint": f"{COMPLAINT_ADD}?member_id={mid}",
        "Open cases (0)": f"/console/trust/case/?q={mid}",
        "Actions in force (0)": f"/console/trust/action/?q={mid}&status__exact=in_force",
    }
    html = page.content.decode()
    assert f'href="{ACTION_ADD}?member_id={mid}"' in html
    assert console(agent).get(links["Take action"]).status_code == 200
    assert console(agent).get(links["Actions in force (0)"]).status_code == 200


def test_the_member_page_shows_only_the_links_a_role_may_use(supplier, db):
    support = console(staff_create(username="support", role="Support agent"))

    page = support.get(f"/console/members/member/{supplier.pk}/change/")

    labels = {link["label"] for link in page.context["trust_links"]}
    assert "Take action" not in labels and "File complaint" not in labels


def test_the_action_form_opens_valid_and_says_which_clauses_each_kind_may_cite(agent):
    page = console(agent).get(ACTION_ADD)
    form = page.context["form"]

    assert form.fields["kind"].choices[0][0] == "warn"
    assert form.fields["clause"].initial == "6.2 (v)"  # the warning's own clause, not 6.2 (i)
    assert "Warning (6.2 v): 6.2 (v);" in form.fields["clause"].help_text
    assert "Warning (6.2 v): 6.2 (v);" in page.content.decode()
