"""Information requests (clauses 5.9, 7.5) over the API.

Members: `GET /members/me/information-requests`, `POST .../{id}/answer` (multipart: `text` and
`files`). Staff: `POST /staff/information-requests`, `GET` the list and one request, its files,
and `POST .../{id}/close`. Every read first applies the deadlines that have passed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tradepost.api_limits import NOT_BLANK, limits
from tradepost.api_paging import LimitOffsetPaging
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.requests import request_user
from tradepost.members.selectors import member_for_user
from tradepost.trust.api.common import staff_permission
from tradepost.trust.api.files import DOWNLOAD, file_download, information_file_url
from tradepost.trust.models.requests import InformationRequest, InformationRequestFile
from tradepost.trust.selectors import requests as selectors
from tradepost.trust.services import requests as services

MEMBER_ID = "^[A-Za-z0-9]{1,16}$"

member_router = Router()
staff_router = Router()


class FileOut(Schema):
    id: int
    name: str = Field(..., alias="original_name")
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    url: str = Field(..., description="The file's download (the member's own, or staff's).")

    @staticmethod
    def resolve_url(obj: InformationRequestFile) -> str:
        return information_file_url(obj, staff=False)


class StaffFileOut(FileOut):
    @staticmethod
    def resolve_url(obj: InformationRequestFile) -> str:
        return information_file_url(obj, staff=True)


class InformationRequestOut(Schema):
    id: int
    clause: str
    questions: str
    deadline: datetime
    status: str
    created_at: datetime
    answer: str
    answered_at: datetime | None
    files: list[FileOut]

    @staticmethod
    def resolve_files(obj: InformationRequest) -> list[InformationRequestFile]:
        return list(obj.files.all())


class StaffInformationRequestOut(InformationRequestOut):
    member_id: str
    asked_by: str
    notice_id: int | None
    overdue_at: datetime | None
    suspension_proposed_at: datetime | None
    suspension_decision: str
    suspension_decided_at: datetime | None
    suspension_action_id: int | None
    closed_at: datetime | None
    files: list[StaffFileOut]  # type: ignore[assignment]
    close_reason: str

    @staticmethod
    def resolve_member_id(obj: InformationRequest) -> str:
        return obj.member.member_id

    @staticmethod
    def resolve_asked_by(obj: InformationRequest) -> str:
        return obj.asked_by.username


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


# --- Members ------------------------------------------------------------------------------


@member_router.get(
    "/members/me/information-requests", response=list[InformationRequestOut], tags=["trust"]
)
def my_information_requests(request: HttpRequest) -> list[InformationRequest]:
    """Clauses 5.9, 7.5: what the platform asked you for, by when, and your answers."""
    member = _member(request)
    services.information_requests_deadlines_apply(member=member)
    return list(selectors.information_requests_for_member(member=member)[:200])


@member_router.post(
    "/members/me/information-requests/{request_id}/answer",
    response=InformationRequestOut,
    tags=["trust"],
)
def answer_information_request(
    request: HttpRequest,
    request_id: int,
    text: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> InformationRequest:
    """Answer with `text` and up to 10 `files` (PDF, JPEG, PNG or WebP, at most 10 MB each),
    as multipart/form-data."""
    member = _member(request)
    services.information_request_answer(
        member=member, request_id=request_id, text=text, files=files or []
    )
    return selectors.information_request_for_member(member=member, request_id=request_id)


# --- Staff --------------------------------------------------------------------------------


class InformationRequestIn(Schema):
    member_id: str = Field(..., max_length=16, pattern=MEMBER_ID)
    clause: Literal["5.9", "7.5"]
    questions: str = Field(..., max_length=20_000, json_schema_extra=limits(pattern=NOT_BLANK))
    deadline: datetime


class CloseIn(Schema):
    reason: str = Field(..., max_length=5000, json_schema_extra=limits(pattern=NOT_BLANK))


class SuspensionDecisionIn(Schema):
    decision: Literal["confirm", "dismiss"]
    reason: str = Field(..., max_length=5000, json_schema_extra=limits(pattern=NOT_BLANK))


class InformationRequestQuery(Schema):
    status: Literal["", "open", "answered", "overdue", "closed"] = ""
    member_id: str = Field("", max_length=16, pattern="^[A-Za-z0-9]*$")
    clause: Literal["", "5.9", "7.5"] = ""


@staff_router.post(
    "/information-requests", response={201: StaffInformationRequestOut}, tags=["staff"]
)
@staff_permission("trust.add_informationrequest")
def information_request_create(
    request: HttpRequest, payload: InformationRequestIn
) -> Status[InformationRequest]:
    """Ask a member for information or materials by a deadline (clauses 5.9, 7.5); the
    member gets a notice. Unanswered at the deadline, it proposes a suspension."""
    member = Member.objects.filter(member_id=payload.member_id).first()
    if member is None:
        raise NotFound("Member not found.", fields={"member_id": ["No such member."]})
    created = services.information_request_create(
        member=member,
        clause=payload.clause,
        questions=payload.questions,
        deadline=payload.deadline,
        by=request_user(request),
    )
    return Status(201, selectors.information_request_get(request_id=created.pk))


@staff_router.get(
    "/information-requests", response=list[StaffInformationRequestOut], tags=["staff"]
)
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_informationrequest")
def information_request_list(
    request: HttpRequest, filters: Query[InformationRequestQuery]
) -> QuerySet[InformationRequest]:
    services.information_requests_deadlines_apply()
    return selectors.information_requests(
        status=filters.status, member_id=filters.member_id, clause=filters.clause
    )


@staff_router.get(
    "/information-requests/{request_id}", response=StaffInformationRequestOut, tags=["staff"]
)
@staff_permission("trust.view_informationrequest")
def information_request_detail(request: HttpRequest, request_id: int) -> InformationRequest:
    services.information_requests_deadlines_apply()
    return selectors.information_request_get(request_id=request_id)


@staff_router.get(
    "/information-requests/{request_id}/files/{file_id}",
    response={200: None},
    openapi_extra=DOWNLOAD,
    tags=["staff"],
)
@staff_permission("trust.view_informationrequest")
def information_request_file(request: HttpRequest, request_id: int, file_id: int) -> FileResponse:
    """One uploaded file, as a download (never rendered in the site's origin)."""
    row = selectors.information_request_file_get(request_id=request_id, file_id=file_id)
    return file_download(row.file, filename=row.original_name, content_type=row.content_type)


@staff_router.post(
    "/information-requests/{request_id}/close",
    response=StaffInformationRequestOut,
    tags=["staff"],
)
@staff_permission("trust.change_informationrequest")
def information_request_close(
    request: HttpRequest, request_id: int, payload: CloseIn
) -> InformationRequest:
    services.information_request_close(
        request_id=request_id, reason=payload.reason, by=request_user(request)
    )
    return selectors.information_request_get(request_id=request_id)


@staff_router.post(
    "/information-requests/{request_id}/suspension",
    response=StaffInformationRequestOut,
    tags=["staff"],
)
@staff_permission("trust.add_action")
def information_request_suspension(
    request: HttpRequest, request_id: int, payload: SuspensionDecisionIn
) -> InformationRequest:
    """Confirm the suspension an overdue request proposes (it becomes a disciplinary action,
    6.2 i, citing the request's clause) or dismiss it."""
    services.information_request_suspension_decide(
        request_id=request_id,
        confirm=payload.decision == "confirm",
        reason=payload.reason,
        by=request_user(request),
    )
    return selectors.information_request_get(request_id=request_id)
