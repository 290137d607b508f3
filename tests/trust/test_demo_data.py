"""`tradepost demo_data`'s Trust & Safety demo: loaded once through the trust services, every
listed object there, the four-eyes steps usable by the demo staff, the pages the README's tour
names answering 200 for the login it names, and the other tours' members never restricted."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tradepost.audit.models import AuditEntry
from tradepost.catalog.models import Listing
from tradepost.compliance.demo import COMPLIANCE_DEMO_MEMBERS
from tradepost.members.models import Member, MemberStatus, StaffRole, User
from tradepost.notices.models import Notice
from tradepost.trade.management.commands import demo_data
from tradepost.trade.management.commands.demo_data import DEMO_MEMBERS
from tradepost.trust.demo import (
    DEMO_STAFF,
    DEMO_STAFF_PASSWORD,
    LINKED_BUYER,
    LINKED_SUPPLIER,
    RIGHTS_HOLDER,
    SUBJECT,
    TRUST_DEMO_MEMBERS,
)
from tradepost.trust.models import (
    Case,
    Complaint,
    IdentitySignal,
    IPClaim,
    IPRight,
    Link,
    MemberCluster,
    PenaltyPoint,
)
from tradepost.trust.models.actions import Action, ActionStatus, Appeal
from tradepost.trust.models.requests import DisclosureRequest, InformationRequest
from tradepost.trust.selectors.links import related_member_ids
from tradepost.trust.services.actions import (
    AppealSameStaff,
    FourEyesSameStaff,
    action_approve,
    appeal_decide,
    appeal_link,
)

BACKEND = "tradepost.members.backends.MemberLoginBackend"
TRUST_MODELS = (
    Case,
    Complaint,
    Action,
    Appeal,
    Link,
    MemberCluster,
    IdentitySignal,
    PenaltyPoint,
    IPRight,
    IPClaim,
    InformationRequest,
    DisclosureRequest,
    AuditEntry,
    Notice,
    User,
    Member,
)


@pytest.fixture
def demo_settings(db, settings, tmp_path):
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def demo_whole(demo_settings):
    call_command("demo_data", stdout=io.StringIO())


@pytest.fixture
def demo(demo_settings, monkeypatch):
    """The demo data without the catalog tour's listings and drawn pictures (most of its
    time), which the trust story does not use."""
    monkeypatch.setattr(demo_data, "demo_images_load", lambda: 0)
    monkeypatch.setattr(demo_data, "demo_listings_load", lambda: 0)
    call_command("demo_data", stdout=io.StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TRUST_MODELS}


def subject() -> Member:
    return Member.objects.get(email=SUBJECT)


def test_running_demo_data_twice_changes_no_trust_object(demo_whole):
    first = counts()
    signals_seen = sorted(IdentitySignal.objects.values_list("pk", "last_seen"))
    out = io.StringIO()

    call_command("demo_data", stdout=out)

    assert out.getvalue().splitlines()[0] == "Demo data already loaded: nothing changed."
    assert counts() == first
    assert sorted(IdentitySignal.objects.values_list("pk", "last_seen")) == signals_seen
    assert first["Case"] == 2  # the 6.3 c case and the rights claim's
    # warning, restriction, the cluster suspension (3 members); and the compliance demo's hold
    assert first["Action"] == 6


def test_the_cluster_is_linked_by_a_shared_device_and_a_shared_phone(demo):
    supplier = Member.objects.get(email=LINKED_SUPPLIER)
    buyer = Member.objects.get(email=LINKED_BUYER)

    cluster = related_member_ids(subject())
    evidence = sorted(
        sentence for link in Link.objects.all() for sentence in link.evidence.values()
    )

    assert cluster[0] == subject().member_id
    assert sorted(cluster[1:]) == sorted([supplier.member_id, buyer.member_id])
    today = timezone.now().date().isoformat()
    assert evidence == [f"same device since {today}", f"same phone +86 755****0202 since {today}"]


def test_the_complaint_became_a_case_with_points_and_a_warning_in_force(demo):
    case = Case.objects.get(member=subject())

    complaints = list(case.complaints.order_by("pk").values_list("ground", "status"))
    points = PenaltyPoint.objects.get(member=subject())
    warning = Action.objects.get(member=subject(), kind="warn")

    assert complaints == [("6.3 c", "established"), ("6.3 c", "received")]
    assert case.assignee.username == "demo-ts-agent"
    assert case.evidence.count() == 1
    assert (points.points, points.total_after, points.threshold) == (6, 6, "points-6")
    assert warning.status == ActionStatus.IN_FORCE


def test_the_restriction_is_in_force_and_its_appeal_awaits_a_decision(demo):
    restriction = Action.objects.get(member=subject(), kind="restrict_feature")

    appeal = Appeal.objects.get(action=restriction)

    assert (restriction.status, restriction.feature) == (ActionStatus.IN_FORCE, "promotions")
    assert restriction.in_force_at(timezone.now()) is True
    assert (appeal.outcome, appeal.decided_by) == ("", None)


def test_the_cluster_suspension_is_pending_approval(demo):
    pending = Action.objects.get(member=subject(), kind="suspend")

    children = Action.objects.filter(parent=pending)

    assert (pending.status, pending.include_related) == (ActionStatus.PENDING_APPROVAL, True)
    assert pending.created_by.username == "demo-ts-agent"
    assert children.count() == 2
    assert set(children.values_list("status", flat=True)) == {ActionStatus.PENDING_APPROVAL}
    assert set(Member.objects.values_list("status", flat=True)) == {MemberStatus.ACTIVE}


def test_the_rights_claim_holds_the_listing_with_the_counter_notice_window_open(demo):
    rights = dict(IPRight.objects.values_list("kind", "status"))

    claim = IPClaim.objects.get()
    listing = Listing.objects.get(supplier__email=LINKED_SUPPLIER)

    assert rights == {"trademark": "approved", "copyright": "pending"}
    assert (claim.holder.email, claim.supplier.email) == (RIGHTS_HOLDER, LINKED_SUPPLIER)
    assert claim.status == "awaiting"
    assert claim.counter_notice_due > timezone.now()
    assert listing.status == "held"


def test_an_information_request_and_a_disclosure_request_await_answers(demo):
    information = InformationRequest.objects.get()
    disclosure = DisclosureRequest.objects.get()

    assert (information.member.email, information.status) == (LINKED_BUYER, "open")
    assert disclosure.decision == ""
    assert disclosure.registered_by.username == "demo-legal"
    assert disclosure.member_ids == [
        subject().member_id,
        Member.objects.get(email=LINKED_BUYER).member_id,
    ]


def test_each_step_wrote_its_audit_row(demo):
    actions = set(AuditEntry.objects.values_list("action", flat=True))

    assert {
        "case.opened",
        "case.assigned",
        "case.evidence_added",
        "complaint.filed",
        "complaint.established",
        "penalty.points_added",
        "action.taken",
        "appeal.filed",
        "ip_right.registered",
        "ip_right.approved",
        "ip_claim.filed",
        "information_request.created",
        "disclosure.registered",
    } <= actions


def test_demo_staff_one_per_role_with_the_documented_password(demo):
    staff = {
        u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_STAFF])
    }

    roles = {name: list(u.groups.values_list("name", flat=True)) for name, u in staff.items()}

    assert {r[0] for r in roles.values()} | {StaffRole.ADMINISTRATOR} == set(StaffRole.values)
    assert [r for r in roles.values()].count([StaffRole.TRUST_SAFETY]) == 2
    assert all(u.check_password(DEMO_STAFF_PASSWORD) and u.is_staff for u in staff.values())
    assert not any(u.is_superuser for u in staff.values())


def test_the_other_tours_members_are_never_restricted(demo):
    tour = Member.objects.filter(email__in=[spec.email for spec in DEMO_MEMBERS])

    restricted = Action.objects.filter(member__in=tour)

    assert tour.count() == len(DEMO_MEMBERS)
    assert restricted.count() == 0
    assert {m.email for m in Member.objects.filter(disciplinary_actions__isnull=False)} <= {
        spec.email for spec in (*TRUST_DEMO_MEMBERS, *COMPLIANCE_DEMO_MEMBERS)
    }


def test_the_demo_staff_can_carry_out_the_four_eyes_steps(demo):
    agent = User.objects.get(username="demo-ts-agent")
    lead = User.objects.get(username="demo-ts-lead")
    pending = Action.objects.get(member=subject(), kind="suspend")
    appeal = Appeal.objects.get()

    with pytest.raises(FourEyesSameStaff):
        action_approve(action=pending, by=agent)
    with pytest.raises(AppealSameStaff):
        appeal_decide(appeal=appeal, outcome="upheld", reason="Seen.", by=agent)
    action_approve(action=pending, by=lead)
    decided = appeal_decide(appeal=appeal, outcome="upheld", reason="Seen.", by=lead)

    assert decided.outcome == "upheld"
    assert set(
        Member.objects.filter(email__in=[SUBJECT, LINKED_SUPPLIER, LINKED_BUYER]).values_list(
            "status", flat=True
        )
    ) == {MemberStatus.SUSPENDED}


def _staff_client(username: str) -> Client:
    client = Client()
    response = client.post(
        "/console/login/?next=/console/",
        {"username": username, "password": DEMO_STAFF_PASSWORD},
    )
    assert response.status_code == 302, username
    return client


def _member_client(email: str) -> Client:
    client = Client()
    client.force_login(Member.objects.get(email=email).user, BACKEND)
    return client


def test_the_readme_tour_pages_answer_for_the_logins_it_names(demo):
    """The Trust & Safety rows of the README's tour: each URL, as the login it names."""
    member_id = subject().member_id
    case = Case.objects.get(member=subject())
    claim = IPClaim.objects.get()
    restriction = Action.objects.get(member=subject(), kind="restrict_feature")
    console = {
        "demo-ts-agent": [
            "/console/trust/",
            "/console/trust/case/",
            f"/console/trust/case/{case.pk}/change/",
            f"/console/trust/link/cluster/{member_id}/",
            "/console/trust/link/",
            "/console/trust/ipclaim/",
            "/console/trust/ipright/",
            f"/console/trust/ipclaim/{claim.pk}/change/",
            "/console/trust/informationrequest/",
            "/console/audit/auditentry/",
        ],
        "demo-ts-lead": [
            "/console/trust/action/?status__exact=pending_approval",
            "/console/trust/appeal/",
            f"/console/trust/appeal/{restriction.appeal.pk}/change/",
        ],
        "demo-legal-2": ["/console/trust/disclosurerequest/"],
        "demo-legal": ["/console/audit/auditentry/"],
        "demo-support": [
            "/console/trust/complaint/",
            "/console/trust/action/",
            f"/console/trust/link/cluster/{member_id}/",
        ],
        "demo-compliance": ["/console/trust/informationrequest/", "/console/audit/auditentry/"],
    }
    members = {
        SUBJECT: ["/account/actions/", appeal_link(restriction), "/notices/"],
        RIGHTS_HOLDER: ["/account/ip-rights/"],
        LINKED_SUPPLIER: ["/account/ip-claims/", f"/account/ip-claims/{claim.pk}/"],
        LINKED_BUYER: ["/my/information-requests/"],
    }

    answers = {}
    for username, urls in console.items():
        client = _staff_client(username)
        answers.update({(username, url): client.get(url).status_code for url in urls})
    for email, urls in members.items():
        client = _member_client(email)
        answers.update({(email, url): client.get(url).status_code for url in urls})
    answers[("anonymous", "/transparency/")] = Client().get("/transparency/").status_code

    assert {key: code for key, code in answers.items() if code != 200} == {}
