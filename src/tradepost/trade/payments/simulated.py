"""The SIMULATED test provider: no real money moves anywhere (issue 11).

It is the embedded default for development, tests and demos, and is labelled as simulated in
the API (`"provider": "simulated"`), the pages and the docs. Every charge and refund succeeds
except the scripted failures of `policy/trade.toml` [[payments.simulated_scenarios]]: an exact
amount (and method, for charges) fails with the scenario's code, so a declined card or a
rejected transfer can be shown on purpose.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from tradepost.policy.trade import PaymentsPolicy, load_trade_policy
from tradepost.trade.payments.base import ProviderResult


class SimulatedProvider:
    """SIMULATED: a stand-in for a bank and a card network; never contacts anyone."""

    name = "simulated"
    simulated = True

    def __init__(self, policy: PaymentsPolicy | None = None) -> None:
        self.policy = policy or load_trade_policy().payments

    def _scripted(self, *, operation: str, amount: Decimal, method: str | None) -> ProviderResult:
        for scenario in self.policy.simulated_scenarios:
            if scenario.operation != operation or scenario.amount != amount:
                continue
            if scenario.method is not None and scenario.method != method:
                continue
            return ProviderResult(
                ok=False,
                failure_code=scenario.failure_code,
                message=scenario.message,
                scenario=scenario.id,
            )
        return ProviderResult(ok=True)

    @staticmethod
    def _reference(prefix: str, reference: str) -> str:
        digest = hashlib.sha256(reference.encode()).hexdigest()[:16]
        return f"sim_{prefix}_{digest}"

    def charge(
        self, *, amount: Decimal, currency: str, method: str, reference: str
    ) -> ProviderResult:
        result = self._scripted(operation="charge", amount=amount, method=method)
        if not result.ok:
            return result
        return ProviderResult(ok=True, reference=self._reference("ch", reference))

    def refund(
        self, *, amount: Decimal, currency: str, charge_reference: str, reference: str
    ) -> ProviderResult:
        result = self._scripted(operation="refund", amount=amount, method=None)
        if not result.ok:
            return result
        return ProviderResult(ok=True, reference=self._reference("re", reference))
