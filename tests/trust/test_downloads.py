"""Trust files are downloads, never /media/ (clauses 5.4, 5.9, 6.2, 6.4, 7.5; DSA Art. 20):
each kind by staff whose role holds its permission and by the one member it belongs to, as an
attachment that is not sniffed or cached; 403 for other staff and members on the staff side,
the same 404 for another member's file and a missing one; the console and the member's pages
link the downloads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import (
    image_bytes,
    listing_create,
    member_create,
    pdf_bytes,
    search_category,
    staff_create,
)
from tradepost.members.services import api_token_create
from tradepost.trust.models import CaseEvidence, IPDocument
from tradepost.trust.services import actions as action_services
from tradepost.trust.services import cases as case_services
from tradepost.trust.services import complaints as complaint_services
from tradepost.trust.services import disclosure as disclosure_services
from tradepost.trust.services import evidence as evidence_services
from tradepost.trust.services import ip as ip_services
from tradepost.trust.services import requests as request_services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def api_for(user) -> ApiClient:
    return ApiClient(token=api_token_create(user=user, name="t")[1])


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name: str = "shelf.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def assert_private_download(response, *, filename: str, content_type: str, data: bytes) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control
    assert b"".join(response.streaming_content) == data


def assert_not_found(response) -> None:
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.fixture
def holder(db):
    return member_create(country="DE", roles=["buyer"])


@pytest.fixture
def supplier(db):
    search_category("t-kitchen")
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def stranger(db):
    return member_create(country="GB")


@pytest.fixture
def agent(db):
    return staff_create(username="agent", role="Trust & safety agent")


@pytest.fixture
def counsel(db):
    return staff_create(username="counsel", role="Legal counsel")


@pytest.fixture
def support(db):
    return staff_create(username="support", role="Support agent")


@pytest.fixture
def right(holder, counsel):
    right = ip_services.ip_right_register(
        holder=holder,
        kind="trademark",
        number="DE1",
        jurisdiction="DE",
        title="FLANX",
        documents=[pdf()],
    )
    ip_services.ip_right_review(right_id=right.pk, by=counsel, approve=True, reason="Ok.")
    return right


@pytest.fixture
def claim(right, holder, supplier):
    claim = ip_services.ip_claim_file(
        holder=holder,
        right_id=right.pk,
        listing_ids=[listing_create(supplier).pk],
        description="Counterfeit.",
    )
    ip_services.ip_counter_notice_file(supplier=supplier, claim_id=claim.pk, statement="Licensed.")
    ip_services.ip_counter_notice_document_add(
        supplier=supplier, claim_id=claim.pk, upload=png(), name="shelf.png"
    )
    return claim


# --- IP right documents -------------------------------------------------------------------


def test_a_rights_holder_downloads_its_own_documents_and_no_one_elses(right, holder, stranger):
    document = right.documents.get()
    body = api_for(holder.user).get(f"/ip/rights/{right.pk}")
    url = body.json()["documents"][0]["url"]

    mine = api_for(holder.user).client.get(url, **api_for(holder.user)._headers())
    theirs = api_for(stranger.user).get(f"/ip/rights/{right.pk}/documents/{document.pk}")
    wrong_pair = api_for(holder.user).get(f"/ip/rights/{right.pk + 1}/documents/{document.pk}")

    assert url == f"/api/v1/ip/rights/{right.pk}/documents/{document.pk}"
    assert not url.startswith("/media/")
    assert_private_download(
        mine, filename="certificate.pdf", content_type="application/pdf", data=pdf_bytes()
    )
    assert_not_found(theirs)
    assert_not_found(wrong_pair)


@pytest.mark.parametrize(
    ("role", "status"),
    [("Trust & safety agent", 200), ("Legal counsel", 200), ("Support agent", 403)],
)
def test_staff_download_a_rights_document_by_their_roles_permission(right, role, status):
    document = right.documents.get()
    staff = api_for(staff_create(username="s1", role=role))

    response = staff.get(f"/staff/ip/rights/{right.pk}/documents/{document.pk}")

    assert response.status_code == status
    if status == 403:
        assert response.json()["error"]["code"] == "staff_permission_denied"


def test_staff_api_answers_staff_download_urls_for_a_right(right, agent):
    document = right.documents.get()

    body = api_for(agent).get(f"/staff/ip/rights/{right.pk}").json()

    assert body["documents"][0]["url"] == (
        f"/api/v1/staff/ip/rights/{right.pk}/documents/{document.pk}"
    )


def test_members_may_not_use_the_staff_download(right, holder):
    document = right.documents.get()

    response = api_for(holder.user).get(f"/staff/ip/rights/{right.pk}/documents/{document.pk}")

    assert (response.status_code, response.json()["error"]["code"]) == (403, "staff_only")
    assert ApiClient().get(f"/ip/rights/{right.pk}/documents/{document.pk}").status_code == 401


def test_the_right_page_links_the_holders_download(right, holder):
    document = right.documents.get()

    page = web(holder.user).get(f"/account/ip-rights/{right.pk}/").content.decode()
    url = f"/api/v1/ip/rights/{right.pk}/documents/{document.pk}"

    assert f'href="{url}"' in page and "/media/" not in page
    assert web(holder.user).get(url).status_code == 200


# --- Counter-notice evidence --------------------------------------------------------------


def test_the_supplier_downloads_its_counter_notice_evidence_the_holder_only_sees_it(
    claim, holder, supplier
):
    document = IPDocument.objects.get(counter_notice__claim=claim)
    path = f"/ip/claims/{claim.pk}/counter-notice/documents/{document.pk}"

    as_supplier = api_for(supplier.user).get(f"/ip/claims/{claim.pk}").json()
    as_holder = api_for(holder.user).get(f"/ip/claims/{claim.pk}").json()
    mine = api_for(supplier.user).get(path)
    holders = api_for(holder.user).get(path)

    assert as_supplier["counter_notice"]["documents"][0]["url"] == "/api/v1" + path
    assert as_holder["counter_notice"]["documents"][0] == {
        **as_supplier["counter_notice"]["documents"][0],
        "url": None,
    }
    stored = document.file.open("rb").read()
    assert_private_download(mine, filename="shelf.png", content_type="image/png", data=stored)
    assert_not_found(holders)


def test_staff_download_counter_notice_evidence_from_the_console_claim_page(claim, agent):
    document = IPDocument.objects.get(counter_notice__claim=claim)
    url = f"/api/v1/staff/ip/claims/{claim.pk}/counter-notice/documents/{document.pk}"
    console = web(agent)

    page = console.get(f"/console/trust/ipclaim/{claim.pk}/change/")
    download = console.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{url}"' in html and "shelf.png" in html and "/media/" not in html
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="shelf.png"'


def test_the_claim_page_links_the_evidence_for_the_supplier_only(claim, holder, supplier):
    document = IPDocument.objects.get(counter_notice__claim=claim)
    url = f"/api/v1/ip/claims/{claim.pk}/counter-notice/documents/{document.pk}"

    supplier_page = web(supplier.user).get(f"/account/ip-claims/{claim.pk}/").content.decode()
    holder_page = web(holder.user).get(f"/account/ip-claims/{claim.pk}/").content.decode()

    assert f'href="{url}"' in supplier_page
    assert "shelf.png" in holder_page and url not in holder_page


def test_the_console_right_page_links_the_staff_download(right, counsel):
    document = right.documents.get()
    url = f"/api/v1/staff/ip/rights/{right.pk}/documents/{document.pk}"
    console = web(counsel)

    page = console.get(f"/console/trust/ipright/{right.pk}/change/")
    download = console.get(url)

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{url}"' in html and "/media/" not in html
    assert_private_download(
        download, filename="certificate.pdf", content_type="application/pdf", data=pdf_bytes()
    )


# --- Case evidence ------------------------------------------------------------------------


@pytest.fixture
def case_evidence(supplier, agent):
    complaint = complaint_services.complaint_file_by_staff(
        member_id=supplier.member_id,
        ground="6.3 c",
        description="False address.",
        listing_ids=[],
        by=agent,
    )
    return case_services.case_evidence_add(
        case_id=complaint.case_id, by=agent, note="Registry extract.", upload=pdf("extract.pdf")
    )


def test_staff_with_the_permission_download_case_evidence_others_get_403(
    case_evidence, agent, counsel, supplier
):
    path = f"/staff/cases/{case_evidence.case_id}/evidence/{case_evidence.pk}"

    body = api_for(agent).get(f"/staff/cases/{case_evidence.case_id}").json()
    allowed = api_for(agent).get(path)
    no_permission = api_for(counsel).get(path)  # views cases, not their evidence files
    member = api_for(supplier.user).get(path)

    assert body["evidence"][0]["file_url"] == "/api/v1" + path
    assert_private_download(
        allowed,
        filename=f"case-{case_evidence.case_id}-evidence-{case_evidence.pk}.pdf",
        content_type="application/pdf",
        data=pdf_bytes(),
    )
    assert (no_permission.status_code, no_permission.json()["error"]["code"]) == (
        403,
        "staff_permission_denied",
    )
    assert (member.status_code, member.json()["error"]["code"]) == (403, "staff_only")


def test_a_note_without_a_file_and_a_wrong_case_are_404(case_evidence, agent):
    note = CaseEvidence.objects.create(case_id=case_evidence.case_id, note="Called.", by=agent)
    staff = api_for(agent)

    assert_not_found(staff.get(f"/staff/cases/{note.case_id}/evidence/{note.pk}"))
    assert_not_found(
        staff.get(f"/staff/cases/{case_evidence.case_id + 1}/evidence/{case_evidence.pk}")
    )
    assert_not_found(staff.get(f"/staff/cases/1/evidence/{2**63}"))


def test_a_file_gone_from_storage_is_a_404_not_a_500(case_evidence, agent, _media):
    (_media / case_evidence.file.name).unlink()

    response = api_for(agent).get(
        f"/staff/cases/{case_evidence.case_id}/evidence/{case_evidence.pk}"
    )

    assert_not_found(response)


def test_the_console_case_page_links_the_evidence_download(case_evidence, agent):
    url = f"/api/v1/staff/cases/{case_evidence.case_id}/evidence/{case_evidence.pk}"
    console = web(agent)

    page = console.get(f"/console/trust/case/{case_evidence.case_id}/change/")
    download = console.get(url)

    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{url}"' in html and "/media/" not in html
    assert download.status_code == 200


# --- Information-request files ------------------------------------------------------------


@pytest.fixture
def answered(supplier, agent):
    request = request_services.information_request_create(
        member=supplier,
        clause="5.9",
        questions="Send the invoices.",
        deadline=timezone.now() + timedelta(hours=48),
        by=agent,
    )
    request_services.information_request_answer(
        member=supplier, request_id=request.pk, text="Attached.", files=[pdf("invoice.pdf")]
    )
    return request


def test_the_member_downloads_its_own_answer_files_others_get_404(answered, supplier, stranger):
    row = answered.files.get()
    path = f"/members/me/information-requests/{answered.pk}/files/{row.pk}"

    listed = api_for(supplier.user).get("/members/me/information-requests").json()
    mine = api_for(supplier.user).get(path)
    theirs = api_for(stranger.user).get(path)

    assert listed[0]["files"][0]["url"] == "/api/v1" + path
    assert_private_download(
        mine, filename="invoice.pdf", content_type="application/pdf", data=pdf_bytes()
    )
    assert_not_found(theirs)


def test_staff_download_answer_files_from_the_console_page(answered, agent, counsel, support):
    row = answered.files.get()
    url = f"/api/v1/staff/information-requests/{answered.pk}/files/{row.pk}"
    console = web(agent)

    detail = api_for(agent).get(f"/staff/information-requests/{answered.pk}").json()
    page = console.get(f"/console/trust/informationrequest/{answered.pk}/change/")
    download = console.get(url)

    assert detail["files"][0]["url"] == url
    html = page.content.decode()
    assert f'href="{url}"' in html and "invoice.pdf" in html
    assert_private_download(
        download, filename="invoice.pdf", content_type="application/pdf", data=pdf_bytes()
    )
    assert api_for(counsel).client.get(url, **api_for(counsel)._headers()).status_code == 200
    assert api_for(support).client.get(url, **api_for(support)._headers()).status_code == 403


def test_the_information_request_page_links_the_members_download(answered, supplier):
    row = answered.files.get()
    url = f"/api/v1/members/me/information-requests/{answered.pk}/files/{row.pk}"

    page = web(supplier.user).get(f"/my/information-requests/{answered.pk}/").content.decode()

    assert f'href="{url}"' in page
    assert web(supplier.user).get(url).status_code == 200


# --- Appeal evidence ----------------------------------------------------------------------


@pytest.fixture
def appeal(supplier, agent):
    action = action_services.action_take(
        member=supplier, kind="restrict", clause="6.2 (ii)", reason="Late goods.", by=agent
    )
    return evidence_services.appeal_file_with_evidence(
        member=supplier, action_id=action.pk, statement="Unfair.", files=[pdf("invoice.pdf")]
    )


def test_the_appellant_downloads_its_evidence_others_get_404(appeal, supplier, stranger, agent):
    row = appeal.evidence_files.get()
    path = f"/members/me/appeals/{appeal.pk}/evidence/{row.pk}"

    mine = api_for(supplier.user).get(path)
    theirs = api_for(stranger.user).get(path)
    staff = api_for(agent).get(f"/staff/appeals/{appeal.pk}/evidence/{row.pk}")

    assert_private_download(
        mine, filename="invoice.pdf", content_type="application/pdf", data=pdf_bytes()
    )
    assert_not_found(theirs)
    assert_private_download(
        staff, filename="invoice.pdf", content_type="application/pdf", data=pdf_bytes()
    )


def test_the_actions_page_links_the_appellants_download(appeal, supplier):
    row = appeal.evidence_files.get()
    url = f"/api/v1/members/me/appeals/{appeal.pk}/evidence/{row.pk}"

    page = web(supplier.user).get("/account/actions/").content.decode()

    assert f'href="{url}"' in page


# --- Disclosure exports -------------------------------------------------------------------


def test_the_disclosure_export_is_a_private_download_for_legal_counsel_only(counsel, agent):
    registrar = staff_create(username="legal-1", role="Legal counsel")
    member = member_create()
    request = disclosure_services.disclosure_request_register(
        data=disclosure_services.DisclosureInput(
            requester_name="Det. Insp. Weber",
            requester_type="authority",
            country="DE",
            legal_basis="court_order",
            reference="LKA-1",
            member_ids=[member.member_id],
            categories=["contact"],
        ),
        by=registrar,
    )
    disclosure_services.disclosure_request_decide(
        request_id=request.pk, decision="approved", reason="Valid.", by=counsel
    )
    disclosure_services.disclosure_export(request_id=request.pk, by=counsel)
    request.refresh_from_db()
    path = f"/staff/disclosure-requests/{request.pk}/export"

    download = api_for(counsel).get(path)
    refused = api_for(agent).get(path)

    assert_private_download(
        download,
        filename=f"disclosure-{request.pk}.zip",
        content_type="application/zip",
        data=request.export_file.open("rb").read(),
    )
    assert refused.status_code == 403
