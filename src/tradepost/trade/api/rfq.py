"""RFQs and quotations over the API (issue 11, clause 7.1).

`POST /rfqs`, `GET /rfqs` (the buyer's own), `GET /rfqs/board` (suppliers), `GET /rfqs/{id}`
(the buyer sees every quotation side by side, a supplier only its own),
`POST /rfqs/{id}/quotations`, `PATCH /quotations/{id}` (once, before acceptance) and
`POST /quotations/{id}/accept` -> 201 `{"order_id"}`. Money is decimal strings. Every read
first closes the RFQs whose deadline has passed.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from tradepost.api_limits import COUNTRY_PATTERN, NOT_BLANK, limits
from tradepost.api_paging import LimitOffsetPaging
from tradepost.catalog import rules as catalog_rules
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.money import decimal_str
from tradepost.trade.models.rfq import Quotation, QuotationStatus, Rfq
from tradepost.trade.rules import rfq as rules
from tradepost.trade.selectors import rfq as selectors
from tradepost.trade.services import rfq as services

router = Router()

DECIMAL = 'Decimal string, e.g. "12.50" (at most 4 decimals)'


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


# --- Schemas -----------------------------------------------------------------------------


class RfqIn(Schema):
    title: str = Field(
        ..., max_length=5000, json_schema_extra=limits(max_length=catalog_rules.TITLE_MAX)
    )
    category: str = Field(..., max_length=200, description="A category slug of GET /categories")
    quantity: int = Field(..., json_schema_extra=limits(ge=1, le=catalog_rules.QTY_MAX))
    unit: str = Field(
        ...,
        max_length=200,
        description="Unit of measure, e.g. piece",
        json_schema_extra=limits(max_length=catalog_rules.UNIT_MAX, pattern=NOT_BLANK),
    )
    target_unit_price: str | int = Field(..., description=DECIMAL)
    currency: str = Field(
        ...,
        max_length=16,
        description="ISO 4217, e.g. USD",
        json_schema_extra=limits(pattern="^[A-Za-z]{3}$"),
    )
    destination_country: str = Field(
        ...,
        max_length=16,
        description="ISO 3166-1 alpha-2",
        json_schema_extra=limits(pattern=COUNTRY_PATTERN),
    )
    deadline: datetime = Field(..., description="In the future; quotations are taken until then")
    description: str = Field(
        "", max_length=200_000, json_schema_extra=limits(max_length=catalog_rules.DESCRIPTION_MAX)
    )
    incoterm: str = Field(
        "",
        max_length=16,
        description="Incoterms 2020, e.g. FOB",
        json_schema_extra=limits(enum=["", *sorted(rules.INCOTERMS)]),
    )


class QuotationTierIn(Schema):
    min_quantity: int = Field(..., json_schema_extra=limits(ge=1, le=catalog_rules.QTY_MAX))
    unit_price: str | int = Field(..., description=DECIMAL)


class QuotationIn(Schema):
    unit_price: str | int = Field(..., description=DECIMAL)
    currency: str = Field(
        ...,
        max_length=16,
        description="The RFQ's currency",
        json_schema_extra=limits(pattern="^[A-Za-z]{3}$"),
    )
    lead_time_days: int = Field(..., json_schema_extra=limits(ge=0, le=rules.LEAD_TIME_MAX_DAYS))
    valid_until: date = Field(..., description="Today or later")
    terms: str = Field(
        ..., max_length=100_000, json_schema_extra=limits(max_length=rules.TERMS_MAX)
    )
    price_tiers: list[QuotationTierIn] | None = Field(
        None, max_length=100, json_schema_extra=limits(max_items=rules.PRICE_TIERS_MAX)
    )


class QuotationPatch(Schema):
    unit_price: str | int | None = Field(None, description=DECIMAL)
    currency: str | None = Field(None, max_length=16)
    lead_time_days: int | None = Field(
        None, json_schema_extra=limits(ge=0, le=rules.LEAD_TIME_MAX_DAYS)
    )
    valid_until: date | None = None
    terms: str | None = Field(
        None, max_length=100_000, json_schema_extra=limits(max_length=rules.TERMS_MAX)
    )
    price_tiers: list[QuotationTierIn] | None = Field(
        None, max_length=100, json_schema_extra=limits(max_items=rules.PRICE_TIERS_MAX)
    )


class RfqAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class QuotationTierOut(Schema):
    min_quantity: int
    unit_price: str


class QuotationOut(Schema):
    id: int
    rfq_id: int
    supplier_id: str
    supplier_name: str
    unit_price: str
    price_tiers: list[QuotationTierOut]
    currency: str
    lead_time_days: int
    valid_until: date
    terms: str
    status: str
    editable: bool
    created_at: datetime
    edited_at: datetime | None
    order_id: int | None


class RfqOut(Schema):
    id: int
    title: str
    description: str
    category: str
    category_name: str
    quantity: int
    unit: str
    target_unit_price: str
    currency: str
    destination_country: str
    incoterm: str
    deadline: datetime
    status: str
    buyer_country: str
    created_at: datetime
    attachments: list[RfqAttachmentOut]

    @staticmethod
    def resolve_category(obj: Rfq | dict[str, Any]) -> str:
        return obj["category"] if isinstance(obj, dict) else obj.category.slug

    @staticmethod
    def resolve_category_name(obj: Rfq | dict[str, Any]) -> str:
        return obj["category_name"] if isinstance(obj, dict) else obj.category.name

    @staticmethod
    def resolve_target_unit_price(obj: Rfq | dict[str, Any]) -> str:
        if isinstance(obj, dict):
            return str(obj["target_unit_price"])
        return decimal_str(obj.target_unit_price) or "0"

    @staticmethod
    def resolve_buyer_country(obj: Rfq | dict[str, Any]) -> str:
        return obj["buyer_country"] if isinstance(obj, dict) else obj.buyer.country

    @staticmethod
    def resolve_attachments(obj: Rfq | dict[str, Any]) -> list[dict[str, Any]]:
        return obj["attachments"] if isinstance(obj, dict) else _attachments(obj)


class RfqDetailOut(RfqOut):
    quotations: list[QuotationOut]


class BoardQuery(Schema):
    category: str = Field("", max_length=80, pattern="^[a-z0-9-]*$")
    destination: str = Field("", max_length=2, pattern="^([A-Za-z]{2})?$")


class AcceptOut(Schema):
    order_id: int


# --- Shaping -----------------------------------------------------------------------------


def quotation_out(q: Quotation) -> dict[str, Any]:
    return {
        "id": q.pk,
        "rfq_id": q.rfq_id,
        "supplier_id": q.supplier.member_id,
        "supplier_name": q.supplier.company_name,
        "unit_price": decimal_str(q.unit_price),
        "price_tiers": q.price_tiers,
        "currency": q.currency,
        "lead_time_days": q.lead_time_days,
        "valid_until": q.valid_until,
        "terms": q.terms,
        "status": q.status,
        "editable": q.status == QuotationStatus.SUBMITTED
        and q.edit_count < rules.QUOTATION_EDITS_ALLOWED,
        "created_at": q.created_at,
        "edited_at": q.edited_at,
        "order_id": int(q.order_ref) if q.order_ref.isdigit() else None,
    }


def rfq_out(rfq: Rfq) -> dict[str, Any]:
    return {
        "id": rfq.pk,
        "title": rfq.title,
        "description": rfq.description,
        "category": rfq.category.slug,
        "category_name": rfq.category.name,
        "quantity": rfq.quantity,
        "unit": rfq.unit,
        "target_unit_price": decimal_str(rfq.target_unit_price),
        "currency": rfq.currency,
        "destination_country": rfq.destination_country,
        "incoterm": rfq.incoterm,
        "deadline": rfq.deadline,
        "status": rfq.status,
        "buyer_country": rfq.buyer.country,
        "created_at": rfq.created_at,
        "attachments": _attachments(rfq),
    }


def _attachments(rfq: Rfq) -> list[dict[str, Any]]:
    return [
        {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
        for a in rfq.attachments.all()
    ]


def _detail(rfq: Rfq, member: Member) -> dict[str, Any]:
    quotations = selectors.quotations_visible(rfq=rfq, member=member)
    return {**rfq_out(rfq), "quotations": [quotation_out(q) for q in quotations]}


# --- Endpoints ---------------------------------------------------------------------------


@router.post("/rfqs", response={201: RfqDetailOut})
def rfq_create(request: HttpRequest, payload: RfqIn) -> Status[dict[str, Any]]:
    """Post a request for quotation (buyers). Attachments are added on the RFQ page."""
    member = _member(request)
    rfq = services.rfq_create(buyer=member, data=payload.dict())
    return Status(201, _detail(selectors.rfq_for_member(member=member, rfq_id=rfq.pk), member))


@router.get("/rfqs", response=list[RfqOut])
@paginate(LimitOffsetPaging)
def rfq_list(request: HttpRequest) -> QuerySet[Rfq]:
    """The buyer's own RFQs, newest first."""
    member = _member(request)
    services.rfqs_expire_due()
    return selectors.rfqs_of_buyer(buyer=member)


@router.get("/rfqs/board", response=list[RfqOut])
@paginate(LimitOffsetPaging)
def rfq_board(request: HttpRequest, filters: Query[BoardQuery]) -> QuerySet[Rfq]:
    """Suppliers: the open RFQs in the categories you list products in, deadline not passed,
    soonest deadline first; `category` and `destination` narrow it."""
    member = _member(request)
    services.trade_member_require(member, role="supplier")
    services.rfqs_expire_due()
    return selectors.rfq_board(
        supplier=member, category=filters.category, destination=filters.destination
    )


@router.get("/rfqs/{rfq_id}", response=RfqDetailOut)
def rfq_detail(request: HttpRequest, rfq_id: int) -> dict[str, Any]:
    member = _member(request)
    services.rfqs_expire_due(rfq_ids=[rfq_id])
    return _detail(selectors.rfq_for_member(member=member, rfq_id=rfq_id), member)


@router.post("/rfqs/{rfq_id}/quotations", response={201: QuotationOut})
def quotation_submit(
    request: HttpRequest, rfq_id: int, payload: QuotationIn
) -> Status[dict[str, Any]]:
    """Send your one quotation to an RFQ, in its currency, within your monthly quote quota
    (429 `quote_quota_exceeded` says when it resets)."""
    member = _member(request)
    services.rfqs_expire_due(rfq_ids=[rfq_id])
    rfq = selectors.rfq_for_member(member=member, rfq_id=rfq_id)
    quotation = services.quotation_submit(rfq=rfq, supplier=member, data=payload.dict())
    return Status(201, quotation_out(quotation))


@router.patch("/quotations/{quotation_id}", response=QuotationOut)
def quotation_edit(
    request: HttpRequest, quotation_id: int, payload: QuotationPatch
) -> dict[str, Any]:
    """Edit your quotation: once, before it is accepted."""
    member = _member(request)
    quotation = selectors.quotation_for_member(member=member, quotation_id=quotation_id)
    data = payload.dict(exclude_unset=True)
    edited = services.quotation_edit(quotation=quotation, supplier=member, data=data)
    return quotation_out(edited)


@router.post("/quotations/{quotation_id}/accept", response={201: AcceptOut})
def quotation_accept(request: HttpRequest, quotation_id: int) -> Status[dict[str, int]]:
    """The RFQ's buyer accepts a quotation: it becomes an order draft (`order_id`)."""
    member = _member(request)
    quotation = selectors.quotation_for_member(member=member, quotation_id=quotation_id)
    _, order_id = services.quotation_accept(quotation=quotation, actor=member)
    return Status(201, {"order_id": order_id})
