"""Pure rules of the service catalogue and subscriptions (issue 13): where a service is
offered (2.3), what a change to a paid service does to current subscribers (2.4), how a
suspension moves a period (5.9, 9.1), and an invoice's amounts. No database."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tradepost.policy.paid_services import SELLING_STATES, PaidService, TaxLine
from tradepost.trade.rules.ledger import minor_unit

# --- Clause 2.3: regional availability --------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    offered: bool
    rule: str
    clause: str = "2.3"


def service_availability(service: PaidService, *, entity: str, country: str) -> Availability:
    """Clause 2.3: the Services may differ by region. A service is offered to a member of
    contracting entity `entity` (2.1) from `country` when it is still sold (launched or
    changed), the country is not excluded, and the entity or the country is listed (both
    lists empty: everywhere). The decision names the rule that made it."""
    regions = service.regions
    country = country.upper()
    if service.state not in SELLING_STATES:
        return Availability(False, f"state.{service.state}")
    if country in regions.exclude_countries:
        return Availability(False, "regions.exclude_countries")
    if not regions.entities and not regions.countries:
        return Availability(True, "regions.everywhere")
    if entity in regions.entities:
        return Availability(True, "regions.entities")
    if country in regions.countries:
        return Availability(True, "regions.countries")
    return Availability(False, "regions.not_listed")


# --- Clause 2.4: changes to a paid service -----------------------------------------------------


class ChangeEffect(StrEnum):
    IMPROVEMENT = "improvement"
    REDUCTION = "reduction"
    UNCHANGED = "unchanged"


def _limit_value(value: object) -> float:
    if value in (None, "unlimited"):
        return float("inf")
    return float(value)  # type: ignore[arg-type]


def tier_compare(before: Mapping[str, object], after: Mapping[str, object]) -> ChangeEffect:
    """A tier is lower when any of its limits (listing cap, mailbox, quotations) is lower."""
    keys = sorted(set(before) | set(after))
    lower = any(_limit_value(after.get(k)) < _limit_value(before.get(k)) for k in keys)
    higher = any(_limit_value(after.get(k)) > _limit_value(before.get(k)) for k in keys)
    if lower:
        return ChangeEffect.REDUCTION
    return ChangeEffect.IMPROVEMENT if higher else ChangeEffect.UNCHANGED


def benefit_change_effects(
    before: Mapping[str, str],
    after: Mapping[str, str],
    *,
    tier_limits: Mapping[str, Mapping[str, object]],
) -> dict[str, ChangeEffect]:
    """Clause 2.4: for each benefit of a service (its tier, badge, search boost), whether a
    change improves it or reduces it. Removing a badge or lowering a boost or a tier's
    limits is a reduction; adding or raising is an improvement; renaming a badge is neither
    worse nor better for the subscriber and counts as unchanged."""
    effects: dict[str, ChangeEffect] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, ""), after.get(name, "")
        if old == new:
            effects[name] = ChangeEffect.UNCHANGED
        elif name == "tier":
            effects[name] = tier_compare(tier_limits.get(old, {}), tier_limits.get(new, {}))
        elif name == "search_boost":
            effects[name] = (
                ChangeEffect.REDUCTION
                if Decimal(new or 1) < Decimal(old or 1)
                else ChangeEffect.IMPROVEMENT
            )
        elif not new:
            effects[name] = ChangeEffect.REDUCTION
        elif not old:
            effects[name] = ChangeEffect.IMPROVEMENT
        else:
            effects[name] = ChangeEffect.UNCHANGED
    return effects


def benefits_for_current_period(
    snapshot: Mapping[str, str],
    new: Mapping[str, str],
    effects: Mapping[str, ChangeEffect],
) -> dict[str, str]:
    """Clause 2.4: what a current subscriber gets until its period ends: improvements at
    once, reductions (and removals) only from its next period (the snapshot is kept)."""
    result = dict(snapshot)
    for name, effect in effects.items():
        if effect != ChangeEffect.REDUCTION and name in new:
            result[name] = new[name]
    return result


# --- Periods and suspensions (5.9, 9.1) --------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months, the day clipped to the month's last (31 Jan + 1
    month is 28/29 Feb)."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class SuspensionCause(StrEnum):
    MEMBER = "member"
    PLATFORM = "platform"


SUSPENSION_CLAUSES = {SuspensionCause.MEMBER: "5.9", SuspensionCause.PLATFORM: "9.1"}


@dataclass(frozen=True)
class PeriodExtension:
    extend_by: timedelta
    clause: str


def suspension_extension(
    *,
    cause: SuspensionCause | str,
    start: datetime,
    end: datetime,
    period_start: datetime,
    period_end: datetime,
) -> PeriodExtension:
    """Clause 5.9: a suspension caused by the member's failure to cooperate does not extend
    its paid period. Clause 9.1: one caused by the platform (maintenance past its published
    window, force majeure and the other 9.1 causes) extends it by the time lost, that is the
    part of the suspension that fell inside the period."""
    cause = SuspensionCause(cause)
    if end <= start:
        raise ValueError("a suspension ends after it starts")
    if cause == SuspensionCause.MEMBER:
        return PeriodExtension(timedelta(0), SUSPENSION_CLAUSES[cause])
    lost = min(end, period_end) - max(start, period_start)
    return PeriodExtension(max(lost, timedelta(0)), SUSPENSION_CLAUSES[cause])


# --- Invoice amounts -------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxAmount:
    name: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceAmounts:
    subtotal: Decimal
    taxes: tuple[TaxAmount, ...]
    total: Decimal


def invoice_amounts(*, net: Decimal, currency: str, taxes: list[TaxLine]) -> InvoiceAmounts:
    """The tax lines of the issuing entity on the price excluding tax, each rounded half up
    to the currency's minor units; the total is their sum with the net."""
    unit = minor_unit(currency)
    lines = tuple(
        TaxAmount(t.name, t.rate, (net * t.rate).quantize(unit, rounding=ROUND_HALF_UP))
        for t in taxes
    )
    return InvoiceAmounts(net, lines, net + sum((t.amount for t in lines), Decimal(0)))
