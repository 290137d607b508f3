"""Pure decisions on verification (clause 7.2), from plain data: who may ask, and whether a
verification counts as current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tradepost.policy.verification import VerificationPolicy


@dataclass(frozen=True)
class Eligibility:
    """Whether a supplier may ask for verification now; `code` is the error code when not."""

    allowed: bool
    code: str
    rule: str
    message: str
    clause: str = "7.2"


def verification_eligibility(
    *,
    is_supplier: bool,
    member_active: bool,
    tier: str,
    default_tier: str,
    has_open_request: bool,
    policy: VerificationPolicy,
) -> Eligibility:
    """Clause 7.2: the platform verifies paying suppliers. One open request at a time."""
    if not is_supplier:
        return Eligibility(
            False,
            "not_a_supplier",
            "verification.supplier_only",
            "Only members with the supplier role can ask for verification.",
        )
    if not member_active:
        return Eligibility(
            False,
            "account_not_active",
            "verification.active_only",
            "Your account is not active: you cannot ask for verification.",
        )
    if not policy.tier_eligible(tier, default_tier=default_tier):
        return Eligibility(
            False,
            "verification_not_eligible",
            "verification.paying_only",
            "Verification is for paying suppliers: upgrade your membership first.",
        )
    if has_open_request:
        return Eligibility(
            False,
            "verification_pending",
            "verification.one_open",
            "You already have a verification request in progress.",
        )
    return Eligibility(True, "", "verification.eligible", "")


def verification_current(*, status: str, expires_at: datetime | None, now: datetime) -> bool:
    """A verification counts (the badge shows) only while verified and not past its expiry,
    even before the expiry task has run."""
    return status == "verified" and expires_at is not None and now < expires_at
