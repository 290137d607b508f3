"""Subscriptions to paid services and their invoices (issue 13).

Clause 2.2: some Services are reserved to paying members; clause 2.3: they differ by region;
clause 2.4: a change must not degrade what current subscribers paid for before their next
period; clause 5.9 and 9.1: suspensions; clause 2.1: the contracting entity issues the invoice.

A fee is charged with the payment provider (the SIMULATED test provider) and then posted as
one ledger FEE transaction (member's funding account to the platform's fees), deduplicated
per subscription period (`subscriptions:{id}:period-{n}`). A refused charge raises
`PaymentFailed` (402) and rolls back everything, the invoice number included: numbers run
without gaps per issuing entity and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost import gates
from tradepost.audit.services import audit_record
from tradepost.billing.models import (
    Invoice,
    InvoiceCounter,
    ServiceChange,
    Subscription,
    SubscriptionStatus,
    SubscriptionSuspension,
)
from tradepost.billing.rules import subscriptions as rules
from tradepost.billing.selectors import subscriptions as selectors
from tradepost.catalog.policy import load_membership_tiers
from tradepost.catalog.services.listings import supplier_require
from tradepost.catalog.services.profiles import supplier_membership_tier_set
from tradepost.errors import (
    AccountNotActive,
    Conflict,
    FeatureRestricted,
    InvalidInput,
    PermissionDeniedError,
)
from tradepost.members.models import Member, MemberStatus
from tradepost.policy import load_contracting_policy
from tradepost.policy.paid_services import (
    SELLING_STATES,
    PaidService,
    Plan,
    load_paid_services_policy,
)
from tradepost.terms.services import agreement_guard
from tradepost.trade.models.ledger import AccountPurpose, TransactionKind
from tradepost.trade.payments import payment_provider
from tradepost.trade.services.ledger import Leg, ledger_account, ledger_post
from tradepost.trade.services.orders import PaymentFailed

PAYMENT_METHODS = ("test_card", "test_transfer")


class ServiceNotOffered(PermissionDeniedError):
    """Clause 2.3: the service is not offered in the member's region."""

    code = "service_not_offered"


class AlreadySubscribed(Conflict):
    code = "already_subscribed"


class NotPaidService(InvalidInput):
    code = "not_a_paid_service"


# --- Who may subscribe --------------------------------------------------------------------------


def subscriber_guard(member: Member, service: PaidService, *, ip: str | None = None) -> None:
    """Who may buy `service`: an active member (suspended and closed members get nothing),
    a supplier for supplier memberships and promotions, one trust's "no promotions"
    restriction does not stop (promotions), in a region where it is offered (2.3), who has
    accepted its Additional Agreement in force (1.5)."""
    if member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(
            _("Your account is %(status)s: you cannot subscribe to paid services.")
            % {"status": member.get_status_display().lower()}
        )
    if service.kind in ("membership", "promotion", "verification"):
        supplier_require(member)
    if service.kind == "promotion":
        decision = gates.feature_allowed(member, "promotions")
        if not decision.allowed:
            raise FeatureRestricted(
                _("A disciplinary action (#%(id)s, clause %(clause)s) restricts promotions.")
                % {"id": decision.action_id, "clause": decision.clause},
                extra={"feature": "promotions", "action_id": decision.action_id},
            )
    availability = rules.service_availability(
        service, entity=member.contracting_entity, country=member.country
    )
    if not availability.offered:
        raise ServiceNotOffered(
            _("%(service)s is not offered in your region (clause 2.3).")
            % {"service": service.name},
            extra={
                "service": service.key,
                "rule": availability.rule,
                "clause": availability.clause,
            },
        )
    if service.agreement:
        agreement_guard(member=member, service=service.agreement, ip=ip)


# --- Invoices -------------------------------------------------------------------------------


def invoice_number_next(*, entity: str, year: int) -> tuple[int, str]:
    """The next number of `entity`'s invoices in `year`, e.g. `ALIBABA_SG-2026-000001`. The
    counter row is locked until the transaction ends (select_for_update; on SQLite the
    transaction's write lock), so two invoices never share a number, and a rollback gives
    the number back: no gaps."""
    InvoiceCounter.objects.get_or_create(entity=entity, year=year)
    counter = InvoiceCounter.objects.select_for_update().get(entity=entity, year=year)
    InvoiceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    sequence = counter.last + 1
    return sequence, f"{entity.upper()}-{year}-{sequence:06d}"


def _bill_to(member: Member) -> dict[str, str]:
    return {
        "member_id": member.member_id,
        "company_name": member.company_name,
        "address": member.address,
        "country": member.country,
        "registration_number": member.registration_number,
    }


def invoice_issue(
    *,
    member: Member,
    subscription: Subscription,
    description: str,
    net: Decimal,
    currency: str,
    now: datetime,
    provider: str,
    reference: str,
) -> Invoice:
    """Clause 2.1: the invoice (issued paid, it is also the receipt) from the member's
    contracting entity to its registered address, with the entity's tax lines."""
    entity_key = member.contracting_entity
    entity = load_contracting_policy().entity(entity_key)
    taxes = load_paid_services_policy().taxes.get(entity_key, [])
    amounts = rules.invoice_amounts(net=net, currency=currency, taxes=taxes)
    sequence, number = invoice_number_next(entity=entity_key, year=now.year)
    return Invoice.objects.create(
        number=number,
        entity=entity_key,
        year=now.year,
        sequence=sequence,
        member=member,
        subscription=subscription,
        issued_at=now,
        currency=currency,
        subtotal=amounts.subtotal,
        tax_total=amounts.total - amounts.subtotal,
        total=amounts.total,
        issuer={
            "key": entity_key,
            "name": entity.name,
            "registration_number": entity.registration_number,
            "address": entity.notice_address,
        },
        bill_to=_bill_to(member),
        lines=[
            {
                "description": description,
                "quantity": 1,
                "amount": str(amounts.subtotal),
                "period_start": subscription.period_start.isoformat(),
                "period_end": subscription.period_end.isoformat(),
            }
        ],
        tax_lines=[
            {"name": t.name, "rate": str(t.rate), "amount": str(t.amount)} for t in amounts.taxes
        ],
        paid_at=now,
        payment_provider=provider,
        payment_reference=reference,
    )


def _charge_and_post(
    *, subscription: Subscription, total: Decimal, method: str, by: Any, what: str
) -> tuple[str, str]:
    """Charge the member with the provider, then post one FEE transaction."""
    provider = payment_provider()
    reference = f"subscriptions:{subscription.pk}"
    result = provider.charge(
        amount=total,
        currency=subscription.currency,
        method=method,
        reference=f"{reference}:{what}",
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
    ledger_post(
        kind=TransactionKind.FEE,
        reference=reference,
        dedupe_key=f"{reference}:{what}",
        legs=[
            Leg(
                ledger_account(
                    purpose=AccountPurpose.BUYER_FUNDING,
                    currency=subscription.currency,
                    member=subscription.member,
                ),
                -total,
            ),
            Leg(
                ledger_account(
                    purpose=AccountPurpose.PLATFORM_FEES, currency=subscription.currency
                ),
                total,
            ),
        ],
        actor=by,
        memo=f"Subscription {subscription.plan_id} ({what}, {provider.name})",
        provider_reference=result.reference,
    )
    return provider.name, result.reference


def plan_gross(member: Member, plan: Plan) -> Decimal:
    """What the member pays for one period of `plan`: the price plus its entity's taxes."""
    taxes = load_paid_services_policy().taxes.get(member.contracting_entity, [])
    return rules.invoice_amounts(net=plan.price, currency=plan.currency, taxes=taxes).total


def _tier_apply(member: Member, benefits: dict[str, str], reason: str) -> None:
    if benefits.get("tier"):
        supplier_membership_tier_set(member=member, tier=benefits["tier"], reason=reason)


# --- Subscribing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Purchase:
    subscription: Subscription
    invoice: Invoice


@transaction.atomic
def subscription_start(
    *,
    member: Member,
    plan_id: str,
    by: Any,
    method: str = "test_card",
    ip: str | None = None,
    now: datetime | None = None,
) -> Purchase:
    """Clauses 2.2 and 2.3: subscribe the member to a plan offered in its region, pay the
    first period with the provider, post the fee, issue the invoice. A paid membership sets
    the supplier's tier (and ends a running membership of another tier: an upgrade or a
    downgrade takes effect at once, without proration). Refusals write nothing."""
    now = now or timezone.now()
    if method not in PAYMENT_METHODS:
        raise InvalidInput(_("Unknown payment method."), fields={"method": [_("Unknown.")]})
    service, plan = selectors.plan_lookup(plan_id)
    subscriber_guard(member, service, ip=ip)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    running = list(selectors.member_active_subscriptions(member).select_for_update())
    if any(s.service_key == service.key for s in running):
        raise AlreadySubscribed(
            _("You already subscribe to %(service)s.") % {"service": service.name},
            extra={"service": service.key},
        )
    benefits = selectors.service_benefits(service)
    if service.kind == "membership":
        memberships = {s.key for s in load_paid_services_policy().all() if s.kind == "membership"}
        for old in running:
            if old.service_key in memberships:
                _lapse(old, now=now, reason="superseded")
    subscription = Subscription.objects.create(
        member=member,
        service_key=service.key,
        plan_id=plan.id,
        currency=plan.currency,
        price=plan.price,
        months=plan.months,
        period_start=now,
        period_end=rules.add_months(now, plan.months),
        benefits=benefits,
    )
    provider, reference = _charge_and_post(
        subscription=subscription,
        total=plan_gross(member, plan),
        method=method,
        by=by,
        what="period-0",
    )
    invoice = invoice_issue(
        member=member,
        subscription=subscription,
        description=f"{service.name} ({plan.months} months, {plan.id})",
        net=plan.price,
        currency=plan.currency,
        now=now,
        provider=provider,
        reference=reference,
    )
    _tier_apply(member, benefits, reason=f"subscription {subscription.pk}")
    audit_record(
        actor=by,
        action="subscription.start",
        target_type="subscription",
        target_id=subscription.pk,
        member_id=member.member_id,
        clause="2.2",
        after={
            "plan_id": plan.id,
            "price": str(plan.price),
            "currency": plan.currency,
            "invoice": invoice.number,
            "period_end": subscription.period_end.isoformat(),
        },
    )
    return Purchase(subscription, invoice)


def _lapse(subscription: Subscription, *, now: datetime, reason: str) -> None:
    Subscription.objects.filter(pk=subscription.pk).update(
        status=SubscriptionStatus.LAPSED, lapsed_at=now, auto_renew=False
    )
    subscription.status, subscription.lapsed_at = SubscriptionStatus.LAPSED, now
    subscription.auto_renew = False
    audit_record(
        actor=None,
        action="subscription.lapse",
        target_type="subscription",
        target_id=subscription.pk,
        member_id=subscription.member.member_id,
        reason=reason,
        clause="2.2",
        after={"status": "lapsed"},
    )


@transaction.atomic
def subscription_lapse(
    *, subscription: Subscription, reason: str, now: datetime | None = None
) -> Subscription:
    """The subscription ends (not renewed, withdrawn, superseded): a membership's supplier
    goes back to the default tier."""
    now = now or timezone.now()
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != SubscriptionStatus.ACTIVE:
        return subscription
    _lapse(subscription, now=now, reason=reason)
    if subscription.benefits.get("tier"):
        supplier_membership_tier_set(
            member=subscription.member,
            tier=load_membership_tiers().default_tier,
            reason=f"subscription {subscription.pk} lapsed: {reason}",
        )
    return subscription


@transaction.atomic
def subscription_renew(
    *, subscription: Subscription, by: Any = None, now: datetime | None = None
) -> Subscription:
    """The next period: charged at the plan's current price, with the service's current
    benefits (clause 2.4: a reduction reaches the subscriber here, at its next period). A
    service no longer sold, a member no longer active, a plan gone or a refused charge:
    the subscription lapses instead (the lapse is kept, the charge is not)."""
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_for_update().select_related("member").get(pk=subscription.pk)
    )
    if subscription.status != SubscriptionStatus.ACTIVE or subscription.period_end > now:
        return subscription
    policy = load_paid_services_policy()
    found = policy.plan(subscription.plan_id)
    member = subscription.member
    reason = ""
    if not subscription.auto_renew:
        reason = "not renewed"
    elif found is None or found[0].key != subscription.service_key:
        reason = "plan withdrawn"
    elif found[0].state not in SELLING_STATES:
        reason = f"service {found[0].state}"
    elif member.status != MemberStatus.ACTIVE:
        reason = f"member {member.status}"
    if reason:
        return subscription_lapse(subscription=subscription, reason=reason, now=now)
    service, plan = found  # type: ignore[misc]
    number = subscription.renewals + 1
    try:
        with transaction.atomic():
            subscription.period_start = subscription.period_end
            subscription.period_end = rules.add_months(subscription.period_start, plan.months)
            subscription.price, subscription.currency = plan.price, plan.currency
            subscription.months = plan.months
            subscription.benefits = selectors.service_benefits(service)
            subscription.renewals = number
            subscription.save()
            provider, reference = _charge_and_post(
                subscription=subscription,
                total=plan_gross(member, plan),
                method="test_card",
                by=by,
                what=f"period-{number}",
            )
            invoice_issue(
                member=member,
                subscription=subscription,
                description=f"{service.name} ({plan.months} months, {plan.id}), renewal",
                net=plan.price,
                currency=plan.currency,
                now=now,
                provider=provider,
                reference=reference,
            )
            _tier_apply(member, subscription.benefits, reason=f"subscription {subscription.pk}")
    except PaymentFailed:
        subscription.refresh_from_db()
        return subscription_lapse(subscription=subscription, reason="payment failed", now=now)
    audit_record(
        actor=by,
        action="subscription.renew",
        target_type="subscription",
        target_id=subscription.pk,
        member_id=member.member_id,
        clause="2.2",
        after={"period_end": subscription.period_end.isoformat(), "renewals": number},
    )
    return subscription


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, member: Member) -> Subscription:
    """The member stops the renewal; the paid period runs to its end."""
    Subscription.objects.filter(pk=subscription.pk, member=member).update(auto_renew=False)
    subscription.auto_renew = False
    return subscription


def subscriptions_renew_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Renew (or lapse) every active subscription whose period has ended; how many."""
    now = now or timezone.now()
    due = list(
        Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, period_end__lte=now)
        .order_by("period_end", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        subscription_renew(subscription=Subscription(pk=pk), now=now)
    return len(due)


# --- Clause 2.4: changes to a paid service --------------------------------------------------


BENEFIT_NAMES = ("tier", "badge", "search_boost")


@transaction.atomic
def service_change(
    *, service_key: str, benefits: dict[str, str], by: Any, reason: str = ""
) -> ServiceChange:
    """Clause 2.4: the platform may change a Service, but what current subscribers paid for
    is not degraded before their next period. The change is recorded with its effect per
    benefit; improvements reach current subscribers at once, reductions and removals only
    at their renewal (their snapshot is kept until `period_end`). New subscribers get the
    changed benefits."""
    policy = load_paid_services_policy()
    if service_key not in policy.services:
        raise InvalidInput(_("Unknown service."), fields={"service_key": [_("Unknown.")]})
    service = policy.service(service_key)
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(benefits) - set(BENEFIT_NAMES))
    for name in unknown:
        errors[name] = [_("Not a benefit of a service.")]
    tiers = load_membership_tiers().tiers
    if "tier" in benefits and service.kind == "membership" and benefits["tier"] not in tiers:
        errors["tier"] = [_("Unknown membership tier.")]
    if "search_boost" in benefits:
        try:
            boost = Decimal(str(benefits["search_boost"]))
            if not boost.is_finite() or not Decimal(1) <= boost <= Decimal(10):
                raise ValueError
        except (ValueError, ArithmeticError):
            errors["search_boost"] = [_("A number from 1 to 10.")]
    if errors:
        raise InvalidInput(_("The change has invalid fields."), fields=errors)
    before = selectors.service_benefits(service)
    after = {**before, **{k: str(v) for k, v in benefits.items()}}
    effects = rules.benefit_change_effects(before, after, tier_limits=selectors.all_tier_limits())
    current = list(
        Subscription.objects.select_for_update()
        .select_related("member")
        .filter(service_key=service_key, status=SubscriptionStatus.ACTIVE)
    )
    for subscription in current:
        merged = rules.benefits_for_current_period(subscription.benefits, after, effects)
        if merged != subscription.benefits:
            subscription.benefits = merged
            subscription.save(update_fields=["benefits"])
            _tier_apply(subscription.member, merged, reason=f"service change of {service_key}")
    change = ServiceChange.objects.create(
        service_key=service_key,
        before=before,
        after=after,
        effects={k: v.value for k, v in effects.items()},
        subscribers=len(current),
        reason=reason,
        by=by,
    )
    audit_record(
        actor=by,
        action="service.change",
        target_type="paid_service",
        target_id=service_key,
        reason=reason,
        clause="2.4",
        before=before,
        after={**after, "effects": change.effects, "subscribers": len(current)},
    )
    return change


# --- Suspensions (5.9, 9.1) -----------------------------------------------------------------


@transaction.atomic
def subscription_suspend(
    *,
    subscription: Subscription,
    cause: str,
    start: datetime,
    end: datetime,
    reason: str = "",
    by: Any = None,
) -> SubscriptionSuspension:
    """Record a time the service was not available to the subscriber. Clause 5.9: caused by
    the member's failure to cooperate, the period is not extended. Clause 9.1: caused by
    the platform (maintenance past its published window, force majeure...), `period_end`
    moves on by the time lost within the period."""
    try:
        cause = rules.SuspensionCause(cause)
    except ValueError as exc:
        raise InvalidInput(
            _("The cause is member or platform."), fields={"cause": [_("member or platform")]}
        ) from exc
    if end <= start:
        raise InvalidInput(
            _("A suspension ends after it starts."), fields={"end": [_("Too early.")]}
        )
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    decision = rules.suspension_extension(
        cause=cause,
        start=start,
        end=end,
        period_start=subscription.period_start,
        period_end=subscription.period_end,
    )
    before = subscription.period_end
    if decision.extend_by:
        subscription.period_end = before + decision.extend_by
        subscription.save(update_fields=["period_end"])
    row = SubscriptionSuspension.objects.create(
        subscription=subscription,
        cause=cause.value,
        clause=decision.clause,
        start=start,
        end=end,
        extended_by=decision.extend_by,
        reason=reason,
    )
    audit_record(
        actor=by,
        action="subscription.suspend",
        target_type="subscription",
        target_id=subscription.pk,
        member_id=subscription.member.member_id,
        reason=reason,
        clause=decision.clause,
        before={"period_end": before.isoformat()},
        after={"period_end": subscription.period_end.isoformat(), "cause": cause.value},
    )
    return row
