"""Downloads of the confidential files Trust & Safety keeps (clauses 5.4, 5.9, 6.2, 6.4, 7.5;
DSA Art. 20). Media is not served for them: each kind has its download here, checked.

Staff, under /api/v1/staff/ (the role's permission from `policy/staff_roles.toml`):
- `ip/rights/{id}/documents/{id}` and `ip/claims/{id}/counter-notice/documents/{id}`
  (`trust.view_ipdocument`), `cases/{id}/evidence/{id}` (`trust.view_caseevidence`); appeal
  evidence, information-request files and disclosure exports keep their downloads in their
  own modules, answered by `file_download` too.

Members, under /api/v1/, their own files only (anyone else's: the same 404 as a missing one):
- `ip/rights/{id}/documents/{id}` (the rights holder), `ip/claims/{id}/counter-notice/
  documents/{id}` (the supplier who filed it), `members/me/information-requests/{id}/files/
  {id}` (the member asked), `members/me/appeals/{id}/evidence/{id}` (the appellant).

Every download is an attachment (never rendered in the site's origin), `nosniff`, and
`Cache-Control: private, no-store`.
"""

from __future__ import annotations

from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.trust.api.common import staff_permission
from tradepost.trust.models import AppealEvidence, CaseEvidence, InformationRequestFile, IPDocument
from tradepost.trust.selectors import files as selectors

router = Router()  # staff, under /api/v1/staff/
member_router = Router()  # members, under /api/v1/

DOWNLOAD: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The file, as an attachment (PDF, PNG, JPEG or WebP).",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}


def file_download(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A kept file as a download: an attachment, `nosniff`, never stored by a cache. A row
    whose bytes are gone answers 404, not 500."""
    if not file:
        raise NotFound("No such file.")
    try:
        handle = file.open("rb")
    except OSError:
        raise NotFound("The file is no longer stored.") from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Where each file is downloaded (for API answers, pages and the console) ----------------


def ip_document_url(document: IPDocument, *, staff: bool) -> str:
    """A right's document or a counter-notice's evidence, for staff or its own member."""
    if document.right_id is not None:
        name = "staff_ip_right_document_download" if staff else "my_ip_right_document_download"
        return reverse(f"api:{name}", args=[document.right_id, document.pk])
    notice = document.counter_notice
    assert notice is not None  # a document belongs to a right or to a counter-notice
    name = (
        "staff_counter_notice_document_download" if staff else "my_counter_notice_document_download"
    )
    return reverse(f"api:{name}", args=[notice.claim_id, document.pk])


def case_evidence_url(evidence: CaseEvidence) -> str | None:
    if not evidence.file:
        return None
    return reverse("api:case_evidence_download", args=[evidence.case_id, evidence.pk])


def information_file_url(row: InformationRequestFile, *, staff: bool) -> str:
    name = "information_request_file" if staff else "my_information_request_file_download"
    return reverse(f"api:{name}", args=[row.request_id, row.pk])


def appeal_evidence_url(row: AppealEvidence, *, staff: bool) -> str:
    name = "appeal_evidence_download" if staff else "my_appeal_evidence_download"
    return reverse(f"api:{name}", args=[row.appeal_id, row.pk])


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


def _ip_document(row: IPDocument) -> FileResponse:
    return file_download(row.file, filename=row.name, content_type=row.content_type)


# --- Staff --------------------------------------------------------------------------------


@router.get(
    "/ip/rights/{right_id}/documents/{document_id}", response={200: None}, openapi_extra=DOWNLOAD
)
@staff_permission("trust.view_ipdocument")
def staff_ip_right_document_download(
    request: HttpRequest, right_id: int, document_id: int
) -> FileResponse:
    """Clause 5.4: a document the rights holder gave with its right."""
    return _ip_document(selectors.ip_right_document_get(right_id=right_id, document_id=document_id))


@router.get(
    "/ip/claims/{claim_id}/counter-notice/documents/{document_id}",
    response={200: None},
    openapi_extra=DOWNLOAD,
)
@staff_permission("trust.view_ipdocument")
def staff_counter_notice_document_download(
    request: HttpRequest, claim_id: int, document_id: int
) -> FileResponse:
    """Clause 5.4: evidence the supplier gave with its counter-notice."""
    return _ip_document(
        selectors.counter_notice_document_get(claim_id=claim_id, document_id=document_id)
    )


@router.get("/cases/{case_id}/evidence/{evidence_id}", response={200: None}, openapi_extra=DOWNLOAD)
@staff_permission("trust.view_caseevidence")
def case_evidence_download(request: HttpRequest, case_id: int, evidence_id: int) -> FileResponse:
    """Clause 6.2: a file staff added to a case (a note without a file: 404)."""
    row = selectors.case_evidence_file_get(case_id=case_id, evidence_id=evidence_id)
    extension = (row.file.name or "").rsplit(".", 1)[-1]
    name = f"case-{row.case_id}-evidence-{row.pk}.{extension}"
    return file_download(row.file, filename=name, content_type=row.content_type)


# --- Members, their own files -------------------------------------------------------------


@member_router.get(
    "/ip/rights/{right_id}/documents/{document_id}", response={200: None}, openapi_extra=DOWNLOAD
)
def my_ip_right_document_download(
    request: HttpRequest, right_id: int, document_id: int
) -> FileResponse:
    """A document of your own right (another member's: 404)."""
    return _ip_document(
        selectors.ip_right_document_get(
            right_id=right_id, document_id=document_id, holder=_member(request)
        )
    )


@member_router.get(
    "/ip/claims/{claim_id}/counter-notice/documents/{document_id}",
    response={200: None},
    openapi_extra=DOWNLOAD,
)
def my_counter_notice_document_download(
    request: HttpRequest, claim_id: int, document_id: int
) -> FileResponse:
    """Evidence you gave with your counter-notice (the supplier's only: 404 for others)."""
    return _ip_document(
        selectors.counter_notice_document_get(
            claim_id=claim_id, document_id=document_id, supplier=_member(request)
        )
    )


@member_router.get(
    "/members/me/information-requests/{request_id}/files/{file_id}",
    response={200: None},
    openapi_extra=DOWNLOAD,
    tags=["trust"],
)
def my_information_request_file_download(
    request: HttpRequest, request_id: int, file_id: int
) -> FileResponse:
    """A file you sent with your answer to an information request (clauses 5.9, 7.5)."""
    row = selectors.information_file_for_member(
        member=_member(request), request_id=request_id, file_id=file_id
    )
    return file_download(row.file, filename=row.original_name, content_type=row.content_type)


@member_router.get(
    "/members/me/appeals/{appeal_id}/evidence/{evidence_id}",
    response={200: None},
    openapi_extra=DOWNLOAD,
)
def my_appeal_evidence_download(
    request: HttpRequest, appeal_id: int, evidence_id: int
) -> FileResponse:
    """A file you gave with your appeal (DSA Art. 20)."""
    row = selectors.appeal_evidence_for_member(
        member=_member(request), appeal_id=appeal_id, evidence_id=evidence_id
    )
    return file_download(row.file, filename=row.original_name, content_type=row.content_type)
