"""The trade policy (`trade.toml`): one table per area, validated at load."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml

PaymentMethod = Literal["test_card", "test_transfer"]


class SimulatedScenario(_Strict):
    """A scripted outcome of the SIMULATED test provider (no real money): a charge or refund
    of exactly `amount` (any currency), with `method` when given, fails with `failure_code`."""

    id: str
    amount: Decimal
    operation: Literal["charge", "refund"] = "charge"
    method: PaymentMethod | None = None
    failure_code: str
    message: str


class PaymentsPolicy(_Strict):
    # The IETF draft leaves retention to the server; issue 11 asks for at least 24 hours.
    idempotency_retention_hours: int = Field(default=24, ge=24)
    # A claim still "running" after this long belongs to a request that died: a retry may
    # take it over instead of waiting for the purge.
    idempotency_lease_seconds: int = Field(default=60, ge=5, le=3600)
    simulated_scenarios: list[SimulatedScenario] = []

    @model_validator(mode="after")
    def _unique_scenarios(self) -> PaymentsPolicy:
        ids = [s.id for s in self.simulated_scenarios]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate simulated scenario id")
        return self


class TradePolicy(_Strict):
    payments: PaymentsPolicy = PaymentsPolicy()


def parse_trade_policy(data: dict) -> TradePolicy:
    try:
        return TradePolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"trade.toml: {exc}") from exc


@cache
def load_trade_policy() -> TradePolicy:
    return parse_trade_policy(load_toml(POLICY_DIR / "trade.toml"))
