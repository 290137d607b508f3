"""Rights claims, notice and counter-notice (clauses 5.4, 6.1 iv): rights registered once and
reviewed by staff, a claim hides the listings at once, the counter-notice deadline in working
days, no counter-notice in time removes the listings and counts an IP strike, a counter-notice
leaves the decision to staff, and the roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ApiClient
from tests.factories import listing_create, member_create, pdf_bytes, search_category, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.catalog import search
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.members.services import api_token_create
from tradepost.notices.models import Notice
from tradepost.trust.models import ClaimStatus, Complaint, IPClaim, IPStrike
from tradepost.trust.models.actions import Action
from tradepost.trust.rules.ip import counter_notice_deadline, is_working_day, working_days_after
from tradepost.trust.services import ip as services

FRIDAY = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)


# --- Working days (pure) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "deadline_day"),
    [
        (date(2026, 12, 4), date(2026, 12, 9)),  # Friday -> Wednesday
        (date(2026, 12, 5), date(2026, 12, 9)),  # Saturday -> Wednesday
        (date(2026, 12, 6), date(2026, 12, 9)),  # Sunday -> Wednesday
        (date(2026, 12, 7), date(2026, 12, 10)),  # Monday -> Thursday
        (date(2026, 12, 9), date(2026, 12, 14)),  # Wednesday -> Monday
    ],
)
def test_three_working_days_skip_the_weekend(filed, deadline_day):
    assert working_days_after(filed, 3) == deadline_day


def test_holidays_are_not_working_days():
    christmas = {date(2026, 12, 25), date(2026, 12, 28)}
    assert working_days_after(date(2026, 12, 24), 3, christmas) == date(2026, 12, 31)


def test_a_friday_claim_may_be_answered_until_the_end_of_wednesday():
    deadline = counter_notice_deadline(FRIDAY, working_days=3, zone="UTC")
    assert (deadline.date(), deadline.weekday()) == (date(2026, 12, 9), 2)
    assert deadline.hour == 23 and deadline.minute == 59


def test_the_calendar_follows_the_policy_time_zone():
    # 23:30 UTC on Thursday is already Friday in Shanghai.
    late_thursday = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    assert counter_notice_deadline(late_thursday, working_days=3, zone="UTC").date() == date(
        2026, 12, 8
    )
    assert counter_notice_deadline(
        late_thursday, working_days=3, zone="Asia/Shanghai"
    ).date() == date(2026, 12, 9)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)), st.integers(1, 20))
def test_the_deadline_is_a_working_day_with_exactly_k_working_days_after_the_claim(day, k):
    deadline = working_days_after(day, k)
    assert is_working_day(deadline)
    between = [day + timedelta(days=n) for n in range(1, (deadline - day).days + 1)]
    assert sum(is_working_day(d) for d in between) == k


# --- The procedure ----------------------------------------------------------------------


def found(q: str = "flange") -> list[int]:
    query = search.parse_search_params({"q": q, "sort": "newest"})
    return [hit.id for hit in search.search(query).results]


def _member_client(member) -> ApiClient:
    _, raw = api_token_create(user=member.user, name="t")
    return ApiClient(token=raw)


def _staff_client(role: str = "Trust & safety agent", username: str = "agent") -> ApiClient:
    staff = staff_create(username=username, role=role)
    _, raw = api_token_create(user=staff, name="t")
    return ApiClient(token=raw)


def _upload(client: ApiClient, path: str, data: bytes, name: str = "certificate.pdf"):
    return Client().post(
        f"/api/v1{path}",
        {"document": SimpleUploadedFile(name, data), "name": "Registration certificate"},
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
    )


@pytest.fixture
def supplier(db):
    search_category("t-kitchen")
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def holder(db):
    return member_create(country="DE", roles=["buyer"])


@pytest.fixture
def legal(db):
    return _staff_client("Legal counsel", "counsel")


@pytest.fixture
def approved_right(holder, legal):
    client = _member_client(holder)
    right = client.post(
        "/ip/rights",
        {"kind": "trademark", "number": "DE302019001234", "jurisdiction": "de", "title": "FLANX"},
    ).json()
    _upload(client, f"/ip/rights/{right['id']}/documents", pdf_bytes())
    reviewed = legal.post(
        f"/staff/ip/rights/{right['id']}/review", {"decision": "approve", "reason": "Register ok."}
    )
    assert reviewed.json()["status"] == "approved"
    return right


def _claim(holder, right, listings, description="Counterfeit FLANX flanges."):
    return _member_client(holder).post(
        "/ip/claims",
        {
            "right_id": right["id"],
            "listing_ids": [x.pk for x in listings],
            "description": description,
        },
    )


def test_a_right_is_registered_once_with_documents_and_reviewed(holder, legal):
    client = _member_client(holder)
    payload = {"kind": "patent", "number": "EP1234567", "jurisdiction": "EP", "title": "Valve"}
    assert client.post("/ip/rights", payload).json()["error"]["fields"]["jurisdiction"]
    right = client.post("/ip/rights", {**payload, "jurisdiction": "EU"})
    assert (right.status_code, right.json()["status"]) == (201, "pending")
    right_id = right.json()["id"]
    duplicate = client.post("/ip/rights", {**payload, "jurisdiction": "EU"})
    assert (duplicate.status_code, duplicate.json()["error"]["code"]) == (409, "right_registered")

    no_docs = legal.post(
        f"/staff/ip/rights/{right_id}/review", {"decision": "approve", "reason": "x"}
    )
    assert (no_docs.status_code, no_docs.json()["error"]["code"]) == (
        422,
        "right_without_documents",
    )
    bad = _upload(client, f"/ip/rights/{right_id}/documents", b"plain text", name="x.txt")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_document")
    uploaded = _upload(client, f"/ip/rights/{right_id}/documents", pdf_bytes())
    assert [d["content_type"] for d in uploaded.json()["documents"]] == ["application/pdf"]

    approved = legal.post(
        f"/staff/ip/rights/{right_id}/review", {"decision": "approve", "reason": "OK"}
    )

    assert approved.json()["status"] == "approved"
    assert list(
        AuditEntry.objects.filter(target_type="ip_right").values_list("action", "actor_label")
    ) == [
        ("ip_right.registered", holder.user.username),
        ("ip_right.document_added", holder.user.username),
        ("ip_right.approved", "counsel"),
    ]
    assert Notice.objects.filter(member=holder, subject__contains="approved").count() == 1


def test_claims_need_an_approved_right(holder, supplier):
    client = _member_client(holder)
    right = client.post(
        "/ip/rights", {"kind": "copyright", "number": "VA-1", "jurisdiction": "US", "title": "Art"}
    ).json()
    listing = listing_create(supplier)

    response = _claim(holder, right, [listing])

    assert (response.status_code, response.json()["error"]["code"]) == (409, "right_not_approved")
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED


def test_a_claim_hides_the_listings_at_once_and_gives_notice(holder, supplier, approved_right):
    a = listing_create(supplier, title="FLANX flange DN50")
    b = listing_create(supplier, title="FLANX flange DN80")
    kept = listing_create(supplier, title="Plain flange DN100")
    assert sorted(found()) == sorted([a.pk, b.pk, kept.pk])

    response = _claim(holder, approved_right, [a, b])

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["listing_ids"], body["supplier_member_id"]) == (
        "awaiting",
        sorted([a.pk, b.pk]),
        supplier.member_id,
    )
    assert found() == [kept.pk]
    assert set(Listing.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        ListingStatus.HELD
    }
    assert Client().get(f"/api/v1/listings/{a.pk}").status_code == 404
    complaint = Complaint.objects.get()
    assert (complaint.ground, complaint.source, complaint.complainant) == (
        "5.4",
        "ip_claim",
        holder,
    )
    assert body["case_id"] == complaint.case_id
    notice = Notice.objects.get(member=supplier)
    assert "counter-notice" in notice.body and str(body["id"]) in notice.body
    assert AuditEntry.objects.get(action="ip_claim.filed").after["listing_ids"] == sorted(
        [a.pk, b.pk]
    )


def test_a_friday_claim_is_due_on_wednesday(holder, supplier, approved_right):
    listing = listing_create(supplier)
    claim = services.ip_claim_file(
        holder=holder,
        right_id=approved_right["id"],
        listing_ids=[listing.pk],
        description="Fake.",
        now=FRIDAY,
    )
    assert claim.counter_notice_due.date() == date(2026, 12, 9)
    assert claim.counter_notice_due.weekday() == 2


def test_a_claim_names_at_most_300_listings_of_one_supplier(holder, supplier, approved_right):
    other = member_create(country="CN", roles=["supplier"])
    mine, theirs = listing_create(supplier), listing_create(other)

    too_many = _member_client(holder).post(
        "/ip/claims",
        {"right_id": approved_right["id"], "listing_ids": list(range(1, 302)), "description": "x"},
    )
    two_suppliers = _claim(holder, approved_right, [mine, theirs])
    unknown = _member_client(holder).post(
        "/ip/claims",
        {"right_id": approved_right["id"], "listing_ids": [999_999], "description": "x"},
    )

    assert (too_many.status_code, too_many.json()["error"]["code"]) == (422, "too_many_listings")
    assert (two_suppliers.status_code, two_suppliers.json()["error"]["code"]) == (
        422,
        "several_suppliers",
    )
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_listing")
    assert IPClaim.objects.count() == 0
    assert Listing.objects.get(pk=mine.pk).status == ListingStatus.PUBLISHED


def _lapse(claim_id: int) -> None:
    IPClaim.objects.filter(pk=claim_id).update(
        counter_notice_due=datetime.now(UTC) - timedelta(minutes=1)
    )


def test_without_a_counter_notice_the_listings_are_removed_and_a_strike_counted(
    holder, supplier, approved_right
):
    listing = listing_create(supplier, title="FLANX flange DN50")
    claim = _claim(holder, approved_right, [listing]).json()
    _lapse(claim["id"])

    body = _member_client(supplier).get(f"/ip/claims/{claim['id']}").json()

    assert body["status"] == ClaimStatus.UPHELD
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.REMOVED
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.decided_by) == ("established", None)
    strike = IPStrike.objects.get()
    assert (strike.number, strike.rule, strike.prescription) == (1, "ip-strike-1", "applied")
    restriction = Action.objects.get()
    assert (restriction.kind, restriction.clause) == ("restrict", "6.2 (ii)")
    assert restriction.ends_at - restriction.created_at == timedelta(days=7)
    lapsed = AuditEntry.objects.get(action="ip_claim.lapsed")
    assert (lapsed.actor_label, lapsed.clause) == ("system", "6.1 (iv)")
    late = _member_client(supplier).post(
        f"/ip/claims/{claim['id']}/counter-notice", {"statement": "Too late?"}
    )
    assert (late.status_code, late.json()["error"]["code"]) == (409, "claim_not_open")


def test_the_deadline_command_lapses_due_claims(holder, supplier, approved_right, capsys):
    due = _claim(holder, approved_right, [listing_create(supplier)]).json()
    running = _claim(holder, approved_right, [listing_create(supplier, title="Other")]).json()
    _lapse(due["id"])

    call_command("trust", "ip-deadlines")

    assert f"1 rights claim(s) lapsed: {due['id']}." in capsys.readouterr().out
    statuses = dict(IPClaim.objects.values_list("pk", "status"))
    assert statuses == {due["id"]: "upheld", running["id"]: "awaiting"}


def test_complaints_within_three_days_are_one_strike(holder, supplier, approved_right):
    first = _claim(holder, approved_right, [listing_create(supplier)]).json()
    second = _claim(holder, approved_right, [listing_create(supplier, title="Second")]).json()
    _lapse(first["id"])
    _lapse(second["id"])

    call_command("trust", "ip-deadlines")

    strike = IPStrike.objects.get()
    assert sorted(c.pk for c in strike.complaints.all()) == sorted(
        Complaint.objects.values_list("pk", flat=True)
    )
    assert Action.objects.count() == 1
    assert AuditEntry.objects.filter(action="penalty.strike_grouped").count() == 1


def test_a_counter_notice_in_time_leaves_it_to_staff_who_restore(holder, supplier, approved_right):
    listing = listing_create(supplier, title="FLANX-free flange DN50")
    claim = _claim(holder, approved_right, [listing]).json()
    me = _member_client(supplier)
    assert me.post(f"/ip/claims/{claim['id']}/counter-notice", {"statement": ""}).status_code == 422

    filed = me.post(
        f"/ip/claims/{claim['id']}/counter-notice", {"statement": "Our own design, since 2015."}
    )
    evidence = _upload(me, f"/ip/claims/{claim['id']}/counter-notice/documents", pdf_bytes())
    _lapse(claim["id"])  # a counter-notice filed in time stops the clock
    call_command("trust", "ip-deadlines")

    assert (filed.status_code, filed.json()["status"]) == (201, "countered")
    assert len(evidence.json()["counter_notice"]["documents"]) == 1
    assert Notice.objects.filter(member=holder, subject__contains="counter-notice").count() == 1
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.HELD

    decided = _staff_client().post(
        f"/staff/ip/claims/{claim['id']}/decide",
        {"decision": "restore", "reason": "Design registered earlier by the supplier."},
    )

    assert decided.json()["status"] == "restored"
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED
    assert found() == [listing.pk]
    assert Complaint.objects.get().status == "rejected"
    assert IPStrike.objects.count() == 0


def test_staff_may_remove_after_a_counter_notice(holder, supplier, approved_right, legal):
    listing = listing_create(supplier)
    claim = _claim(holder, approved_right, [listing]).json()
    _member_client(supplier).post(
        f"/ip/claims/{claim['id']}/counter-notice", {"statement": "Licensed."}
    )

    decided = legal.post(
        f"/staff/ip/claims/{claim['id']}/decide", {"decision": "remove", "reason": "No licence."}
    )

    assert decided.json()["status"] == "upheld"
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.REMOVED
    assert IPStrike.objects.get().number == 1
    assert AuditEntry.objects.get(action="ip_claim.upheld").actor_label == "counsel"


def test_staff_decide_only_after_a_counter_notice(holder, supplier, approved_right):
    claim = _claim(holder, approved_right, [listing_create(supplier)]).json()
    response = _staff_client().post(
        f"/staff/ip/claims/{claim['id']}/decide", {"decision": "remove", "reason": "x"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "claim_not_countered")


def test_only_the_parties_see_a_claim(holder, supplier, approved_right):
    claim = _claim(holder, approved_right, [listing_create(supplier)]).json()
    stranger = _member_client(member_create(country="GB"))

    assert stranger.get(f"/ip/claims/{claim['id']}").status_code == 404
    assert (
        stranger.post(f"/ip/claims/{claim['id']}/counter-notice", {"statement": "x"}).status_code
        == 404
    )
    assert _member_client(holder).get("/ip/claims").json()["count"] == 1
    assert _member_client(supplier).get("/ip/claims").json()["count"] == 1
    assert stranger.get("/ip/claims").json()["count"] == 0


@pytest.mark.parametrize("role", ["Support agent", "Compliance officer"])
def test_roles_without_ip_permissions_get_403(holder, supplier, approved_right, role):
    claim = _claim(holder, approved_right, [listing_create(supplier)]).json()
    client = _staff_client(role, "other")
    for response in (
        client.get(f"/staff/ip/claims/{claim['id']}"),
        client.post(
            f"/staff/ip/rights/{approved_right['id']}/review",
            {"decision": "approve", "reason": "x"},
        ),
        client.post(
            f"/staff/ip/claims/{claim['id']}/decide", {"decision": "remove", "reason": "x"}
        ),
    ):
        assert (response.status_code, response.json()["error"]["code"]) == (
            403,
            "staff_permission_denied",
        )


# --- Pages ------------------------------------------------------------------------------

BACKEND = "tradepost.members.backends.MemberLoginBackend"


def _browser(member) -> Client:
    client = Client()
    client.force_login(member.user, backend=BACKEND)
    return client


def test_the_supplier_answers_a_claim_on_its_page(holder, supplier, approved_right):
    listing = listing_create(supplier)
    claim = _claim(holder, approved_right, [listing]).json()
    browser = _browser(supplier)

    listed = browser.get("/account/ip-claims/")
    page = browser.get(f"/account/ip-claims/{claim['id']}/")
    empty = browser.post(f"/account/ip-claims/{claim['id']}/", {"statement": ""})
    filed = browser.post(f"/account/ip-claims/{claim['id']}/", {"statement": "Licensed."})

    assert f"/account/ip-claims/{claim['id']}/" in listed.content.decode()
    assert b"File a counter-notice" in page.content
    assert empty.status_code == 422 and b"field-error" in empty.content
    assert filed.status_code == 302
    assert IPClaim.objects.get().status == ClaimStatus.COUNTERED
    assert b"File a counter-notice" not in browser.get(filed.url).content


def test_the_holder_sees_the_claim_but_cannot_answer_it(holder, supplier, approved_right):
    claim = _claim(holder, approved_right, [listing_create(supplier)]).json()
    browser = _browser(holder)

    page = browser.get(f"/account/ip-claims/{claim['id']}/")
    answer = browser.post(f"/account/ip-claims/{claim['id']}/", {"statement": "Mine."})
    stranger = _browser(member_create(country="GB")).get(f"/account/ip-claims/{claim['id']}/")

    assert page.status_code == 200 and b"File a counter-notice" not in page.content
    assert answer.status_code == 404
    assert stranger.status_code == 404
    assert IPClaim.objects.get().status == ClaimStatus.AWAITING_COUNTER_NOTICE


def test_the_claims_complaint_is_decided_only_through_the_claim(holder, supplier, approved_right):
    claim = _claim(holder, approved_right, [listing_create(supplier)]).json()
    staff = _staff_client()

    response = staff.post(f"/staff/complaints/{claim['complaint_id']}/establish", {"reason": "x"})
    _lapse(claim["id"])
    call_command("trust", "ip-deadlines")

    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "complaint_is_ip_claim",
    )
    assert IPClaim.objects.get().status == ClaimStatus.UPHELD
    assert Complaint.objects.get().status == "established"
