"""Pure rules of clause 8.8: the cap and the claim window."""

from datetime import date
from decimal import Decimal

import pytest

from tradepost.billing.rules.liability import claim_within_window, liability_cap


@pytest.mark.parametrize(
    ("fees", "statutory", "cap", "basis"),
    [
        ("0", "100", "100", "statutory"),
        ("250.50", "100", "250.50", "fees"),
        ("100", "100", "100", "fees"),
    ],
)
def test_cap_is_the_greater_of_fees_and_the_statutory_amount(fees, statutory, cap, basis):
    decision = liability_cap(fees_paid=Decimal(fees), statutory_amount=Decimal(statutory))

    assert (decision.cap, decision.basis, decision.clause) == (Decimal(cap), basis, "8.8")


@pytest.mark.parametrize(
    ("cause", "claim", "days", "within", "last_day"),
    [
        (date(2025, 3, 10), date(2026, 3, 10), 365, True, date(2026, 3, 10)),
        (date(2025, 3, 10), date(2026, 3, 11), 365, False, date(2026, 3, 10)),
        (date(2024, 2, 29), date(2025, 3, 1), 365, True, date(2025, 3, 1)),
        (date(2025, 3, 10), date(2027, 3, 1), 1095, True, date(2028, 3, 9)),
        (date(2025, 3, 10), date(2025, 3, 9), 365, False, date(2026, 3, 10)),
    ],
)
def test_claim_window(cause, claim, days, within, last_day):
    result = claim_within_window(cause_date=cause, claim_date=claim, window_days=days)

    assert (result.within, result.last_day) == (within, last_day)
