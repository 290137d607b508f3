"""Evidence from members (DSA Art. 20; clauses 5.4, 6.1 iv, 6.2): files with an appeal on the
actions page, the appeal link's page and the API, seen and downloaded by staff; rights
registered with documents on the member's pages; a counter-notice filed with evidence. Bad
files (by content), too large, too many: a clear 4xx and nothing kept."""

from __future__ import annotations

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
    assert AuditEntry.objects.filter(action="appeal.evidence_added", target_id=str(appeal.pk)).count() == 1
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
