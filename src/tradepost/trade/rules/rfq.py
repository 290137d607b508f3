"""Pure RFQ and quotation rules (issue 11): the state tables, who may quote, the monthly
quote quota and the shape of a quotation's price tiers. Each decision names its rule."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

from tradepost.catalog.rules import INCOTERMS_2020, QTY_MAX, parse_price
from tradepost.money import decimal_str

INCOTERMS = tuple(INCOTERMS_2020)
PRICE_TIERS_MAX = 10
LEAD_TIME_MAX_DAYS = 730
TERMS_MAX = 10_000
QUOTE_QUOTA_RULE = "membership_tiers.quote_quota_month"

# --- The state tables --------------------------------------------------------------------

# (state, event) -> next state. Nothing else moves an RFQ or a quotation.
RFQ_TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "award"): "awarded",
    ("open", "expire"): "closed",
}
QUOTATION_TRANSITIONS: dict[tuple[str, str], str] = {
    ("submitted", "edit"): "submitted",
    ("submitted", "accept"): "accepted",
    ("submitted", "pass_over"): "not_chosen",
}
QUOTATION_EDITS_ALLOWED = 1


def rfq_next(state: str, event: str) -> str | None:
    """The RFQ's state after `event`, or None when the table has no such edge."""
    return RFQ_TRANSITIONS.get((state, event))


def quotation_next(state: str, event: str) -> str | None:
    return QUOTATION_TRANSITIONS.get((state, event))


def rfq_expired(*, deadline: datetime, now: datetime) -> bool:
    """An RFQ takes quotations until its deadline, not at it."""
    return deadline <= now


# --- Who may quote -----------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteEligibility:
    allowed: bool
    rule: str = ""
    message: str = ""


def quote_eligibility(
    *, supplier_pk: int, buyer_pk: int, supplier_cluster_pks: Collection[int]
) -> QuoteEligibility:
    """A supplier may not quote its own RFQ, nor one of a buyer in its related-account
    cluster: such a quotation is no market answer and would let one business set the price
    it is "offered". No clause of the Terms states this rule (3.6 speaks of the feedback
    system, 6.2 (i) of actions on related accounts), so it cites none: it is a platform rule,
    named by its rule id."""
    if supplier_pk == buyer_pk:
        return QuoteEligibility(
            False, "rfq.quote.own_rfq", "You cannot send a quotation to your own RFQ."
        )
    if buyer_pk in supplier_cluster_pks:
        return QuoteEligibility(
            False,
            "rfq.quote.related_account",
            "You cannot send a quotation to an RFQ of a related account.",
        )
    return QuoteEligibility(True)


# --- The monthly quote quota -------------------------------------------------------------


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s calendar month in UTC."""
    now = now.astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(now: datetime) -> datetime:
    start = month_start(now)
    return (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )


@dataclass(frozen=True)
class QuotaDecision:
    allowed: bool
    quota: int | None
    used: int
    resets_at: datetime
    rule: str = QUOTE_QUOTA_RULE

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.used, 0)


def quote_quota(*, quota: int | None, used: int, now: datetime) -> QuotaDecision:
    """The membership tier's `quote_quota_month` (None: unlimited) against the quotations sent
    this calendar month; the count starts again on the 1st at 00:00 UTC."""
    allowed = quota is None or used < quota
    return QuotaDecision(allowed, quota, used, next_month_start(now))


# --- Input shapes ------------------------------------------------------------------------


def price_tiers_check(raw: Any, errors: dict[str, list[str]]) -> list[dict[str, str | int]]:
    """Optional quantity tiers of a quotation: ascending `min_quantity`, positive prices with
    at most 4 decimals that do not rise with quantity. Stored as decimal strings."""
    name = "price_tiers"
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.setdefault(name, []).append("Give a list of {min_quantity, unit_price}.")
        return []
    if len(raw) > PRICE_TIERS_MAX:
        errors.setdefault(name, []).append(f"At most {PRICE_TIERS_MAX} price tiers.")
        return []
    tiers: list[tuple[int, Decimal]] = []
    for i, item in enumerate(raw):
        field = f"{name}[{i}]"
        if not isinstance(item, dict):
            errors.setdefault(field, []).append("Each tier has min_quantity and unit_price.")
            continue
        qty = item.get("min_quantity")
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= QTY_MAX:
            errors.setdefault(f"{field}.min_quantity", []).append(
                f"A whole number between 1 and {QTY_MAX:,}."
            )
            continue
        price = parse_price(item.get("unit_price"))
        if price is None or price <= 0:
            errors.setdefault(f"{field}.unit_price", []).append(
                'A positive decimal string with at most 4 decimals, e.g. "9.50".'
            )
            continue
        tiers.append((qty, price))
    for (q1, p1), (q2, p2) in pairwise(tiers):
        if q2 <= q1:
            errors.setdefault(name, []).append("Quantities must rise from tier to tier.")
            break
        if p2 > p1:
            errors.setdefault(name, []).append("A larger quantity cannot cost more per unit.")
            break
    return [{"min_quantity": q, "unit_price": decimal_str(p) or "0"} for q, p in tiers]


def quotation_unit_price(
    *, unit_price: Decimal, price_tiers: list[dict[str, Any]], quantity: int
) -> tuple[Decimal, int | None]:
    """The unit price a quotation gives for `quantity`: the tier with the largest
    `min_quantity` not above it, else the quotation's base price. Returns the price and the
    tier's `min_quantity` (None for the base price)."""
    best: tuple[Decimal, int | None] = (unit_price, None)
    for tier in price_tiers:
        min_qty = int(tier["min_quantity"])
        if min_qty <= quantity and (best[1] is None or min_qty > best[1]):
            best = (Decimal(str(tier["unit_price"])), min_qty)
    return best


def valid_until_ok(*, valid_until: date, today: date) -> bool:
    """A quotation is valid at least until today."""
    return valid_until >= today
