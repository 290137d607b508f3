"""Orders over the API (issue 11, clause 7.1): place from a listing, read (parties only),
the lifecycle steps, and the order's ledger. Money is a decimal string.

`POST /orders/{id}/pay` requires an `Idempotency-Key` header; `cancel` (which may refund)
and `confirm-receipt` (which releases funds) honour one when sent. Payments go through the
SIMULATED test provider (`"provider": "simulated"`): no real money moves.
"""

import json
from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from tradepost.api_paging import LimitOffsetPaging
from tradepost.errors import InvalidInput
from tradepost.members.api import request_member
from tradepost.members.models import Member
from tradepost.money import decimal_str
from tradepost.trade.models.orders import Order
from tradepost.trade.payments import payment_provider
from tradepost.trade.payments.simulated import SimulatedProvider
from tradepost.trade.rules.orders import next_actions
from tradepost.trade.selectors import orders as selectors
from tradepost.trade.services import orders as services
from tradepost.trade.services.idempotency import IdempotentResponse, idempotent_call

router = Router()


# --- Schemas ---------------------------------------------------------------------------------


class OrderIn(Schema):
    listing_id: int = Field(..., ge=1, le=2**31 - 1)
    quantity: int = Field(..., ge=1, le=services.MAX_QUANTITY)
    terms: str = Field(
        "", max_length=services.MAX_TERMS, description="Clause 7.4: kept as written."
    )


class OrderCreatedOut(Schema):
    id: int
    status: str
    total: str
    currency: str


class PayIn(Schema):
    method: Literal["test_card", "test_transfer"]


class ShipIn(Schema):
    carrier: str = Field(..., min_length=1, max_length=100)
    tracking: str = Field("", max_length=100)


class OrderReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class LineOut(Schema):
    description: str
    quantity: int
    unit: str
    unit_price: str
    amount: str
    tier_min_qty: int | None


class EventOut(Schema):
    action: str
    from_status: str = Field(..., alias="from")
    to_status: str = Field(..., alias="to")
    actor: str
    at: datetime
    data: dict[str, Any]


class OrderOut(Schema):
    id: int
    status: str
    buyer_id: str
    supplier_id: str
    role: str
    listing_id: int | None
    quotation_id: int | None
    currency: str
    total: str
    paid: str
    refunded: str
    released: str
    fee: str
    held: str
    incoterm: str
    shipping_terms: str
    dispatch_by: str | None
    deliver_by: str | None
    terms: str
    supplier_terms: str
    carrier: str
    tracking: str
    provider: str
    simulated: bool
    pay_by: datetime | None
    receipt_due_at: datetime | None
    created_at: datetime
    lines: list[LineOut]
    events: list[EventOut]
    next_actions: list[str]


class RoleQuery(Schema):
    role: Literal["buyer", "supplier"] | None = None


class OrderSummaryOut(Schema):
    id: int
    status: str
    buyer_id: str
    supplier_id: str
    currency: str
    total: str
    created_at: datetime

    @staticmethod
    def resolve_buyer_id(obj: Order) -> str:
        return obj.buyer.member_id

    @staticmethod
    def resolve_supplier_id(obj: Order) -> str:
        return obj.supplier.member_id

    @staticmethod
    def resolve_total(obj: Order) -> str:
        return decimal_str(obj.total) or "0"


class LedgerEntryOut(Schema):
    transaction: int
    kind: str
    account: str
    amount: str
    currency: str
    at: datetime


class OrderLedgerOut(Schema):
    order_id: int
    entries: list[LedgerEntryOut]


# --- Helpers -----------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def order_out(order: Order, member: Member) -> dict[str, Any]:
    """The order as its party sees it, JSON-ready (also what an idempotent replay stores)."""
    money = selectors.order_money(order)
    role = selectors.order_party(order, member)
    provider = payment_provider()
    return {
        "id": order.pk,
        "status": order.status,
        "buyer_id": order.buyer.member_id,
        "supplier_id": order.supplier.member_id,
        "role": role.value,
        "listing_id": order.listing_id,
        "quotation_id": order.quotation_id,
        "currency": order.currency,
        "total": decimal_str(order.total),
        "paid": decimal_str(money.paid),
        "refunded": decimal_str(money.refunded),
        "released": decimal_str(money.released),
        "fee": decimal_str(money.fee),
        "held": decimal_str(money.held),
        "incoterm": order.incoterm,
        "shipping_terms": order.shipping_terms,
        "dispatch_by": _iso(order.dispatch_by),
        "deliver_by": _iso(order.deliver_by),
        "terms": order.buyer_terms,
        "supplier_terms": order.supplier_terms,
        "carrier": order.carrier,
        "tracking": order.tracking,
        "provider": order.payment_provider or provider.name,
        "simulated": (order.payment_provider or provider.name) == SimulatedProvider.name,
        "pay_by": _iso(order.pay_by),
        "receipt_due_at": _iso(order.receipt_due_at),
        "created_at": order.created_at.isoformat(),
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": decimal_str(line.unit_price),
                "amount": decimal_str(line.amount),
                "tier_min_qty": line.tier_min_qty,
            }
            for line in order.lines.all()
        ],
        "events": [
            {
                "action": e.action,
                "from": e.from_status,
                "to": e.to_status,
                "actor": e.actor,
                "at": e.at.isoformat(),
                "data": e.data,
            }
            for e in order.events.all()
        ],
        "next_actions": [a.value for a in next_actions(order.status, role)],
    }


def _order(request: HttpRequest, order_id: int) -> tuple[Member, Order]:
    """The member and their order (404 otherwise), with any overdue timer applied first."""
    member = request_member(request)
    order = selectors.order_for_party(member=member, order_id=order_id)
    return member, services.order_timers_run(order=order)


def _answer(result: IdempotentResponse) -> HttpResponse:
    response = HttpResponse(result.body, status=result.status, content_type=result.content_type)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _step(
    request: HttpRequest,
    order_id: int,
    do: Any,
    *,
    key: str | None = None,
    required: bool = False,
) -> HttpResponse:
    """Run one lifecycle step under the Idempotency-Key rules and answer the order. Overdue
    timers are applied (and committed) first, so a refused step does not undo them."""
    member, order = _order(request, order_id)

    def run() -> tuple[int, Any]:
        # The step's conditional UPDATE re-checks the status, and the services keep `order`
        # current as they write it: no second read of the order, before or after.
        do(order, member)
        return 200, order_out(order, member)

    return _answer(
        idempotent_call(
            user=request.user,
            key=key,
            method=request.method or "POST",
            path=request.path,
            body=request.body,
            run=run,
            required=required,
        )
    )


KEY_HEADER = Header(None, alias="Idempotency-Key", description="Unique per operation.")


# --- Endpoints -------------------------------------------------------------------------------


@router.post("/orders", response={201: OrderCreatedOut})
def order_place(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    """Clause 7.1: order from a published listing at its tier price for `quantity` (the
    minimum order quantity enforced); `terms` are the buyer's own, stored as written (7.4)."""
    member = request_member(request)
    order = services.order_place_from_listing(
        buyer=member,
        listing_id=payload.listing_id,
        quantity=payload.quantity,
        terms=payload.terms,
        by=request.user,
    )
    return Status(
        201,
        {
            "id": order.pk,
            "status": order.status,
            "total": decimal_str(order.total),
            "currency": order.currency,
        },
    )


@router.get("/orders", response=list[OrderSummaryOut])
@paginate(LimitOffsetPaging)
def orders_list(request: HttpRequest, filters: Query[RoleQuery]) -> QuerySet[Order]:
    """The member's orders, newest first (`role` narrows to buying or supplying)."""
    member = request_member(request)
    for due in selectors.orders_for_member(member=member).filter(
        pk__in=selectors.orders_with_timer_due(now=timezone.now()).values("pk")
    ):
        services.order_timers_run(order=due)
    return selectors.orders_for_member(member=member, role=filters.role)


@router.get("/orders/{order_id}", response=OrderOut, by_alias=True)
def order_detail(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """The order with its money (from the ledger) and its timeline; its parties only."""
    member, order = _order(request, order_id)
    return order_out(order, member)


@router.post("/orders/{order_id}/place", response=OrderOut, by_alias=True)
def order_place_draft(request: HttpRequest, order_id: int) -> HttpResponse:
    """The buyer places a draft (an accepted quotation's order) for the supplier to accept."""
    return _step(
        request,
        order_id,
        lambda o, m: services.order_place(order=o, member=m, by=request.user),
    )


@router.post("/orders/{order_id}/accept", response=OrderOut, by_alias=True)
def order_accept(request: HttpRequest, order_id: int) -> HttpResponse:
    """The supplier accepts a placed order (the buyer may then pay)."""
    return _step(
        request,
        order_id,
        lambda o, m: services.order_accept(order=o, member=m, by=request.user),
    )


def _reason(request: HttpRequest) -> str:
    """The optional `{"reason"}` body of decline and cancel (an empty body is fine)."""
    if "json" not in (request.content_type or "") or not request.body.strip():
        return ""
    try:
        data = json.loads(request.body)
    except ValueError:
        raise InvalidInput(
            _("The request body is not valid JSON."), code="malformed_request"
        ) from None
    try:
        return OrderReasonIn.model_validate(data if isinstance(data, dict) else {}).reason
    except ValueError:
        raise InvalidInput(
            _("The reason is at most 2000 characters."),
            fields={"reason": [_("At most 2000 characters.")]},
        ) from None


@router.post("/orders/{order_id}/decline", response=OrderOut, by_alias=True)
def order_decline(request: HttpRequest, order_id: int) -> HttpResponse:
    """The supplier declines a placed order (optional body `{"reason"}`)."""
    reason = _reason(request)
    return _step(
        request,
        order_id,
        lambda o, m: services.order_decline(order=o, member=m, by=request.user, reason=reason),
    )


@router.post("/orders/{order_id}/pay", response=OrderOut, by_alias=True)
def order_pay(
    request: HttpRequest, order_id: int, payload: PayIn, idempotency_key: str | None = KEY_HEADER
) -> HttpResponse:
    """Clause 7.1 (protected payment): the buyer pays an accepted order through the
    SIMULATED test provider; the total is held in escrow. `Idempotency-Key` is required: a
    retry with the same key replays the first answer (`Idempotent-Replayed: true`)."""
    return _step(
        request,
        order_id,
        lambda o, m: services.order_pay(order=o, member=m, method=payload.method, by=request.user),
        key=idempotency_key,
        required=True,
    )


@router.post("/orders/{order_id}/ship", response=OrderOut, by_alias=True)
def order_ship(request: HttpRequest, order_id: int, payload: ShipIn) -> HttpResponse:
    """The supplier ships a paid order; receipt is confirmed automatically 10 days later
    (30 without tracking)."""
    return _step(
        request,
        order_id,
        lambda o, m: services.order_ship(
            order=o, member=m, carrier=payload.carrier, tracking=payload.tracking, by=request.user
        ),
    )


@router.post("/orders/{order_id}/confirm-receipt", response=OrderOut, by_alias=True)
def order_confirm_receipt(
    request: HttpRequest, order_id: int, idempotency_key: str | None = KEY_HEADER
) -> HttpResponse:
    """The buyer confirms receipt; the funds go to the supplier less the platform fee."""
    return _step(
        request,
        order_id,
        lambda o, m: services.order_confirm_receipt(order=o, member=m, by=request.user),
        key=idempotency_key,
    )


@router.post("/orders/{order_id}/extend-receipt", response=OrderOut, by_alias=True)
def order_extend_receipt(request: HttpRequest, order_id: int) -> HttpResponse:
    """Either party extends the receipt deadline, once each, by 15 days (policy)."""
    return _step(
        request,
        order_id,
        lambda o, m: services.order_extend_receipt(order=o, member=m, by=request.user),
    )


@router.post("/orders/{order_id}/cancel", response=OrderOut, by_alias=True)
def order_cancel(
    request: HttpRequest, order_id: int, idempotency_key: str | None = KEY_HEADER
) -> HttpResponse:
    """Cancel before payment, or after payment (before shipment) with a refund of what was
    paid (optional body `{"reason"}`)."""
    reason = _reason(request)
    return _step(
        request,
        order_id,
        lambda o, m: services.order_cancel(order=o, member=m, by=request.user, reason=reason),
        key=idempotency_key,
    )


@router.get("/orders/{order_id}/ledger", response=OrderLedgerOut)
def order_ledger(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Every ledger entry of the order's money movements (its parties only)."""
    _, order = _order(request, order_id)
    return {
        "order_id": order.pk,
        "entries": [
            {
                "transaction": e.transaction_id,
                "kind": e.transaction.kind,
                "account": e.account.key,
                "amount": decimal_str(e.amount),
                "currency": e.currency,
                "at": e.transaction.created_at,
            }
            for e in selectors.order_ledger_entries(order)
        ],
    }
