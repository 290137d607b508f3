"""Evidence with an appeal over the API (DSA Art. 20; clause 6.2).

Members: `POST /api/v1/members/me/appeals/{id}/evidence` (multipart, one or more `files`
parts), by the appellant only, while the appeal is undecided; the appeal itself is still filed
with JSON at `POST /api/v1/members/me/appeals`. Staff: the appeal with its evidence at
`GET /api/v1/staff/appeals/{id}`, and each file as a download; the appellant downloads its
own at `GET /api/v1/members/me/appeals/{id}/evidence/{id}` (`trust.api.files`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from tradepost.trust.api.actions import AppealOut, _member, appeal_out
from tradepost.trust.api.common import staff_permission
from tradepost.trust.api.files import DOWNLOAD, appeal_evidence_url, file_download
from tradepost.trust.models.actions import Appeal
from tradepost.trust.models.evidence import AppealEvidence
from tradepost.trust.selectors import evidence as selectors
from tradepost.trust.services import evidence as services

router = Router()  # staff, under /api/v1/staff/
member_router = Router()  # members, under /api/v1/


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    url: str = Field(..., description="The download: the appellant's own, or staff's.")


class AppealWithEvidenceOut(AppealOut):
    evidence: list[EvidenceOut]


class StaffAppealOut(AppealOut):
    evidence: list[EvidenceOut]


def _evidence_out(row: AppealEvidence, *, staff: bool) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at,
        "url": appeal_evidence_url(row, staff=staff),
    }


def appeal_with_evidence_out(appeal: Appeal, *, staff: bool) -> dict[str, Any]:
    return {
        **appeal_out(appeal),
        "evidence": [_evidence_out(e, staff=staff) for e in appeal.evidence_files.all()],
    }


@member_router.post(
    "/members/me/appeals/{appeal_id}/evidence", response={201: AppealWithEvidenceOut}
)
def my_appeal_evidence(
    request: HttpRequest, appeal_id: int, files: File[list[UploadedFile]]
) -> Status[dict[str, Any]]:
    """Add evidence to your appeal until it is decided: PDF, PNG or JPEG files (multipart,
    one `files` part each; the actions policy sets how many and how large). Another member's
    appeal: 404; a decided one: 409; a bad file: 422 and nothing is kept."""
    services.appeal_evidence_add(member=_member(request), appeal_id=appeal_id, files=files)
    return Status(201, appeal_with_evidence_out(selectors.appeal_for_staff(appeal_id), staff=False))


@router.get("/appeals/{appeal_id}", response=StaffAppealOut)
@staff_permission("trust.view_appeal")
def appeal_detail(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    """The appeal, its statement and its evidence files (each with its download `url`)."""
    return appeal_with_evidence_out(selectors.appeal_for_staff(appeal_id), staff=True)


@router.get(
    "/appeals/{appeal_id}/evidence/{evidence_id}", response={200: None}, openapi_extra=DOWNLOAD
)
@staff_permission("trust.view_appeal")
def appeal_evidence_download(
    request: HttpRequest, appeal_id: int, evidence_id: int
) -> FileResponse:
    """One evidence file, as a download (never rendered in the site's origin)."""
    row = selectors.appeal_evidence_get(appeal_id=appeal_id, evidence_id=evidence_id)
    return file_download(row.file, filename=row.original_name, content_type=row.content_type)
