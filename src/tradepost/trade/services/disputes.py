"""Dispute use cases (issue 11, clauses 7.3, 7.6, 6.3 a): open, respond, escalate (by the
buyer, or automatically), settle by agreement, decide by staff.

Settling: opening is the buyer's proposal (the refund asked); `respond` with
`accept_refund` accepts it; `settle` by a party proposes an amount, and settles when the
other party's standing proposal is the same amount (proposal and acceptance).

Money: the refund goes through the order's own refund path. A full refund of a shipped or
delivered order is `order_refund` (the order becomes refunded); a partial one posts a refund
from escrow through the same provider and ledger accounts, then the rest is released as at
completion. After completion the refund comes back from the supplier's payable and, when
`[orders] refund_reverses_fee` is on (platform policy), the same share of the platform fee
from the platform's fees, so the supplier bears only the net. Never more than paid minus
already refunded (every refund, whatever account it came from). Every step writes an
`OrderEvent` and an audit row.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost.audit.services import audit_record
from tradepost.errors import Conflict, InvalidInput
from tradepost.members.models import Member
from tradepost.money import decimal_str
from tradepost.policy.trade import load_trade_policy
from tradepost.trade.models.disputes import Dispute, DisputeReason, DisputeStatus
from tradepost.trade.models.ledger import AccountPurpose, TransactionKind
from tradepost.trade.models.orders import Order, OrderEvent, OrderStatus
from tradepost.trade.payments import payment_provider
from tradepost.trade.rules import disputes as rules
from tradepost.trade.rules import orders as order_rules
from tradepost.trade.rules.disputes import DisputeAction
from tradepost.trade.rules.ledger import minor_unit
from tradepost.trade.rules.orders import Actor
from tradepost.trade.selectors.orders import order_money
from tradepost.trade.services import orders as order_services
from tradepost.trade.services.ledger import Leg, ledger_account, ledger_post

logger = logging.getLogger(__name__)

MAX_STATEMENT = 10_000


class DisputeInvalidTransition(Conflict):
    code = "dispute_invalid_transition"


def _party(order: Order, member: Member) -> Actor:
    if order.buyer_id == member.pk:
        return Actor.BUYER
    if order.supplier_id == member.pk:
        return Actor.SUPPLIER
    raise DisputeInvalidTransition(_("You are not a party to this order."))


def _statement(value: str | None, field: str = "statement", *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("Say what happened."), fields={field: [_("Required.")]})
    if len(value) > MAX_STATEMENT:
        message = _("At most %(n)s characters.") % {"n": MAX_STATEMENT}
        raise InvalidInput(message, fields={field: [message]})
    return value


def _amount(value: Any, order: Order, field: str = "refund_amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        message = _("A refund is an amount of 0 or more.")
        raise InvalidInput(message, fields={field: [message]})
    if amount != amount.quantize(minor_unit(order.currency)):
        message = _("Too many decimal places for %(currency)s.") % {"currency": order.currency}
        raise InvalidInput(message, fields={field: [message]})
    return amount


def _refund_bound(order: Order, amount: Decimal) -> None:
    """Never more than paid minus every refund so far (from escrow, or after completion from
    the supplier's payable and the platform fee)."""
    money = order_money(order)
    paid, refunded = money.paid, money.refunded
    if not rules.refund_within(amount, paid=paid, refunded=refunded):
        most = decimal_str(paid - refunded)
        message = _("A refund cannot exceed %(max)s %(currency)s (paid less refunded).") % {
            "max": most,
            "currency": order.currency,
        }
        raise InvalidInput(
            message,
            code="dispute_refund_too_high",
            fields={"refund_amount": [message]},
            extra={"max_refund": most},
        )


def _record(
    dispute: Dispute,
    action: str,
    actor: Actor,
    *,
    by: Any,
    now: datetime,
    before: str,
    data: dict[str, Any] | None = None,
) -> None:
    order = dispute.order
    data = {"dispute_id": dispute.pk, "dispute_status": dispute.status, **(data or {})}
    OrderEvent.objects.create(
        order=order,
        action=f"dispute_{action}"[:24],
        from_status=order.status,
        to_status=order.status,
        actor=actor.value,
        by=by if getattr(by, "pk", None) else None,
        at=now,
        data=data,
    )
    member = order.buyer if actor == Actor.BUYER else order.supplier
    audit_record(
        actor=by,
        action=f"dispute.{action}",
        target_type="dispute",
        target_id=dispute.pk,
        member_id=member.member_id if actor in (Actor.BUYER, Actor.SUPPLIER) else "",
        clause="7.3",
        before={"status": before},
        after=data,
    )


def _locked(dispute: Dispute) -> Dispute:
    fresh = (
        Dispute.objects.select_for_update()
        .select_related("order", "order__buyer", "order__supplier")
        .get(pk=dispute.pk)
    )
    return fresh


def _step(dispute: Dispute, action: DisputeAction, actor: Actor) -> str:
    to = rules.dispute_transition(dispute.status, action, actor)
    if to is None:
        raise DisputeInvalidTransition(
            _("A dispute that is %(status)s does not allow this step for you.")
            % {"status": dispute.get_status_display().lower()},
            extra={"status": dispute.status, "action": action.value},
        )
    return to


# --- Opening -----------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(
    *,
    order: Order,
    member: Member,
    reason: str,
    refund_amount: Any,
    statement: str,
    by: Any,
    now: datetime | None = None,
) -> Dispute:
    """Clause 7.3: the buyer opens a dispute within the window, asking for a refund."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    if _party(order, member) != Actor.BUYER:
        raise DisputeInvalidTransition(_("Only the buyer may open a dispute."))
    if reason not in DisputeReason.values:
        raise InvalidInput(_("Unknown reason."), fields={"reason": [_("Unknown.")]})
    statement = _statement(statement)
    amount = _amount(refund_amount, order)
    if Dispute.objects.filter(order=order).exists():
        raise Conflict(_("This order already has a dispute."), code="dispute_exists")
    policy = load_trade_policy()
    window = rules.open_window(
        status=order.status,
        now=now,
        delivered_at=order.delivered_at,
        shipped_at=order.shipped_at,
        deliver_by=order.deliver_by,
        has_tracking=bool(order.tracking),
        policy=policy.disputes,
        orders_policy=policy.orders,
    )
    if not window.allowed:
        messages = {
            "dispute_too_early": _("A dispute about delivery can be opened from %(at)s."),
            "dispute_window_closed": _("The window to open a dispute closed on %(at)s."),
            "dispute_not_allowed": _("An order in this state cannot be disputed."),
        }
        at = window.opens_at if window.refusal == "dispute_too_early" else window.closes_at
        raise Conflict(
            messages[window.refusal] % {"at": at.date().isoformat() if at else ""},
            code=window.refusal,
            extra={
                "opens_at": window.opens_at.isoformat() if window.opens_at else None,
                "closes_at": window.closes_at.isoformat() if window.closes_at else None,
                "rule": window.rule,
            },
        )
    if amount <= 0:
        message = _("Ask for a refund above zero.")
        raise InvalidInput(message, fields={"refund_amount": [message]})
    _refund_bound(order, amount)
    timers = rules.dispute_timers(now, policy.disputes)
    dispute = Dispute.objects.create(
        order=order,
        reason=reason,
        refund_requested=amount,
        buyer_statement=statement,
        proposal_amount=amount,
        proposal_by=Actor.BUYER.value,
        opened_at=now,
        respond_by=timers.respond_by,
        escalate_from=timers.escalate_from,
        auto_escalate_at=timers.auto_escalate_at,
        updated_at=now,
    )
    _record(
        dispute,
        "open",
        Actor.BUYER,
        by=by,
        now=now,
        before="",
        data={
            "reason": reason,
            "refund_amount": str(amount),
            "respond_by": timers.respond_by.isoformat(),
            "auto_escalate_at": timers.auto_escalate_at.isoformat(),
        },
    )
    _schedule(dispute, timers.auto_escalate_at)
    return dispute


# --- The supplier's response, escalation -------------------------------------------------------


@transaction.atomic
def dispute_respond(
    *,
    dispute: Dispute,
    member: Member,
    statement: str,
    accept_refund: bool | None = None,
    by: Any,
    now: datetime | None = None,
) -> Dispute:
    """The supplier responds within `supplier_response_days`; `accept_refund` settles on
    the refund the buyer asked for."""
    now = now or timezone.now()
    dispute = _locked(dispute)
    actor = _party(dispute.order, member)
    before = dispute.status
    to = _step(dispute, DisputeAction.RESPOND, actor)
    if now > dispute.respond_by:
        raise Conflict(
            _("The time to respond to this dispute has passed."),
            code="dispute_response_late",
            extra={"respond_by": dispute.respond_by.isoformat()},
        )
    dispute.supplier_statement = _statement(statement)
    dispute.status = to
    dispute.responded_at = now
    dispute.updated_at = now
    dispute.save()
    _record(
        dispute,
        "respond",
        actor,
        by=by,
        now=now,
        before=before,
        data={"accept_refund": bool(accept_refund)},
    )
    if accept_refund:
        _settle(dispute, dispute.refund_requested, actor, by=by, now=now)
    return dispute


@transaction.atomic
def dispute_escalate(
    *, dispute: Dispute, member: Member | None, by: Any, now: datetime | None = None
) -> Dispute:
    """The buyer escalates from day 4; with `member` None the platform escalates on day 8."""
    now = now or timezone.now()
    dispute = _locked(dispute)
    if member is None:
        action, actor = DisputeAction.AUTO_ESCALATE, Actor.PLATFORM
        if now < dispute.auto_escalate_at:
            raise DisputeInvalidTransition(_("Not due for escalation yet."))
    else:
        action, actor = DisputeAction.ESCALATE, _party(dispute.order, member)
    before = dispute.status
    to = _step(dispute, action, actor)
    if actor == Actor.BUYER and now < dispute.escalate_from:
        raise Conflict(
            _("You may escalate from %(at)s, once the supplier has had time to respond.")
            % {"at": dispute.escalate_from.isoformat()},
            code="dispute_escalation_too_early",
            extra={"escalate_from": dispute.escalate_from.isoformat()},
        )
    policy = load_trade_policy().disputes
    dispute.status = to
    dispute.escalated_at = now
    dispute.decide_by = rules.decide_deadline(now, policy)
    dispute.updated_at = now
    dispute.save()
    _record(
        dispute,
        action.value,
        actor,
        by=by,
        now=now,
        before=before,
        data={
            "decide_by": dispute.decide_by.isoformat(),
            **({"rule": "disputes.auto_escalate_day"} if member is None else {}),
        },
    )
    return dispute


def dispute_timers_run(*, dispute: Dispute, now: datetime | None = None) -> Dispute:
    """Lazy on read (and from the task): escalate automatically on day 8."""
    now = now or timezone.now()
    if dispute.status in (DisputeStatus.OPEN, DisputeStatus.RESPONDED) and (
        now >= dispute.auto_escalate_at
    ):
        with contextlib.suppress(DisputeInvalidTransition):
            dispute_escalate(dispute=dispute, member=None, by=None, now=now)
        dispute.refresh_from_db()
    return dispute


def disputes_timers_run_due(*, now: datetime | None = None, limit: int = 500) -> int:
    from tradepost.trade.selectors.disputes import disputes_auto_escalation_due

    now = now or timezone.now()
    moved = 0
    for dispute in disputes_auto_escalation_due(now=now)[:limit]:
        if dispute_timers_run(dispute=dispute, now=now).status == DisputeStatus.ESCALATED:
            moved += 1
    return moved


def _enqueue(dispute_id: int, at: datetime) -> None:
    from tradepost.trade import tasks

    task = tasks.dispute_timers_run_task
    try:
        if not task.get_backend().supports_defer:
            return
        task.using(run_after=at).enqueue(dispute_id=dispute_id)
    except Exception:  # the lazy path on read still escalates
        logger.exception("Could not enqueue the timers of dispute %s", dispute_id)


def _schedule(dispute: Dispute, at: datetime) -> None:
    from functools import partial

    transaction.on_commit(partial(_enqueue, dispute.pk, at), robust=True)


# --- Settling and deciding ---------------------------------------------------------------------


def _refund(order: Order, amount: Decimal, *, dispute: Dispute, by: Any) -> dict[str, Any]:
    """Move `amount` back to the buyer through the order's refund path (see the module)."""
    if amount <= 0:
        if order.status == OrderStatus.SHIPPED:
            order_services.order_confirm_receipt(order=order, member=None, by=by)
        elif order.status == OrderStatus.DELIVERED:
            order_services.order_complete(order=order)
        return {"refunded": "0"}
    held = order_money(order).held
    memo = f"Dispute {dispute.pk} on order {order.pk}"
    if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) and amount == held:
        order_services.order_refund(order=order, by=by, reason=memo)
        return {"refunded": str(amount), "order_refunded": True}
    provider = payment_provider()
    result = provider.refund(
        amount=amount,
        currency=order.currency,
        charge_reference=order.payment_reference,
        reference=order.reference,
    )
    if not result.ok:
        raise order_services.PaymentFailed(
            result.message,
            code="refund_failed",
            extra={"failure_code": result.failure_code, "provider": provider.name},
        )
    from_escrow = min(amount, held)
    after_completion = amount - from_escrow
    fee_back = _fee_reversal(order, after_completion) if after_completion > 0 else Decimal(0)
    legs = []
    if from_escrow > 0:
        legs.append(
            Leg(
                ledger_account(
                    purpose=AccountPurpose.ESCROW, currency=order.currency, order_ref=order.pk
                ),
                -from_escrow,
            )
        )
    if after_completion - fee_back > 0:
        legs.append(
            Leg(
                ledger_account(
                    purpose=AccountPurpose.SUPPLIER_PAYABLE,
                    currency=order.currency,
                    member=order.supplier,
                ),
                -(after_completion - fee_back),
            )
        )
    if fee_back > 0:
        legs.append(
            Leg(
                ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency=order.currency),
                -fee_back,
            )
        )
    legs.append(
        Leg(
            ledger_account(
                purpose=AccountPurpose.REFUNDS, currency=order.currency, member=order.buyer
            ),
            amount,
        )
    )
    ledger_post(
        kind=TransactionKind.REFUND,
        reference=order.reference,
        dedupe_key=f"{order.reference}:dispute:{dispute.pk}:refund",
        legs=legs,
        actor=by,
        memo=memo,
        provider_reference=result.reference,
    )
    order.refresh_from_db()
    if order.status == OrderStatus.SHIPPED:
        order_services.order_confirm_receipt(order=order, member=None, by=by)
    elif order.status == OrderStatus.DELIVERED:
        order_services.order_complete(order=order)
    money: dict[str, Any] = {"refunded": str(amount), "reference": result.reference}
    if fee_back > 0:
        money["fee_reversed"] = str(fee_back)
    return money


def _fee_reversal(order: Order, after_completion: Decimal) -> Decimal:
    """The platform fee that goes back with `after_completion` refunded from what completion
    released (platform policy `[orders] refund_reverses_fee`; see `rules.fee_reversal`)."""
    if not load_trade_policy().orders.refund_reverses_fee:
        return Decimal(0)
    money = order_money(order)
    return order_rules.fee_reversal(
        fee=money.fee,
        completed=money.released + money.fee,
        refunded_after_completion=money.refunded_after_completion + after_completion,
        reversed_already=money.fee_reversed,
        currency=order.currency,
    )


def _close(
    dispute: Dispute,
    to: str,
    amount: Decimal,
    actor: Actor,
    *,
    action: str,
    by: Any,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    before = dispute.status
    _refund_bound(dispute.order, amount)
    dispute.status = to
    dispute.refund_amount = amount
    dispute.closed_at = now
    dispute.updated_at = now
    dispute.save()
    money = _refund(dispute.order, amount, dispute=dispute, by=by)
    _record(dispute, action, actor, by=by, now=now, before=before, data={**money, **(data or {})})


def _settle(dispute: Dispute, amount: Decimal, actor: Actor, *, by: Any, now: datetime) -> None:
    to = _step(dispute, DisputeAction.SETTLE, actor)
    _close(
        dispute,
        to,
        amount,
        actor,
        action="settle",
        by=by,
        now=now,
        data={"proposed_by": dispute.proposal_by, "accepted_by": actor.value},
    )


@transaction.atomic
def dispute_settle(
    *,
    dispute: Dispute,
    member: Member,
    refund_amount: Any,
    by: Any,
    now: datetime | None = None,
) -> Dispute:
    """Clause 7.3: the parties settle (a full or partial refund) any time before a
    decision. A party's amount is a proposal; it settles the dispute when it equals the
    other party's standing proposal."""
    now = now or timezone.now()
    dispute = _locked(dispute)
    actor = _party(dispute.order, member)
    amount = _amount(refund_amount, dispute.order)
    before = dispute.status
    _step(dispute, DisputeAction.PROPOSE, actor)
    _refund_bound(dispute.order, amount)
    if (
        dispute.proposal_by
        and dispute.proposal_by != actor.value
        and (dispute.proposal_amount == amount)
    ):
        _settle(dispute, amount, actor, by=by, now=now)
        return dispute
    dispute.proposal_amount = amount
    dispute.proposal_by = actor.value
    dispute.updated_at = now
    dispute.save()
    _record(
        dispute,
        "propose",
        actor,
        by=by,
        now=now,
        before=before,
        data={"refund_amount": str(amount)},
    )
    return dispute


@transaction.atomic
def dispute_decide(
    *,
    dispute: Dispute,
    refund_amount: Any,
    reason: str,
    by: Any,
    now: datetime | None = None,
) -> Dispute:
    """Staff decide an escalated dispute: refund `refund_amount` (0 = for the supplier).
    Clause 6.3 (a): a decision against the supplier for non-delivery or not as described
    files a complaint in trust."""
    from tradepost.trust.services.complaints import complaint_file

    now = now or timezone.now()
    dispute = _locked(dispute)
    amount = _amount(refund_amount, dispute.order)
    reason = _statement(reason, "reason")
    to = _step(dispute, DisputeAction.DECIDE, Actor.STAFF)
    dispute.decision_reason = reason
    dispute.decided_by = by if getattr(by, "pk", None) else None
    data: dict[str, Any] = {"reason": reason, "refund_amount": str(amount)}
    if rules.files_complaint(dispute.reason, amount):
        order = dispute.order
        complaint = complaint_file(
            subject=order.supplier,
            ground="6.3 a",
            description=(
                f"Dispute {dispute.pk} on order {order.pk} decided against the supplier "
                f"({dispute.reason}): {reason}"
            ),
            source="trade",
            complainant=order.buyer,
            reference=order.reference,
            by=by if getattr(by, "pk", None) else None,
        )
        dispute.complaint_id = complaint.pk
        data["complaint_id"] = complaint.pk
    _close(dispute, to, amount, Actor.STAFF, action="decide", by=by, now=now, data=data)
    return dispute
