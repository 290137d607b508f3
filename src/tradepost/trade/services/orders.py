"""Order use cases (issue 11, clauses 7.1, 7.4, 6.2): place, accept, decline, pay, ship,
confirm receipt, extend the receipt deadline, complete, cancel, refund, and the timers.

Every status change goes through `_move`: the rule table decides (`rules.orders`), one
conditional UPDATE on the status the order moves from makes it happen (two concurrent
requests cannot both move it), and an `OrderEvent` plus an audit row record it (an order
placed as it is created is inserted placed, its events and audit row the same). Money moves
only through `ledger_post` with one dedupe key per movement (`order:{id}:payment`,
`:release`, `:fee`, `:refund`), so an order is paid, released and refunded at most once, and
refunded at most what escrow holds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost import gates
from tradepost.audit.services import audit_record
from tradepost.catalog.selectors import listing_published
from tradepost.errors import (
    AccountNotActive,
    Conflict,
    DomainError,
    FeatureRestricted,
    InvalidInput,
    TradeRestricted,
)
from tradepost.members.models import Member, MemberStatus
from tradepost.policy.trade import OrdersPolicy, load_trade_policy
from tradepost.trade.models.ledger import AccountPurpose, TransactionKind
from tradepost.trade.models.orders import Order, OrderEvent, OrderLine, OrderStatus
from tradepost.trade.payments import payment_provider
from tradepost.trade.rules import orders as rules
from tradepost.trade.rules.orders import Action, Actor
from tradepost.trade.selectors.orders import order_money
from tradepost.trade.services.ledger import Leg, ledger_account, ledger_post

logger = logging.getLogger(__name__)

MAX_TERMS = 10_000
MAX_QUANTITY = 10_000_000


class OrderInvalidTransition(Conflict):
    """The order's lifecycle does not allow this step now (or not for this party)."""

    code = "order_invalid_transition"


class OrderDisputed(OrderInvalidTransition):
    """Clause 7.3: an open dispute holds the order (no completion, no release)."""

    code = "order_disputed"


def _dispute_hold(order: Order) -> None:
    from tradepost.trade.selectors.disputes import order_dispute_open

    if order_dispute_open(order):
        raise OrderDisputed(
            _("This order has an open dispute: it is held until the dispute ends."),
            extra={"order_id": order.pk},
        )


class PaymentFailed(DomainError):
    """The payment provider refused the charge (or the refund); nothing was written."""

    code = "payment_failed"
    status = 402


@dataclass(frozen=True)
class LineSpec:
    """One line of a new order, whatever it came from (a listing's tier, a quotation)."""

    description: str
    quantity: int
    unit: str
    unit_price: Decimal
    listing_id: int | None = None
    tier_min_qty: int | None = None


def _policy() -> OrdersPolicy:
    return load_trade_policy().orders


# --- Who may act -----------------------------------------------------------------------------


def order_member_guard(member: Member, *, step: str) -> None:
    """Clause 6.2: a suspended member, or one an action restricts from `orders`, cannot
    place, accept or pay (403 with the action and its clause)."""
    if member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(
            _("Your account is %(status)s: you cannot %(step)s orders.")
            % {"status": member.get_status_display().lower(), "step": step}
        )
    decision = gates.feature_allowed(member, "orders")
    if not decision.allowed:
        raise FeatureRestricted(
            _(
                "A disciplinary action (#%(id)s, clause %(clause)s) restricts orders on your "
                "account."
            )
            % {"id": decision.action_id, "clause": decision.clause},
            extra={
                "feature": "orders",
                "action_id": decision.action_id,
                "clause": decision.clause,
                "ends_at": decision.ends_at.isoformat() if decision.ends_at else None,
            },
        )


def trade_screen_require(
    buyer: Member, supplier: Member | None, destination: str, goods: tuple[int, ...] = ()
) -> None:
    """Clause 5.13: compliance screening of a trade (registered by `compliance` through
    `tradepost.gates`): a counterparty held pending review, an embargoed destination, or goods
    (category ids) restricted for the destination stop the order or RFQ with the reason (403
    `trade_restricted`)."""
    refusal = gates.trade_refusal(buyer, supplier, destination, goods)
    if refusal is not None:
        raise TradeRestricted(
            refusal.reason, extra={"rule": refusal.rule, "clause": refusal.clause}
        )


def _party(order: Order, member: Member) -> Actor:
    if order.buyer_id == member.pk:
        return Actor.BUYER
    if order.supplier_id == member.pk:
        return Actor.SUPPLIER
    raise OrderInvalidTransition(_("You are not a party to this order."))


# --- The one place a status changes ----------------------------------------------------------


def _refuse(decision: rules.TransitionDecision) -> OrderInvalidTransition:
    if decision.reason == "not_your_step":
        message = _("This step of the order is not yours to take.")
    else:
        message = _("An order cannot go from %(from)s to %(to)s.") % {
            "from": decision.from_status,
            "to": decision.to_status,
        }
    return OrderInvalidTransition(
        message,
        extra={
            "from": decision.from_status,
            "to": decision.to_status,
            "action": decision.action.value,
        },
    )


def _event(
    order: Order,
    transition: rules.Transition,
    actor: Actor,
    *,
    by: Any,
    now: datetime,
    data: dict[str, Any] | None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        action=transition.action.value,
        from_status=transition.from_status,
        to_status=transition.to_status,
        actor=actor.value,
        by=by if getattr(by, "pk", None) else None,
        at=now,
        data=data or {},
    )


def _move(
    order: Order,
    action: Action,
    actor: Actor,
    *,
    by: Any,
    now: datetime,
    data: dict[str, Any] | None = None,
    extra_filter: dict[str, Any] | None = None,
    record_event: bool = True,
    **fields: Any,
) -> rules.Transition:
    """Decide with the table, then move with one conditional UPDATE (status must still be
    the one decided on); write the event and the audit row. Refuses with 409.
    `record_event=False`: the caller writes the event itself, later in the same transaction
    (once it knows all of its data)."""
    decision = rules.transition_decide(order.status, action, actor)
    if not decision.allowed or decision.transition is None:
        raise _refuse(decision)
    moved = Order.objects.filter(
        pk=order.pk, status=decision.from_status, **(extra_filter or {})
    ).update(status=decision.to_status, updated_at=now, **fields)
    if not moved:
        current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        raise _refuse(rules.transition_decide(current or "", action, actor))
    # The row now holds what the UPDATE wrote: set it on the instance rather than read it
    # back (a read would also drop the loaded buyer and supplier); only expressions such as
    # F("n") + 1 are read back.
    order.status, order.updated_at = decision.to_status, now
    computed = [name for name, value in fields.items() if hasattr(value, "resolve_expression")]
    for name, value in fields.items():
        if name not in computed:
            setattr(order, name, value)
    if computed:
        order.refresh_from_db(fields=computed)
    if record_event:
        _event(order, decision.transition, actor, by=by, now=now, data=data)
    _audit(order, decision.transition, actor, by=by, data=data)
    return decision.transition


def _audit(
    order: Order,
    transition: rules.Transition,
    actor: Actor,
    *,
    by: Any,
    data: dict[str, Any] | None,
) -> None:
    party = order.buyer if actor == Actor.BUYER else order.supplier
    audit_record(
        actor=by,
        action=f"order.{transition.action.value}",
        target_type="order",
        target_id=order.pk,
        member_id=party.member_id if actor in (Actor.BUYER, Actor.SUPPLIER) else "",
        clause="7.1",
        before={"status": transition.from_status},
        after={"status": transition.to_status, **(data or {})},
    )


def _timer_enqueue(order_id: int, at: datetime | None) -> None:
    """Ask the task worker to run the order's timers at `at` (the lazy check on every read
    covers a backend that cannot defer, and a lost task)."""
    if at is None:
        return
    from tradepost.trade import tasks

    task = tasks.order_timers_run_task
    try:
        if task.get_backend().supports_defer:
            task = task.using(run_after=at)
        else:
            return
        task.enqueue(order_id=order_id)
    except Exception:  # the lazy path still moves the order; never fail the request for it
        logger.exception("Could not enqueue the timers of order %s", order_id)


def _schedule(order: Order, at: datetime | None) -> None:
    transaction.on_commit(partial(_timer_enqueue, order.pk, at), robust=True)


# --- Placing -----------------------------------------------------------------------------------


def _text(value: str | None, field: str, limit: int) -> str:
    value = value or ""
    if len(value) > limit:
        raise InvalidInput(
            _("At most %(n)s characters.") % {"n": limit},
            fields={field: [_("At most %(n)s characters.") % {"n": limit}]},
        )
    return value


def order_line_from_listing(*, listing: Any, quantity: int) -> LineSpec:
    """The listing's tier price at `quantity`, the minimum order quantity enforced."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidInput(
            _("Order at least one unit."), fields={"quantity": [_("A whole number, 1 or more.")]}
        )
    if quantity > MAX_QUANTITY:
        raise InvalidInput(
            _("That quantity is too large."),
            fields={"quantity": [_("At most %(n)s.") % {"n": MAX_QUANTITY}]},
        )
    tiers = [rules.TierPrice(t.min_qty, t.unit_price) for t in listing.price_tiers.all()]
    price = rules.tier_price(tiers, quantity, listing.moq)
    if price.refusal == "below_moq":
        message = _("The minimum order quantity is %(moq)s %(unit)s.") % {
            "moq": listing.moq,
            "unit": listing.unit,
        }
        raise InvalidInput(
            message,
            code="order_below_moq",
            fields={"quantity": [message]},
            extra={"moq": listing.moq},
        )
    if price.unit_price is None:
        message = _("The listing has no price for this quantity.")
        raise InvalidInput(message, code="order_no_price", fields={"quantity": [message]})
    return LineSpec(
        description=listing.title[:200],
        quantity=quantity,
        unit=listing.unit,
        unit_price=price.unit_price,
        listing_id=listing.pk,
        tier_min_qty=price.tier_min_qty,
    )


@transaction.atomic
def order_create(
    *,
    buyer: Member,
    supplier: Member,
    currency: str,
    lines: Sequence[LineSpec],
    by: Any,
    listing: Any = None,
    quotation_id: int | None = None,
    buyer_terms: str = "",
    supplier_terms: str = "",
    incoterm: str = "",
    shipping_terms: str = "",
    dispatch_by: date | None = None,
    deliver_by: date | None = None,
    place: bool = True,
    now: datetime | None = None,
    guarded: bool = False,
    goods: tuple[int, ...] = (),
) -> Order:
    """Clause 7.1: an order between one buyer and one supplier, created as a draft and
    (unless `place` is false, e.g. a quotation's draft) placed at once. Clause 7.4: the
    parties' terms are stored exactly as written. `guarded`: the caller has just run
    `order_member_guard` on the buyer in this transaction. `goods`: the catalog categories
    of what is ordered, for compliance screening (5.13 c)."""
    now = now or timezone.now()
    if not guarded:
        order_member_guard(buyer, step=_("place"))
    if buyer.pk == supplier.pk:
        raise InvalidInput(_("You cannot order from yourself."), code="order_own_listing")
    if not buyer.is_buyer:
        raise InvalidInput(_("Only members with the buyer role can order."), code="not_a_buyer")
    if not lines:
        raise InvalidInput(_("An order has at least one line."), code="order_no_lines")
    # Orders carry no ship-to address of their own: the destination is the buyer's country.
    trade_screen_require(buyer, supplier, buyer.country, goods)
    amounts = [rules.money_round(line.unit_price * line.quantity, currency) for line in lines]
    total = sum(amounts, Decimal(0))
    placing = None
    if place:
        # Placed at once: the row is written placed (no one else can see it yet, so there
        # is nothing for `_move`'s conditional UPDATE to guard), the table still decides,
        # and both events and the audit row are what `order_place` writes.
        decision = rules.transition_decide(OrderStatus.DRAFT, Action.PLACE, Actor.BUYER)
        if not decision.allowed or decision.transition is None:
            raise _refuse(decision)
        placing = decision.transition
    pay_by = rules.pay_deadline(now, _policy()) if placing else None
    order = Order.objects.create(
        buyer=buyer,
        supplier=supplier,
        listing=listing,
        quotation_id=quotation_id,
        status=placing.to_status if placing else OrderStatus.DRAFT,
        currency=currency,
        total=total,
        incoterm=_text(incoterm, "incoterm", 3),
        shipping_terms=_text(shipping_terms, "shipping_terms", MAX_TERMS),
        dispatch_by=dispatch_by,
        deliver_by=deliver_by,
        buyer_terms=_text(buyer_terms, "terms", MAX_TERMS),
        supplier_terms=_text(supplier_terms, "supplier_terms", MAX_TERMS),
        created_at=now,
        updated_at=now,
        placed_at=now if placing else None,
        pay_by=pay_by,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            listing_id=line.listing_id,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            tier_min_qty=line.tier_min_qty,
            amount=amount,
        )
        for line, amount in zip(lines, amounts, strict=True)
    )
    by_user = by if getattr(by, "pk", None) else None
    events = [
        OrderEvent(
            order=order,
            action="create",
            from_status="",
            to_status=OrderStatus.DRAFT,
            actor=Actor.BUYER.value,
            by=by_user,
            at=now,
            data={"total": str(total), "currency": currency, "quotation_id": quotation_id},
        )
    ]
    placed_data = {"pay_by": pay_by.isoformat()} if pay_by else {}
    if placing:
        events.append(
            OrderEvent(
                order=order,
                action=placing.action.value,
                from_status=placing.from_status,
                to_status=placing.to_status,
                actor=Actor.BUYER.value,
                by=by_user,
                at=now,
                data=placed_data,
            )
        )
    OrderEvent.objects.bulk_create(events)
    if placing:
        _audit(order, placing, Actor.BUYER, by=by, data=placed_data)
        _schedule(order, pay_by)
    return order


@transaction.atomic
def order_place(
    *, order: Order, member: Member, by: Any, now: datetime | None = None, guarded: bool = False
) -> Order:
    """draft -> placed; the unpaid timer starts (unpaid orders close after 5 days).
    `guarded`: as in `order_create`."""
    now = now or timezone.now()
    if not guarded:
        order_member_guard(member, step=_("place"))
    pay_by = rules.pay_deadline(now, _policy())
    _move(
        order,
        Action.PLACE,
        _party(order, member),
        by=by,
        now=now,
        data={"pay_by": pay_by.isoformat()},
        placed_at=now,
        pay_by=pay_by,
    )
    _schedule(order, pay_by)
    return order


@transaction.atomic
def order_place_from_listing(
    *,
    buyer: Member,
    listing_id: int,
    quantity: int,
    terms: str = "",
    by: Any,
    now: datetime | None = None,
) -> Order:
    """Clause 7.1: order from a published listing at its tier price (MOQ enforced)."""
    order_member_guard(buyer, step=_("place"))
    listing = listing_published(listing_id=listing_id, for_order=True)
    line = order_line_from_listing(listing=listing, quantity=quantity)
    return order_create(
        guarded=True,
        buyer=buyer,
        supplier=listing.supplier,
        currency=listing.currency,
        lines=[line],
        by=by,
        listing=listing,
        buyer_terms=terms,
        incoterm=listing.incoterm,
        now=now,
        goods=(listing.category_id,),
    )


# --- The supplier's answer --------------------------------------------------------------------


@transaction.atomic
def order_accept(*, order: Order, member: Member, by: Any, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    order_member_guard(member, step=_("accept"))
    _move(order, Action.ACCEPT, _party(order, member), by=by, now=now)
    return order


@transaction.atomic
def order_decline(
    *, order: Order, member: Member, by: Any, reason: str = "", now: datetime | None = None
) -> Order:
    now = now or timezone.now()
    _move(
        order,
        Action.DECLINE,
        _party(order, member),
        by=by,
        now=now,
        data={"reason": _text(reason, "reason", 2000)},
        closed_at=now,
        pay_by=None,
    )
    return order


# --- Money ---------------------------------------------------------------------------------


@transaction.atomic
def order_pay(
    *, order: Order, member: Member, method: str, by: Any, now: datetime | None = None
) -> Order:
    """Clause 7.1 (protected payment): accepted -> paid. The status moves first (a
    conditional UPDATE, so a second payment finds it paid and gets 409), then the SIMULATED
    provider charges, then the ledger holds the total in the order's escrow. A refused
    charge rolls all of it back (402 `payment_failed`)."""
    now = now or timezone.now()
    order_member_guard(member, step=_("pay"))
    if method not in ("test_card", "test_transfer"):
        raise InvalidInput(_("Unknown payment method."), fields={"method": [_("Unknown.")]})
    provider = payment_provider()
    policy = _policy()
    data: dict[str, Any] = {
        "amount": str(order.total),
        "currency": order.currency,
        "provider": provider.name,
        "simulated": provider.simulated,
        "method": method,
    }
    # Claim the order first: a concurrent second payment waits on the row, then finds it
    # paid (409) before anything is charged twice. Its event is written once the charge
    # answered, with the provider's reference (a refused charge rolls all of it back).
    actor = _party(order, member)
    transition = _move(
        order,
        Action.PAY,
        actor,
        by=by,
        now=now,
        data=data,
        record_event=False,
        paid_at=now,
        pay_by=None,
        payment_provider=provider.name,
        payment_method=method,
        fee_rate=policy.platform_fee_rate,
    )
    result = provider.charge(
        amount=order.total, currency=order.currency, method=method, reference=order.reference
    )
    if not result.ok:
        raise PaymentFailed(
            result.message,
            extra={
                "failure_code": result.failure_code,
                "scenario": result.scenario,
                "provider": provider.name,
            },
        )
    Order.objects.filter(pk=order.pk).update(payment_reference=result.reference)
    order.payment_reference = result.reference
    _event(order, transition, actor, by=by, now=now, data={**data, "reference": result.reference})
    ledger_post(
        kind=TransactionKind.PAYMENT,
        reference=order.reference,
        dedupe_key=f"{order.reference}:payment",
        legs=[
            Leg(
                ledger_account(
                    purpose=AccountPurpose.BUYER_FUNDING,
                    currency=order.currency,
                    member=order.buyer,
                ),
                -order.total,
            ),
            Leg(
                ledger_account(
                    purpose=AccountPurpose.ESCROW,
                    currency=order.currency,
                    order_ref=order.pk,
                    first_use=True,
                ),
                order.total,
            ),
        ],
        actor=by,
        memo=f"Payment for order {order.pk} ({provider.name})",
        provider_reference=result.reference,
    )
    return order


def _refund_held(order: Order, *, by: Any, reason: str) -> dict[str, Any]:
    """Give the buyer back what escrow holds for the order (never more than was paid)."""
    held = order_money(order).held
    if held <= 0:
        return {"refunded": "0"}
    provider = payment_provider()
    result = provider.refund(
        amount=held,
        currency=order.currency,
        charge_reference=order.payment_reference,
        reference=order.reference,
    )
    if not result.ok:
        raise PaymentFailed(
            result.message,
            code="refund_failed",
            extra={"failure_code": result.failure_code, "provider": provider.name},
        )
    ledger_post(
        kind=TransactionKind.REFUND,
        reference=order.reference,
        dedupe_key=f"{order.reference}:refund",
        legs=[
            Leg(
                ledger_account(
                    purpose=AccountPurpose.ESCROW, currency=order.currency, order_ref=order.pk
                ),
                -held,
            ),
            Leg(
                ledger_account(
                    purpose=AccountPurpose.REFUNDS, currency=order.currency, member=order.buyer
                ),
                held,
            ),
        ],
        actor=by,
        memo=f"Refund of order {order.pk}: {reason}"[:200],
        provider_reference=result.reference,
    )
    return {"refunded": str(held), "reference": result.reference}


def _release(order: Order, *, by: Any) -> dict[str, Any]:
    """Completion: what escrow holds goes to the supplier, less the platform fee."""
    held = order_money(order).held
    if held <= 0:
        return {"released": "0", "fee": "0"}
    rate = order.fee_rate if order.fee_rate is not None else _policy().platform_fee_rate
    fee = rules.platform_fee(held, rate, order.currency)
    escrow = ledger_account(
        purpose=AccountPurpose.ESCROW, currency=order.currency, order_ref=order.pk
    )
    net = held - fee
    if net > 0:
        ledger_post(
            kind=TransactionKind.RELEASE,
            reference=order.reference,
            dedupe_key=f"{order.reference}:release",
            legs=[
                Leg(escrow, -net),
                Leg(
                    ledger_account(
                        purpose=AccountPurpose.SUPPLIER_PAYABLE,
                        currency=order.currency,
                        member=order.supplier,
                    ),
                    net,
                ),
            ],
            actor=by,
            memo=f"Release of order {order.pk} to the supplier",
        )
    if fee > 0:
        ledger_post(
            kind=TransactionKind.FEE,
            reference=order.reference,
            dedupe_key=f"{order.reference}:fee",
            legs=[
                Leg(escrow, -fee),
                Leg(
                    ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency=order.currency),
                    fee,
                ),
            ],
            actor=by,
            memo=f"Platform fee on order {order.pk} ({rate})",
        )
    return {"released": str(net), "fee": str(fee), "fee_rate": str(rate)}


# --- Fulfilment --------------------------------------------------------------------------------


@transaction.atomic
def order_ship(
    *,
    order: Order,
    member: Member,
    carrier: str,
    tracking: str = "",
    by: Any,
    now: datetime | None = None,
) -> Order:
    """paid -> shipped; receipt is confirmed automatically 10 days on (30 without tracking)."""
    now = now or timezone.now()
    carrier = (carrier or "").strip()
    tracking = (tracking or "").strip()
    if not carrier:
        raise InvalidInput(_("Name the carrier."), fields={"carrier": [_("Name the carrier.")]})
    _text(carrier, "carrier", 100)
    _text(tracking, "tracking", 100)
    due = rules.receipt_deadline(now, has_tracking=bool(tracking), extensions=0, policy=_policy())
    _move(
        order,
        Action.SHIP,
        _party(order, member),
        by=by,
        now=now,
        data={"carrier": carrier, "tracking": tracking, "receipt_due_at": due.isoformat()},
        shipped_at=now,
        carrier=carrier,
        tracking=tracking,
        receipt_due_at=due,
    )
    _schedule(order, due)
    return order


@transaction.atomic
def order_extend_receipt(
    *, order: Order, member: Member, by: Any, now: datetime | None = None
) -> Order:
    """Each party may extend the receipt deadline once, by 15 days (policy)."""
    now = now or timezone.now()
    policy = _policy()
    actor = _party(order, member)
    field = "receipt_extended_by_buyer" if actor == Actor.BUYER else "receipt_extended_by_supplier"
    used = getattr(order, field)
    counted: dict[str, Any] = {field: F(field) + 1}
    if not rules.extension_allowed(used=used, policy=policy):
        raise Conflict(
            _("You have already extended the receipt deadline of this order."),
            code="order_extension_used",
        )
    extensions = order.receipt_extended_by_buyer + order.receipt_extended_by_supplier + 1
    due = rules.receipt_deadline(
        order.shipped_at or now,
        has_tracking=bool(order.tracking),
        extensions=extensions,
        policy=policy,
    )
    try:
        _move(
            order,
            Action.EXTEND_RECEIPT,
            actor,
            by=by,
            now=now,
            data={"receipt_due_at": due.isoformat(), "days": policy.receipt_extension_days},
            extra_filter={
                "receipt_extended_by_buyer": order.receipt_extended_by_buyer,
                "receipt_extended_by_supplier": order.receipt_extended_by_supplier,
            },
            receipt_due_at=due,
            **counted,
        )
    except OrderInvalidTransition:
        order.refresh_from_db()
        if order.status == OrderStatus.SHIPPED:
            raise Conflict(
                _("The order changed meanwhile; try again."), code="order_changed"
            ) from None
        raise
    _schedule(order, due)
    return order


@transaction.atomic
def order_confirm_receipt(
    *, order: Order, member: Member | None, by: Any, now: datetime | None = None
) -> Order:
    """shipped -> delivered by the buyer (or by the platform when `member` is None and the
    receipt deadline has passed); completion follows after `release_delay_days`."""
    now = now or timezone.now()
    policy = _policy()
    if member is None:
        action, actor = Action.AUTO_CONFIRM, Actor.PLATFORM
        _dispute_hold(order)
    else:
        action, actor = Action.CONFIRM_RECEIPT, _party(order, member)
    release_at = rules.release_time(now, policy)
    _move(
        order,
        action,
        actor,
        by=by,
        now=now,
        data={"release_at": release_at.isoformat()},
        delivered_at=now,
        receipt_due_at=None,
        release_at=release_at,
    )
    if release_at <= now:
        order_complete(order=order, now=now)
    else:
        _schedule(order, release_at)
    return order


@transaction.atomic
def order_complete(*, order: Order, now: datetime | None = None) -> Order:
    """delivered -> completed by the platform: funds released to the supplier less the fee."""
    now = now or timezone.now()
    _dispute_hold(order)
    _move(order, Action.COMPLETE, Actor.PLATFORM, by=None, now=now, closed_at=now, release_at=None)
    data = _release(order, by=None)
    OrderEvent.objects.filter(order=order, action=Action.COMPLETE.value).update(data=data)
    return order


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    member: Member | None,
    by: Any,
    reason: str = "",
    staff: bool = False,
    now: datetime | None = None,
) -> Order:
    """Cancelled before payment, or after payment (before shipment) with a refund of what
    escrow holds to the buyer."""
    now = now or timezone.now()
    reason = _text(reason, "reason", 2000)
    if staff:
        actor = Actor.STAFF
    elif member is None:
        raise OrderInvalidTransition(_("Only a party may cancel this order."))
    else:
        actor = _party(order, member)
    transition = _move(
        order,
        Action.CANCEL,
        actor,
        by=by,
        now=now,
        data={"reason": reason},
        closed_at=now,
        pay_by=None,
    )
    if transition.moves_money == "refund":
        data = _refund_held(order, by=by, reason=reason or "cancelled")
        OrderEvent.objects.filter(
            order=order, action=Action.CANCEL.value, to_status=OrderStatus.CANCELLED
        ).update(data={"reason": reason, **data})
    return order


@transaction.atomic
def order_refund(*, order: Order, by: Any, reason: str, now: datetime | None = None) -> Order:
    """Staff refund a shipped or delivered order in full (what escrow still holds)."""
    now = now or timezone.now()
    _move(
        order,
        Action.REFUND,
        Actor.STAFF,
        by=by,
        now=now,
        data={"reason": _text(reason, "reason", 2000)},
        closed_at=now,
        receipt_due_at=None,
        release_at=None,
    )
    data = _refund_held(order, by=by, reason=reason)
    OrderEvent.objects.filter(order=order, action=Action.REFUND.value).update(
        data={"reason": reason, **data}
    )
    return order


# --- Timers ------------------------------------------------------------------------------------


def order_timers_run(*, order: Order, now: datetime | None = None) -> Order:
    """Apply every automatic transition that is due (lazily, when the order is read, and
    from the task): close unpaid, confirm receipt, complete. A concurrent move wins."""
    now = now or timezone.now()
    for _step in range(4):
        due = rules.timer_due(
            status=order.status,
            now=now,
            pay_by=order.pay_by,
            receipt_due_at=order.receipt_due_at,
            release_at=order.release_at,
        )
        if due is None:
            break
        try:
            with transaction.atomic():
                if due.action == Action.CLOSE_UNPAID:
                    _move(
                        order,
                        Action.CLOSE_UNPAID,
                        Actor.PLATFORM,
                        by=None,
                        now=now,
                        data={"rule": due.rule},
                        closed_at=now,
                        pay_by=None,
                    )
                elif due.action == Action.AUTO_CONFIRM:
                    order_confirm_receipt(order=order, member=None, by=None, now=now)
                else:
                    order_complete(order=order, now=now)
        except OrderInvalidTransition:
            pass
        order.refresh_from_db()
    return order


def orders_timers_run_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: every order some timer is due for; how many moved."""
    from tradepost.trade.selectors.orders import orders_with_timer_due

    now = now or timezone.now()
    moved = 0
    for order in orders_with_timer_due(now=now)[:limit]:
        before = order.status
        if order_timers_run(order=order, now=now).status != before:
            moved += 1
    return moved
