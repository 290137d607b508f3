"""The payment provider interface (issue 11): what the order services need from a provider.

A provider charges the buyer into the platform's escrow and refunds from it; the ledger, not
the provider, is the record of what the platform holds. Providers return a result rather than
raising, so the service decides what a failure means for the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class ProviderResult:
    ok: bool
    reference: str = ""
    failure_code: str = ""
    message: str = ""
    scenario: str = ""


class PaymentProvider(Protocol):
    name: str
    simulated: bool

    def charge(
        self, *, amount: Decimal, currency: str, method: str, reference: str
    ) -> ProviderResult: ...

    def refund(
        self, *, amount: Decimal, currency: str, charge_reference: str, reference: str
    ) -> ProviderResult: ...
