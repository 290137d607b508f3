"""Complaints and cases (clauses 5.4, 6.3, 6.5): intake by staff, members and trade, duplicates
grouped into one open case, the case with its related cluster and actions, establishing adds
points with the same-day cap, every step in the audit trail, and the role matrix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import ApiClient
from tests.factories import (
    listing_create,
    member_create,
    pdf_bytes,
    search_category,
    staff_create,
)
from tradepost.audit.models import AuditEntry
from tradepost.members.services import api_token_create
from tradepost.trust.models import Case, Complaint, ComplaintSource, PenaltyPoint
from tradepost.trust.models.actions import Action
from tradepost.trust.services import complaints as services
from tradepost.trust.services.links import signal_record


@pytest.fixture
def supplier(db):
    search_category("t-kitchen")
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def agent(db):
    return staff_create(username="agent", role="Trust & safety agent")


@pytest.fixture
def client(agent):
    _, raw = api_token_create(user=agent, name="t")
    return ApiClient(token=raw)


def _file(client, member, ground="6.3 a", listing_ids=(), description="Paid, never shipped."):
    return client.post(
        "/staff/complaints",
        {
            "member_id": member.member_id,
            "ground": ground,
            "description": description,
            "listing_ids": list(listing_ids),
        },
    )


def test_a_complaint_opens_a_case_citing_its_ground(client, supplier):
    listing = listing_create(supplier)

    response = _file(client, supplier, listing_ids=[listing.pk])

    assert response.status_code == 201
    body = response.json()
    complaint = Complaint.objects.get()
    assert (body["id"], body["case_id"], body["status"], body["listing_ids"]) == (
        complaint.pk,
        complaint.case_id,
        "received",
        [listing.pk],
    )
    case = Case.objects.get()
    assert (case.member, case.grounds, case.status) == (supplier, ["6.3 a"], "open")
    assert list(AuditEntry.objects.values_list("action", "actor_label")) == [
        ("case.opened", "agent"),
        ("complaint.filed", "agent"),
    ]


def test_duplicates_on_the_same_ground_join_the_open_case(client, supplier):
    first = _file(client, supplier).json()
    second = _file(client, supplier, description="Another buyer: nothing arrived.").json()

    assert second["case_id"] == first["case_id"]
    assert Case.objects.count() == 1


def test_a_shared_listing_joins_the_case_whatever_the_ground(client, supplier):
    a, b = listing_create(supplier), listing_create(supplier, title="Pipe flange DN65")
    first = _file(client, supplier, ground="6.3 a", listing_ids=[a.pk, b.pk]).json()

    second = _file(client, supplier, ground="6.3 c", listing_ids=[b.pk]).json()

    assert second["case_id"] == first["case_id"]
    assert Case.objects.get().grounds == ["6.3 a", "6.3 c"]
    assert AuditEntry.objects.filter(action="case.ground_added").count() == 1


def test_another_ground_without_a_shared_listing_is_another_case(client, supplier):
    first = _file(client, supplier, ground="6.3 a").json()
    second = _file(client, supplier, ground="6.3 d").json()
    assert second["case_id"] != first["case_id"]


def test_a_closed_case_takes_no_more_complaints(client, supplier):
    first = _file(client, supplier).json()
    client.post(f"/staff/complaints/{first['id']}/reject", {"reason": "Delivered, tracked."})
    closed = client.post(f"/staff/cases/{first['case_id']}/close", {"reason": "Done."})
    assert closed.json()["status"] == "closed"

    again = _file(client, supplier).json()

    assert again["case_id"] != first["case_id"]


def test_complaints_about_another_member_are_never_grouped(client, supplier):
    other = member_create(country="CN", roles=["supplier"])
    assert _file(client, supplier).json()["case_id"] != _file(client, other).json()["case_id"]


@pytest.mark.parametrize(
    ("ground", "code"),
    [("6.3 e", "invalid_ground"), ("", "invalid_ground"), ("6.2", "invalid_ground")],
)
def test_a_bad_ground_is_422(client, supplier, ground, code):
    response = _file(client, supplier, ground=ground)
    assert (response.status_code, response.json()["error"]["code"]) == (422, code)
    assert Complaint.objects.count() == 0


def test_an_unknown_listing_or_another_members_listing_is_422(client, supplier):
    other = member_create(country="CN", roles=["supplier"])
    theirs = listing_create(other)
    for listing_ids in ([999_999], [theirs.pk]):
        response = _file(client, supplier, listing_ids=listing_ids)
        assert (response.status_code, response.json()["error"]["code"]) == (422, "unknown_listing")


def test_an_unknown_member_is_404(client, db):
    response = client.post(
        "/staff/complaints",
        {"member_id": "CN0000000", "ground": "6.3 a", "description": "x", "listing_ids": []},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_the_case_shows_the_member_its_related_cluster_and_evidence(client, supplier):
    twin = member_create(country="CN", roles=["supplier"])
    now = datetime.now(UTC)
    signal_record(member=supplier, kind="device", value="d" * 32, source="login", now=now)
    signal_record(member=twin, kind="device", value="d" * 32, source="login", now=now)
    case_id = _file(client, supplier).json()["case_id"]
    client.post(f"/staff/cases/{case_id}/evidence", {"note": "Buyer sent the bank slip."})

    body = client.get(f"/staff/cases/{case_id}").json()

    assert body["member"]["member_id"] == supplier.member_id
    assert body["cluster"] == [supplier.member_id, twin.member_id]
    assert body["grounds"] == ["6.3 a"]
    assert [c["ground"] for c in body["complaints"]] == ["6.3 a"]
    assert [(e["note"], e["by"]) for e in body["evidence"]] == [
        ("Buyer sent the bank slip.", "agent")
    ]
    assert body["actions"] == []


def test_evidence_files_are_checked_documents(client, supplier):
    case_id = _file(client, supplier).json()["case_id"]
    raw = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {client.token}"}
    ok = raw.post(
        f"/api/v1/staff/cases/{case_id}/evidence/files",
        {"file": SimpleUploadedFile("slip.pdf", pdf_bytes()), "note": "Bank slip"},
        **headers,
    )
    bad = raw.post(
        f"/api/v1/staff/cases/{case_id}/evidence/files",
        {"file": SimpleUploadedFile("x.pdf", b"not a pdf at all")},
        **headers,
    )

    assert ok.status_code == 201
    (evidence,) = ok.json()["evidence"]
    assert (evidence["content_type"], evidence["note"]) == ("application/pdf", "Bank slip")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_document")


def test_establishing_adds_the_grounds_points_and_the_action_shows_on_the_case(client, supplier):
    complaint = _file(client, supplier, ground="6.3 a").json()

    response = client.post(
        f"/staff/complaints/{complaint['id']}/establish", {"reason": "Tracking shows no dispatch."}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["complaint"]["status"] == "established"
    assert (body["penalty"]["points"], body["penalty"]["points_total_after"]) == (6, 6)
    assert body["penalty"]["threshold"] == "points-6"
    warn = Action.objects.get()
    assert (warn.kind, warn.case_ref) == ("warn", str(complaint["case_id"]))
    case = client.get(f"/staff/cases/{complaint['case_id']}").json()
    assert [(a["id"], a["kind"]) for a in case["actions"]] == [(warn.pk, "warn")]
    established = AuditEntry.objects.get(action="complaint.established")
    assert (established.actor_label, established.clause, established.reason) == (
        "agent",
        "6.3 a",
        "Tracking shows no dispatch.",
    )


def test_complaints_established_the_same_day_add_at_most_six_points(client, supplier):
    first = _file(client, supplier, ground="6.3 b").json()
    second = _file(client, supplier, ground="6.3 c").json()
    third = _file(client, supplier, ground="6.5").json()
    for complaint in (first, second, third):
        client.post(f"/staff/complaints/{complaint['id']}/establish", {"reason": "Shown."})

    rows = list(PenaltyPoint.objects.order_by("id").values_list("points", "counted", "total_after"))

    assert rows == [(12, 6, 6), (6, 0, 6), (12, 0, 6)]
    assert list(Action.objects.values_list("kind", flat=True)) == ["warn"]


def test_the_next_day_counts_again_and_crosses_twelve(supplier, agent):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    a = services.complaint_file(
        subject=supplier, ground="6.3 b", description="Card reported stolen.", source="staff"
    )
    services.complaint_establish(
        complaint_id=a.pk, by=agent, reason="Bank confirms.", now=yesterday
    )
    b = services.complaint_file(
        subject=supplier, ground="6.3 b", description="Another stolen card.", source="staff"
    )

    outcome = services.complaint_establish(complaint_id=b.pk, by=agent, reason="Bank confirms.")

    assert (outcome.penalty.counted, outcome.penalty.total_after) == (6, 12)
    assert outcome.penalty.threshold == "points-12"
    assert Action.objects.filter(kind="restrict").count() == 1


def test_a_complaint_is_decided_once(client, supplier):
    complaint = _file(client, supplier).json()
    client.post(f"/staff/complaints/{complaint['id']}/reject", {"reason": "No evidence."})

    again = client.post(f"/staff/complaints/{complaint['id']}/establish", {"reason": "x"})

    assert (again.status_code, again.json()["error"]["code"]) == (409, "complaint_decided")
    assert PenaltyPoint.objects.count() == 0
    rejected = AuditEntry.objects.get(action="complaint.rejected")
    assert (rejected.reason, rejected.after) == ("No evidence.", {"status": "rejected"})


def test_a_case_closes_only_once_every_complaint_is_decided(client, supplier):
    complaint = _file(client, supplier).json()
    response = client.post(f"/staff/cases/{complaint['case_id']}/close", {"reason": "Done."})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "complaints_undecided")


def test_trade_files_non_delivery_complaints_automatically(supplier):
    buyer = member_create(country="DE")

    complaint = services.complaint_file(
        subject=supplier,
        ground="6.3 a",
        description="Order 1042 paid on 1 Dec, not delivered by the agreed date.",
        complainant=buyer,
        source=ComplaintSource.TRADE,
        reference="order:1042",
    )

    assert (complaint.source, complaint.reference, complaint.complainant) == (
        "trade",
        "order:1042",
        buyer,
    )
    assert complaint.complainant_name == buyer.company_name
    assert AuditEntry.objects.get(action="complaint.filed").actor_label == "system"


def test_members_report_other_members_but_not_themselves(supplier):
    buyer = member_create(country="DE")
    _, raw = api_token_create(user=buyer.user, name="t")
    me = ApiClient(token=raw)
    payload = {"member_id": supplier.member_id, "ground": "6.3 a", "description": "Not shipped."}

    filed = me.post("/complaints", payload)
    own = me.post("/complaints", {**payload, "member_id": buyer.member_id})
    ip = me.post("/complaints", {**payload, "ground": "5.4"})

    assert filed.status_code == 201
    assert (filed.json()["source"], filed.json()["complainant_member_id"]) == (
        "member",
        buyer.member_id,
    )
    assert (own.status_code, own.json()["error"]["code"]) == (422, "complaint_about_self")
    assert (ip.status_code, ip.json()["error"]["code"]) == (422, "invalid_ground")
    mine = me.get("/complaints").json()
    assert (mine["count"], mine["items"][0]["id"]) == (1, filed.json()["id"])


def test_staff_list_complaints_by_member_and_status(client, supplier):
    other = member_create(country="CN", roles=["supplier"])
    _file(client, supplier)
    _file(client, other)
    body = client.get(f"/staff/complaints?member_id={supplier.member_id}&status=received").json()
    assert [c["member_id"] for c in body["items"]] == [supplier.member_id]
    cases = client.get(f"/staff/cases?member_id={other.member_id}").json()
    assert [c["member_id"] for c in cases["items"]] == [other.member_id]


def _role_client(role: str) -> ApiClient:
    staff = staff_create(username=role.split()[0].lower(), role=role)
    _, raw = api_token_create(user=staff, name="t")
    return ApiClient(token=raw)


def test_support_agents_view_complaints_but_cannot_file_or_decide(client, supplier):
    complaint = _file(client, supplier).json()
    support = _role_client("Support agent")

    assert support.get(f"/staff/complaints/{complaint['id']}").status_code == 200
    for response in (
        _file(support, supplier),
        support.post(f"/staff/complaints/{complaint['id']}/establish", {"reason": "x"}),
        support.get(f"/staff/cases/{complaint['case_id']}"),
    ):
        assert (response.status_code, response.json()["error"]["code"]) == (
            403,
            "staff_permission_denied",
        )


def test_members_cannot_use_the_staff_complaint_operations(supplier):
    _, raw = api_token_create(user=supplier.user, name="t")
    response = _file(ApiClient(token=raw), supplier)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "staff_only")


def test_the_roles_hold_the_case_permissions(db):
    def perms(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert {"add_complaint", "change_complaint", "view_case", "add_penaltypoint"} <= perms(
        "Trust & safety agent"
    )
    assert "view_complaint" in perms("Support agent")
    assert "change_complaint" not in perms("Support agent")
    assert {"review_ipright", "decide_ipclaim", "view_ipclaim"} <= perms("Legal counsel")
    assert "add_penaltypoint" not in perms("Legal counsel")


# --- The console ------------------------------------------------------------------------

BACKEND = "tradepost.members.backends.MemberLoginBackend"


def _console(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_console_case_page_shows_complaints_and_the_related_cluster(agent, supplier):
    twin = member_create(country="CN", roles=["supplier"], company_name="Twin Valve Co., Ltd.")
    now = datetime.now(UTC)
    signal_record(member=supplier, kind="device", value="e" * 32, source="login", now=now)
    signal_record(member=twin, kind="device", value="e" * 32, source="login", now=now)
    complaint = services.complaint_file(
        subject=supplier, ground="6.3 a", description="Never shipped.", source="staff", by=agent
    )

    page = _console(agent).get(f"/console/trust/case/{complaint.case_id}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert twin.member_id in html and "Twin Valve Co., Ltd." in html
    assert f"/console/trust/complaint/{complaint.pk}/change/" in html


def test_the_console_establishes_complaints_through_the_service(agent, supplier):
    complaint = services.complaint_file(
        subject=supplier, ground="6.3 a", description="Never shipped.", source="staff"
    )
    console = _console(agent)
    data = {"action": "establish", "_selected_action": [complaint.pk]}

    form = console.post("/console/trust/complaint/", data)
    done = console.post("/console/trust/complaint/", {**data, "apply": "1", "reason": "Proven."})

    assert form.status_code == 200 and b"Establish" in form.content
    assert done.status_code == 302
    assert Complaint.objects.get().status == "established"
    assert PenaltyPoint.objects.get().complaint == Complaint.objects.get()
    assert AuditEntry.objects.get(action="complaint.established").actor_label == "agent"


def test_support_agents_see_complaints_in_the_console_but_cannot_decide(supplier):
    support = staff_create(username="support", role="Support agent")
    complaint = services.complaint_file(
        subject=supplier, ground="6.3 a", description="Never shipped.", source="staff"
    )
    console = _console(support)

    assert console.get(f"/console/trust/complaint/{complaint.pk}/change/").status_code == 200
    console.post(
        "/console/trust/complaint/",
        {"action": "establish", "_selected_action": [complaint.pk], "apply": "1", "reason": "x"},
    )
    assert Complaint.objects.get().status == "received"


def test_ids_beyond_what_the_database_holds_are_404_or_422_not_500(client, supplier):
    huge = 2**70
    assert client.get(f"/staff/complaints/{huge}").status_code == 404
    assert client.get(f"/staff/cases/{huge}").status_code == 404
    assert client.post(f"/staff/complaints/{huge}/establish", {"reason": "x"}).status_code == 404
    assert (
        client.post(
            f"/staff/penalties/{huge}/confirm", {"confirm": True, "reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/staff/ip/claims/{huge}").status_code == 404
    assert (
        client.post(
            f"/staff/ip/rights/{huge}/review", {"decision": "approve", "reason": "x"}
        ).status_code
        == 404
    )
    response = _file(client, supplier, listing_ids=[huge])
    assert (response.status_code, response.json()["error"]["code"]) == (422, "unknown_listing")
