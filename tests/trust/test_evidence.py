"""Evidence from members (DSA Art. 20; clauses 5.4, 6.1 iv, 6.2): files with an appeal on the
actions page, the appeal link's page and the API, seen and downloaded by staff; rights
registered with documents on the member's pages; a counter-notice filed with evidence. Bad
files (by content), too large, too many: a clear 4xx and nothing kept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import ApiClient
from tests.factories import (
    image_bytes,
    listing_create,
    member_create,
    pdf_bytes,
    search_category,
    staff_create,
)
from tradepost.audit.models import AuditEntry
from tradepost.members.services import api_token_create
from tradepost.notices.models import Notice
from tradepost.trust.models import AppealEvidence, IPClaim, IPDocument, IPRight
from tradepost.trust.models.actions import Appeal
from tradepost.trust.rules.ip import counter_notice_deadline, working_days_left
from tradepost.trust.services import actions as action_services
from tradepost.trust.services import evidence as services
from tradepost.trust.services import ip as ip_services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def client_for(user) -> ApiClient:
    _, raw = api_token_create(user=user, name="test")
    return ApiClient(token=raw)


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def fake_pdf(name: str = "fake.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")


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


def take(member, by):
    return action_services.action_take(
        member=member, kind="restrict", clause="6.2 (ii)", reason="Late goods.", by=by
    )


def web(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


# --- Appeals on the actions page ----------------------------------------------------------


def test_a_member_appeals_with_evidence_files_on_the_actions_page(supplier, agent, _media):
    action = take(supplier, agent)

    posted = web(supplier).post(
        "/account/actions/",
        {"action_id": action.pk, "statement": "Shipped on time.", "evidence": [pdf(), png()]},
    )

    assert posted.status_code == 302
    appeal = Appeal.objects.get()
    files = list(appeal.evidence_files.order_by("pk"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("invoice.pdf", "application/pdf"),
        ("photo.png", "image/png"),
    ]
    assert len(stored_files(_media)) == 2
    assert (
        AuditEntry.objects.filter(action="appeal.evidence_added", target_id=str(appeal.pk)).count()
        == 1
    )
    page = web(supplier).get("/account/actions/").content.decode()
    assert "invoice.pdf" in page and 'name="appeal_id"' in page


@pytest.mark.parametrize(
    ("evidence", "problem"),
    [
        (lambda: [fake_pdf()], "fake.pdf: upload a PDF, PNG or JPEG (this is not one"),
        (
            lambda: [SimpleUploadedFile("a.pdf", b"%PDF-1.7 junk", content_type="application/pdf")],
            "a.pdf: The PDF is damaged or not a PDF",
        ),
        (
            lambda: [SimpleUploadedFile("x.webp", image_bytes("WEBP"), content_type="image/webp")],
            "x.webp: upload a PDF, PNG or JPEG.",
        ),
        (lambda: [pdf(f"f{n}.pdf") for n in range(6)], "At most 5 files in all."),
    ],
)
def test_a_bad_file_files_no_appeal_and_keeps_nothing(supplier, agent, _media, evidence, problem):
    action = take(supplier, agent)

    posted = web(supplier).post(
        "/account/actions/",
        {"action_id": action.pk, "statement": "Unfair.", "evidence": evidence()},
    )

    assert posted.status_code == 422
    assert problem in posted.content.decode()
    assert (Appeal.objects.count(), AppealEvidence.objects.count()) == (0, 0)
    assert stored_files(_media) == []


def test_a_file_over_the_size_limit_is_refused(supplier, agent, _media):
    action = take(supplier, agent)
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"\0" * (10 * 1024 * 1024))

    posted = web(supplier).post(
        "/account/actions/", {"action_id": action.pk, "statement": "Unfair.", "evidence": [big]}
    )

    assert posted.status_code == 422
    assert "At most 10,485,760 bytes" in posted.content.decode()
    assert (Appeal.objects.count(), stored_files(_media)) == (0, [])


def test_more_evidence_is_added_until_the_appeal_is_decided(supplier, agent, second, _media):
    action = take(supplier, agent)
    appeal = services.appeal_file_with_evidence(
        member=supplier, action_id=action.pk, statement="Unfair.", files=[pdf()]
    )
    client = web(supplier)

    added = client.post("/account/actions/", {"appeal_id": appeal.pk, "evidence": [png()]})
    too_many = client.post(
        "/account/actions/",
        {"appeal_id": appeal.pk, "evidence": [pdf(f"{n}.pdf") for n in range(4)]},
    )

    assert added.status_code == 302
    assert too_many.status_code == 422
    assert "At most 5 files in all; 3 more may be added." in too_many.content.decode()
    assert appeal.evidence_files.count() == 2
    action_services.appeal_decide(appeal=appeal, outcome="upheld", reason="Stands.", by=second)
    late = client.post("/account/actions/", {"appeal_id": appeal.pk, "evidence": [png()]})
    assert late.status_code == 422
    assert "already decided" in late.content.decode()
    assert 'name="appeal_id"' not in client.get("/account/actions/").content.decode()
    assert appeal.evidence_files.count() == 2


def test_the_appeal_link_page_takes_evidence_without_a_login(supplier, agent, _media):
    action = take(supplier, agent)
    body = Notice.objects.get(member=supplier).body
    path = body.rsplit("Appeal (no login needed, for six months): ", 1)[1].strip()
    client = Client()

    filed = client.post(path, {"action_id": action.pk, "statement": "Not us.", "evidence": [pdf()]})
    appeal = Appeal.objects.get()
    more = client.post(path, {"appeal_id": appeal.pk, "evidence": [png()]})

    assert (filed.status_code, more.status_code) == (302, 302)
    assert appeal.member == supplier
    assert sorted(appeal.evidence_files.values_list("original_name", flat=True)) == [
        "invoice.pdf",
        "photo.png",
    ]
    assert "photo.png" in client.get(path).content.decode()


def test_a_link_page_cannot_add_evidence_to_another_appeal(supplier, agent, _media):
    other = member_create(country="CN", roles=["supplier"])
    theirs = services.appeal_file_with_evidence(
        member=other, action_id=take(other, agent).pk, statement="Theirs."
    )
    take(supplier, agent)
    body = Notice.objects.filter(member=supplier).get().body
    path = body.rsplit("Appeal (no login needed, for six months): ", 1)[1].strip()

    posted = Client().post(path, {"appeal_id": theirs.pk, "evidence": [pdf()]})

    assert posted.status_code == 422
    assert "No such appeal." in posted.content.decode()
    assert theirs.evidence_files.count() == 0


# --- Appeals over the API -------------------------------------------------------------------


def _multipart(client: ApiClient, path: str, files: list) -> object:
    return client.client.post(
        f"/api/v1{path}", {"files": files}, HTTP_AUTHORIZATION=f"Bearer {client.token}"
    )


def test_the_api_keeps_the_json_appeal_and_takes_evidence_by_multipart(supplier, agent, _media):
    action = take(supplier, agent)
    member_api = client_for(supplier.user)

    filed = member_api.post("/members/me/appeals", {"action_id": action.pk, "statement": "No."})
    appeal_id = filed.json()["id"]
    added = _multipart(member_api, f"/members/me/appeals/{appeal_id}/evidence", [pdf(), png()])

    assert filed.status_code == 201
    assert added.status_code == 201
    body = added.json()
    assert [(e["name"], e["content_type"]) for e in body["evidence"]] == [
        ("invoice.pdf", "application/pdf"),
        ("photo.png", "image/png"),
    ]
    first = body["evidence"][0]
    assert first["url"] == f"/api/v1/members/me/appeals/{appeal_id}/evidence/{first['id']}"


def test_only_the_appellant_adds_evidence_and_only_while_undecided(supplier, agent, second, _media):
    action = take(supplier, agent)
    appeal = services.appeal_file_with_evidence(
        member=supplier, action_id=action.pk, statement="Unfair."
    )
    stranger = client_for(member_create(country="DE", roles=["buyer"]).user)
    staff = client_for(second)
    path = f"/members/me/appeals/{appeal.pk}/evidence"

    not_theirs = _multipart(stranger, path, [pdf()])
    missing = _multipart(client_for(supplier.user), "/members/me/appeals/999999/evidence", [pdf()])
    action_services.appeal_decide(appeal=appeal, outcome="upheld", reason="Stands.", by=second)
    decided = _multipart(client_for(supplier.user), path, [pdf()])
    as_staff = _multipart(staff, path, [pdf()])

    assert (not_theirs.status_code, missing.status_code) == (404, 404)
    assert not_theirs.json()["error"]["message"] == missing.json()["error"]["message"]
    assert (decided.status_code, decided.json()["error"]["code"]) == (409, "appeal_decided")
    assert as_staff.status_code == 404
    assert AppealEvidence.objects.count() == 0
    assert stored_files(_media) == []


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (lambda: [fake_pdf()], "invalid_document"),
        (lambda: [pdf(), fake_pdf()], "invalid_document"),
        (lambda: [pdf(f"{n}.pdf") for n in range(6)], "too_many_files"),
        (
            lambda: [SimpleUploadedFile("big.pdf", pdf_bytes() + b"\0" * (10 * 1024 * 1024))],
            "file_too_large",
        ),
    ],
)
def test_the_api_refuses_bad_files_with_422_and_keeps_none(supplier, agent, _media, files, code):
    action = take(supplier, agent)
    appeal = services.appeal_file_with_evidence(
        member=supplier, action_id=action.pk, statement="Unfair."
    )

    response = _multipart(
        client_for(supplier.user), f"/members/me/appeals/{appeal.pk}/evidence", files()
    )

    assert (response.status_code, response.json()["error"]["code"]) == (422, code)
    assert "evidence" in response.json()["error"]["fields"]
    assert (AppealEvidence.objects.count(), stored_files(_media)) == (0, [])


def test_staff_read_the_appeal_with_its_evidence_and_download_each_file(supplier, agent, _media):
    action = take(supplier, agent)
    appeal = services.appeal_file_with_evidence(
        member=supplier, action_id=action.pk, statement="Unfair.", files=[pdf()]
    )
    staff = client_for(agent)

    detail = staff.get(f"/staff/appeals/{appeal.pk}")
    url = detail.json()["evidence"][0]["url"]
    download = staff.client.get(url, HTTP_AUTHORIZATION=f"Bearer {staff.token}")
    by_member = client_for(supplier.user)
    refused = by_member.client.get(url, HTTP_AUTHORIZATION=f"Bearer {by_member.token}")
    wrong_pair = staff.get(
        f"/staff/appeals/{appeal.pk + 1}/evidence/{appeal.evidence_files.get().pk}"
    )

    assert detail.status_code == 200
    assert detail.json()["statement"] == "Unfair."
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="invoice.pdf"'
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert refused.status_code == 403
    assert wrong_pair.status_code == 404


def test_the_console_shows_the_evidence_with_a_download_link(supplier, agent, second, _media):
    action = take(supplier, agent)
    appeal = services.appeal_file_with_evidence(
        member=supplier, action_id=action.pk, statement="Unfair.", files=[pdf(), png()]
    )
    client = Client()
    client.force_login(second)

    page = client.get(f"/console/trust/appeal/{appeal.pk}/change/")
    listing = client.get("/console/trust/appeal/")
    first = appeal.evidence_files.order_by("pk").first()
    url = f"/api/v1/staff/appeals/{appeal.pk}/evidence/{first.pk}"
    download = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Evidence the member gave" in html
    assert f'href="{url}"' in html and "invoice.pdf" in html
    assert listing.status_code == 200
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="invoice.pdf"'


# --- Rights holders' pages ----------------------------------------------------------------


@pytest.fixture
def holder(db):
    return member_create(country="DE", roles=["buyer"])


@pytest.fixture
def counsel(db):
    return staff_create(username="counsel", role="Legal counsel")


def test_a_holder_registers_a_right_with_documents_on_its_pages(holder, _media):
    client = web(holder)

    empty = client.get("/account/ip-rights/")
    posted = client.post(
        "/account/ip-rights/",
        {
            "kind": "trademark",
            "title": "FLANX",
            "number": "DE302019001234",
            "jurisdiction": "de",
            "documents": [pdf("certificate.pdf")],
        },
    )

    assert (
        empty.status_code == 200 and "You have registered no rights yet." in empty.content.decode()
    )
    right = IPRight.objects.get()
    assert posted.status_code == 302 and posted.url == f"/account/ip-rights/{right.pk}/"
    assert (right.jurisdiction, right.status) == ("DE", "pending")
    assert list(right.documents.values_list("name", flat=True)) == ["certificate.pdf"]
    listed = client.get("/account/ip-rights/").content.decode()
    assert "DE302019001234" in listed and "Pending review" in listed
    more = client.post(f"/account/ip-rights/{right.pk}/", {"doc-documents": [png("scan.png")]})
    assert more.status_code == 302
    assert right.documents.count() == 2
    assert "/account/ip-rights/" in client.get("/account/").content.decode()


def test_a_bad_document_registers_no_right(holder, _media):
    posted = web(holder).post(
        "/account/ip-rights/",
        {
            "kind": "patent",
            "title": "Flange seal",
            "number": "EP1234567",
            "jurisdiction": "EU",
            "documents": [pdf(), fake_pdf()],
        },
    )

    assert posted.status_code == 422
    assert "fake.pdf: upload a PDF, JPEG, PNG or WebP file" in posted.content.decode()
    assert (IPRight.objects.count(), IPDocument.objects.count(), stored_files(_media)) == (0, 0, [])


def test_an_approved_right_takes_a_claim_from_its_page(holder, supplier, counsel, _media):
    right = ip_services.ip_right_register(
        holder=holder,
        kind="trademark",
        number="DE1",
        jurisdiction="DE",
        title="FLANX",
        documents=[pdf()],
    )
    ip_services.ip_right_review(right_id=right.pk, by=counsel, approve=True, reason="Ok.")
    listing = listing_create(supplier)
    client = web(holder)

    page = client.get(f"/account/ip-rights/{right.pk}/")
    bad = client.post(
        f"/account/ip-rights/{right.pk}/",
        {"claim-listing_ids": "abc", "claim-description": "Fakes."},
    )
    filed = client.post(
        f"/account/ip-rights/{right.pk}/",
        {"claim-listing_ids": f"#{listing.pk}", "claim-description": "Counterfeit FLANX."},
    )

    assert "Claim that listings infringe this right" in page.content.decode()
    assert bad.status_code == 422 and "Give listing numbers only" in bad.content.decode()
    claim = IPClaim.objects.get()
    assert filed.status_code == 302 and filed.url == f"/account/ip-claims/{claim.pk}/"
    assert [i.listing_id for i in claim.items.all()] == [listing.pk]


def test_another_members_right_page_is_a_404(holder, _media):
    right = ip_services.ip_right_register(
        holder=holder, kind="copyright", number="C-1", jurisdiction="WIPO", title="Manual"
    )

    assert (
        web(member_create(country="GB")).get(f"/account/ip-rights/{right.pk}/").status_code == 404
    )


# --- Counter-notice with evidence -----------------------------------------------------------


@pytest.fixture
def claim(holder, supplier, counsel):
    right = ip_services.ip_right_register(
        holder=holder,
        kind="trademark",
        number="DE1",
        jurisdiction="DE",
        title="FLANX",
        documents=[pdf()],
    )
    ip_services.ip_right_review(right_id=right.pk, by=counsel, approve=True, reason="Ok.")
    return ip_services.ip_claim_file(
        holder=holder,
        right_id=right.pk,
        listing_ids=[listing_create(supplier).pk],
        description="Counterfeit.",
    )


def test_the_claim_page_shows_the_deadline_in_working_days(supplier, claim):
    page = web(supplier).get(f"/account/ip-claims/{claim.pk}/").content.decode()

    assert "3 working days after the day of the claim" in page
    assert "working days left, today included." in page or "working day left" in page


def test_the_supplier_files_a_counter_notice_with_evidence_and_adds_more(supplier, claim, _media):
    client = web(supplier)
    path = f"/account/ip-claims/{claim.pk}/"
    before = len(stored_files(_media))

    bad = client.post(path, {"statement": "Licensed.", "documents": [pdf(), fake_pdf()]})
    claim.refresh_from_db()
    assert bad.status_code == 422 and "fake.pdf: upload a PDF" in bad.content.decode()
    assert claim.status == "awaiting" and len(stored_files(_media)) == before

    filed = client.post(path, {"statement": "Licensed.", "documents": [pdf("licence.pdf")]})
    more = client.post(path, {"more-documents": [png("shelf.png")]})

    claim.refresh_from_db()
    assert (filed.status_code, more.status_code, claim.status) == (302, 302, "countered")
    names = list(claim.counter_notice.documents.values_list("name", flat=True))
    assert names == ["licence.pdf", "shelf.png"]
    page = client.get(path).content.decode()
    assert "licence.pdf" in page and "Add evidence" in page


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (datetime(2026, 12, 4, 16, 30, tzinfo=UTC), 4),  # Friday claim: Fri, Mon, Tue, Wed
        (datetime(2026, 12, 5, 10, 0, tzinfo=UTC), 3),  # Saturday: Mon, Tue, Wed
        (datetime(2026, 12, 9, 23, 0, tzinfo=UTC), 1),  # the deadline's own day
        (datetime(2026, 12, 10, 0, 0, tzinfo=UTC), 0),  # past it
    ],
)
def test_working_days_left_count_today_while_it_is_a_working_day(now, left):
    deadline = counter_notice_deadline(
        datetime(2026, 12, 4, 16, 30, tzinfo=UTC), working_days=3, zone="UTC"
    )

    assert working_days_left(now=now, deadline=deadline, zone="UTC") == left
