"""Pure decisions of clause 8.8: the liability cap and the claim window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

CLAUSE = "8.8"


@dataclass(frozen=True)
class CapDecision:
    """The cap and which limb of 8.8 decided it: "fees" (a) or "statutory" (b)."""

    cap: Decimal
    basis: str
    clause: str = CLAUSE


def liability_cap(*, fees_paid: Decimal, statutory_amount: Decimal) -> CapDecision:
    """Clause 8.8: the aggregate liability for a calendar year is limited to the greater of
    (a) the fees the member paid in that year and (b) the maximum amount the applicable law
    permits. A tie is (a)."""
    if fees_paid >= statutory_amount:
        return CapDecision(cap=fees_paid, basis="fees")
    return CapDecision(cap=statutory_amount, basis="statutory")


@dataclass(frozen=True)
class ClaimWindow:
    within: bool
    last_day: date
    clause: str = CLAUSE


def claim_within_window(*, cause_date: date, claim_date: date, window_days: int) -> ClaimWindow:
    """Clause 8.8: a claim must be filed within one (1) year from the date the cause of action
    arose, or a longer period the governing law prescribes (`window_days`, at least 365). One
    year is a calendar year: from 10 March a claim may be filed up to 10 March next year."""
    try:
        year_later = cause_date.replace(year=cause_date.year + 1)
    except ValueError:  # 29 February: the anniversary is 1 March
        year_later = cause_date.replace(year=cause_date.year + 1, month=3, day=1)
    longer = cause_date + timedelta(days=window_days)
    last_day = longer if window_days > 365 and longer > year_later else year_later
    return ClaimWindow(within=cause_date <= claim_date <= last_day, last_day=last_day)
