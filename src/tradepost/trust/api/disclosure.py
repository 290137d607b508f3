"""Disclosure requests (clause 6.4) and the transparency report over the staff API.

`POST /staff/disclosure-requests` registers one; `GET` lists them and shows one;
`POST .../{id}/decide` is legal counsel's decision (403 `four_eyes_same_staff` for the one who
registered it); `POST .../{id}/export` produces the zip of exactly the approved scope and
`GET .../{id}/export` downloads it (legal staff only; every download is audited).
`GET /staff/transparency-report` answers the aggregate figures as JSON or CSV.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from tradepost.api_limits import NOT_BLANK, limits, string_items
from tradepost.api_paging import LimitOffsetPaging
from tradepost.members.requests import request_user
from tradepost.trust.api.common import staff_permission
from tradepost.trust.api.files import file_download
from tradepost.trust.models.requests import DisclosureRequest
from tradepost.trust.selectors import requests as selectors
from tradepost.trust.selectors import transparency
from tradepost.trust.services import disclosure as services

router = Router(tags=["staff"])

RequesterTypeIn = Literal["authority", "injured_third_party"]
LegalBasisIn = Literal[
    "subpoena", "court_order", "search_warrant", "emergency", "regulator", "civil_claim"
]


class DisclosureIn(Schema):
    requester_name: str = Field(..., max_length=200, json_schema_extra=limits(pattern=NOT_BLANK))
    requester_organisation: str = Field("", max_length=200)
    requester_type: RequesterTypeIn
    country: str = Field(..., min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")
    legal_basis: LegalBasisIn
    reference: str = Field(..., max_length=200, json_schema_extra=limits(pattern=NOT_BLANK))
    description: str = Field("", max_length=20_000)
    member_ids: list[str] = Field(
        ...,
        min_length=1,
        max_length=services.MAX_MEMBERS,
        json_schema_extra=limits(items=string_items(max_length=16)),
    )
    categories: list[str] = Field(
        ...,
        min_length=1,
        max_length=50,
        json_schema_extra=limits(items=string_items(max_length=64)),
    )
    received_at: datetime | None = None


class DisclosureDecideIn(Schema):
    decision: Literal["approved", "partially_approved", "refused"]
    reason: str = Field(..., max_length=20_000, json_schema_extra=limits(pattern=NOT_BLANK))
    member_ids: list[str] | None = Field(None, max_length=services.MAX_MEMBERS)
    categories: list[str] | None = Field(None, max_length=50)


class DisclosureOut(Schema):
    id: int
    status: str
    requester_name: str
    requester_organisation: str
    requester_type: str
    country: str
    legal_basis: str
    reference: str
    description: str
    member_ids: list[str]
    categories: list[str]
    received_at: datetime
    registered_by: str
    registered_at: datetime
    decision: str
    decision_reason: str
    approved_member_ids: list[str]
    approved_categories: list[str]
    decided_by: str | None
    decided_at: datetime | None
    fulfilled_at: datetime | None
    exported_by: str | None
    export_sha256: str
    export_size: int | None
    manifest: dict[str, Any]

    @staticmethod
    def resolve_registered_by(obj: DisclosureRequest) -> str:
        return obj.registered_by.username

    @staticmethod
    def resolve_decided_by(obj: DisclosureRequest) -> str | None:
        return obj.decided_by.username if obj.decided_by else None

    @staticmethod
    def resolve_exported_by(obj: DisclosureRequest) -> str | None:
        return obj.exported_by.username if obj.exported_by else None


class DisclosureQuery(Schema):
    status: Literal["", "registered", "approved", "partially_approved", "refused", "fulfilled"] = ""
    country: str = Field("", max_length=2, pattern="^[A-Za-z]{0,2}$")
    legal_basis: Literal[
        "", "subpoena", "court_order", "search_warrant", "emergency", "regulator", "civil_claim"
    ] = ""


@router.post("/disclosure-requests", response={201: DisclosureOut})
@staff_permission("trust.add_disclosurerequest")
def disclosure_register(request: HttpRequest, payload: DisclosureIn) -> Status[DisclosureRequest]:
    """Enter a request from an authority or an injured third party in the register (6.4)."""
    created = services.disclosure_request_register(
        data=services.DisclosureInput(**payload.dict()), by=request_user(request)
    )
    return Status(201, selectors.disclosure_request_get(request_id=created.pk))


@router.get("/disclosure-requests", response=list[DisclosureOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_disclosurerequest")
def disclosure_list(
    request: HttpRequest, filters: Query[DisclosureQuery]
) -> QuerySet[DisclosureRequest]:
    return selectors.disclosure_requests(
        status=filters.status, country=filters.country, legal_basis=filters.legal_basis
    )


@router.get("/disclosure-requests/{request_id}", response=DisclosureOut)
@staff_permission("trust.view_disclosurerequest")
def disclosure_detail(request: HttpRequest, request_id: int) -> DisclosureRequest:
    return selectors.disclosure_request_get(request_id=request_id)


@router.post("/disclosure-requests/{request_id}/decide", response=DisclosureOut)
@staff_permission("trust.decide_disclosurerequest")
def disclosure_decide(
    request: HttpRequest, request_id: int, payload: DisclosureDecideIn
) -> DisclosureRequest:
    """Legal counsel approves, approves part of (`member_ids`, `categories`) or refuses."""
    services.disclosure_request_decide(
        request_id=request_id,
        decision=payload.decision,
        reason=payload.reason,
        member_ids=payload.member_ids,
        categories=payload.categories,
        by=request_user(request),
    )
    return selectors.disclosure_request_get(request_id=request_id)


@router.post("/disclosure-requests/{request_id}/export", response={201: DisclosureOut})
@staff_permission("trust.export_disclosurerequest")
def disclosure_export(request: HttpRequest, request_id: int) -> Status[DisclosureRequest]:
    """Produce the export of the approved scope; the request is then fulfilled."""
    services.disclosure_export(request_id=request_id, by=request_user(request))
    return Status(201, selectors.disclosure_request_get(request_id=request_id))


@router.get(
    "/disclosure-requests/{request_id}/export",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The zip (manifest.json and the approved data).",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@staff_permission("trust.export_disclosurerequest")
def disclosure_export_download(request: HttpRequest, request_id: int) -> FileResponse:
    found = services.disclosure_export_download(request_id=request_id, by=request_user(request))
    response = file_download(
        found.export_file, filename=f"disclosure-{found.pk}.zip", content_type="application/zip"
    )
    response["X-Content-SHA256"] = found.export_sha256
    return response


class ReportQuery(Schema):
    period: str = Field("", max_length=7, description="A year (2026) or a quarter (2026-Q1).")
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    format: Literal["json", "csv"] = "json"


@router.get("/transparency-report", response={200: dict[str, Any]})
@staff_permission("trust.view_transparency_report")
def transparency_report(
    request: HttpRequest, query: Query[ReportQuery]
) -> HttpResponse | dict[str, Any]:
    """Disclosure requests by country, legal basis and outcome, accounts affected, median
    days to decide and to fulfil; information requests; actions by kind and clause."""
    period = transparency.report_period(period=query.period, from_=query.from_, to=query.to)
    report = transparency.transparency_report(period)
    if query.format == "csv":
        response = HttpResponse(
            transparency.transparency_report_csv(report), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="transparency-{period.label.replace("..", "_")}.csv"'
        )
        return response
    return report
