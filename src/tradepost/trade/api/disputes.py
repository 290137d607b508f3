"""Disputes over the API (issue 11, clauses 7.3, 7.6). Money as decimal strings.

`settle` and the staff `decide` move money and require an `Idempotency-Key` (as `pay`).
`GET /disputes/{id}` answers the order's parties and staff with `trade.view_dispute`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from tradepost.errors import PermissionDeniedError
from tradepost.members.api import request_member
from tradepost.members.models import Member, User
from tradepost.money import decimal_str
from tradepost.trade.api.orders import KEY_HEADER, _answer
from tradepost.trade.models.disputes import Dispute
from tradepost.trade.rules.disputes import dispute_next_actions
from tradepost.trade.rules.orders import Actor
from tradepost.trade.selectors import disputes as selectors
from tradepost.trade.selectors.orders import order_for_party, order_money
from tradepost.trade.services import disputes as services
from tradepost.trade.services.idempotency import idempotent_call
from tradepost.trade.services.orders import order_timers_run
from tradepost.trust.api.common import staff_permission

router = Router()
staff_router = Router()

MONEY_PATTERN = r"^\d{1,12}(\.\d{1,4})?$"


class DisputeIn(Schema):
    reason: Literal["not_received", "not_as_described", "quality"]
    refund_amount: str = Field(..., pattern=MONEY_PATTERN)
    statement: str = Field(..., min_length=1, max_length=services.MAX_STATEMENT)


class RespondIn(Schema):
    statement: str = Field(..., min_length=1, max_length=services.MAX_STATEMENT)
    accept_refund: bool | None = None


class SettleIn(Schema):
    refund_amount: str = Field(..., pattern=MONEY_PATTERN)


class DisputeDecideIn(Schema):
    refund_amount: str = Field(..., pattern=MONEY_PATTERN)
    reason: str = Field(..., min_length=1, max_length=services.MAX_STATEMENT)


class DisputeOut(Schema):
    id: int
    order_id: int
    status: str
    reason: str
    refund_requested: str
    refund_amount: str | None
    buyer_statement: str
    supplier_statement: str
    proposal_amount: str | None
    proposal_by: str
    decision_reason: str
    complaint_id: int | None
    opened_at: datetime
    respond_by: datetime
    escalate_from: datetime
    auto_escalate_at: datetime
    escalated_at: datetime | None
    decide_by: datetime | None
    closed_at: datetime | None
    order_status: str
    paid: str
    refunded: str
    role: str
    next_actions: list[str]


def _money(value: Any) -> str | None:
    return decimal_str(value) if value is not None else None


def dispute_out(dispute: Dispute, role: Actor) -> dict[str, Any]:
    order = dispute.order
    order.refresh_from_db()
    money = order_money(order)
    return {
        "id": dispute.pk,
        "order_id": order.pk,
        "status": dispute.status,
        "reason": dispute.reason,
        "refund_requested": decimal_str(dispute.refund_requested),
        "refund_amount": _money(dispute.refund_amount),
        "buyer_statement": dispute.buyer_statement,
        "supplier_statement": dispute.supplier_statement,
        "proposal_amount": _money(dispute.proposal_amount),
        "proposal_by": dispute.proposal_by,
        "decision_reason": dispute.decision_reason,
        "complaint_id": dispute.complaint_id,
        "opened_at": dispute.opened_at.isoformat(),
        "respond_by": dispute.respond_by.isoformat(),
        "escalate_from": dispute.escalate_from.isoformat(),
        "auto_escalate_at": dispute.auto_escalate_at.isoformat(),
        "escalated_at": dispute.escalated_at.isoformat() if dispute.escalated_at else None,
        "decide_by": dispute.decide_by.isoformat() if dispute.decide_by else None,
        "closed_at": dispute.closed_at.isoformat() if dispute.closed_at else None,
        "order_status": order.status,
        "paid": decimal_str(money.paid),
        "refunded": decimal_str(money.refunded),
        "role": role.value,
        "next_actions": dispute_next_actions(dispute.status, role),
    }


def _role(dispute: Dispute, member: Member) -> Actor:
    return Actor.BUYER if dispute.order.buyer_id == member.pk else Actor.SUPPLIER


def _party_dispute(request: HttpRequest, dispute_id: int) -> tuple[Member, Dispute]:
    member = request_member(request)
    dispute = selectors.dispute_for_party(member=member, dispute_id=dispute_id)
    return member, services.dispute_timers_run(dispute=dispute)


def _run(request: HttpRequest, run: Any, *, key: str | None, required: bool) -> HttpResponse:
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


@router.post("/orders/{order_id}/disputes", response={201: DisputeOut})
def dispute_open(request: HttpRequest, order_id: int, payload: DisputeIn) -> HttpResponse:
    """Clause 7.3: the buyer opens a dispute within 30 days after confirmed receipt, or from
    the agreed delivery date if nothing arrived, with the refund asked and a statement."""
    member = request_member(request)

    def run() -> tuple[int, Any]:
        order = order_timers_run(order=order_for_party(member=member, order_id=order_id))
        dispute = services.dispute_open(
            order=order,
            member=member,
            reason=payload.reason,
            refund_amount=payload.refund_amount,
            statement=payload.statement,
            by=request.user,
        )
        return 201, dispute_out(dispute, Actor.BUYER)

    return _run(request, run, key=None, required=False)


@router.get("/disputes/{dispute_id}", response=DisputeOut)
def dispute_detail(request: HttpRequest, dispute_id: int) -> dict[str, Any]:
    """The dispute, its deadlines and the next steps; the order's parties and staff only."""
    user = request.user
    if isinstance(user, User) and user.is_staff:
        if not user.has_perm("trade.view_dispute"):
            raise PermissionDeniedError(
                "Your role does not hold trade.view_dispute.", code="staff_permission_missing"
            )
        dispute = services.dispute_timers_run(
            dispute=selectors.dispute_for_staff(dispute_id=dispute_id)
        )
        return dispute_out(dispute, Actor.STAFF)
    member, dispute = _party_dispute(request, dispute_id)
    return dispute_out(dispute, _role(dispute, member))


@router.post("/disputes/{dispute_id}/respond", response=DisputeOut)
def dispute_respond(request: HttpRequest, dispute_id: int, payload: RespondIn) -> HttpResponse:
    """The supplier responds within 3 days; `accept_refund: true` settles on the refund the
    buyer asked for (it moves money, so send an `Idempotency-Key` then)."""
    member = request_member(request)

    def run() -> tuple[int, Any]:
        _, dispute = _party_dispute(request, dispute_id)
        services.dispute_respond(
            dispute=dispute,
            member=member,
            statement=payload.statement,
            accept_refund=payload.accept_refund,
            by=request.user,
        )
        dispute.refresh_from_db()
        return 200, dispute_out(dispute, _role(dispute, member))

    return _run(request, run, key=request.headers.get("Idempotency-Key"), required=False)


@router.post("/disputes/{dispute_id}/escalate", response=DisputeOut)
def dispute_escalate(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The buyer escalates to staff, from day 4 (automatic on day 8)."""
    member = request_member(request)

    def run() -> tuple[int, Any]:
        _, dispute = _party_dispute(request, dispute_id)
        services.dispute_escalate(dispute=dispute, member=member, by=request.user)
        dispute.refresh_from_db()
        return 200, dispute_out(dispute, _role(dispute, member))

    return _run(request, run, key=None, required=False)


@router.post("/disputes/{dispute_id}/settle", response=DisputeOut)
def dispute_settle(
    request: HttpRequest,
    dispute_id: int,
    payload: SettleIn,
    idempotency_key: str | None = KEY_HEADER,
) -> HttpResponse:
    """A party proposes `refund_amount`; when it equals the other party's standing proposal
    (the buyer's opening request counts as one) the dispute settles and the refund moves.
    `Idempotency-Key` required."""
    member = request_member(request)

    def run() -> tuple[int, Any]:
        _, dispute = _party_dispute(request, dispute_id)
        services.dispute_settle(
            dispute=dispute, member=member, refund_amount=payload.refund_amount, by=request.user
        )
        dispute.refresh_from_db()
        return 200, dispute_out(dispute, _role(dispute, member))

    return _run(request, run, key=idempotency_key, required=True)


@staff_router.post("/disputes/{dispute_id}/decide", response=DisputeOut)
@staff_permission("trade.decide_dispute")
def dispute_decide(
    request: HttpRequest,
    dispute_id: int,
    payload: DisputeDecideIn,
    idempotency_key: str | None = KEY_HEADER,
) -> HttpResponse:
    """Trust & safety decide an escalated dispute: refund `refund_amount` ("0" decides for
    the supplier). Against the supplier for not_received or not_as_described, a 6.3 (a)
    complaint is filed in trust. `Idempotency-Key` required."""

    def run() -> tuple[int, Any]:
        dispute = services.dispute_timers_run(
            dispute=selectors.dispute_for_staff(dispute_id=dispute_id)
        )
        services.dispute_decide(
            dispute=dispute,
            refund_amount=payload.refund_amount,
            reason=payload.reason,
            by=request.user,
        )
        dispute.refresh_from_db()
        return 200, dispute_out(dispute, Actor.STAFF)

    return _run(request, run, key=idempotency_key, required=True)
