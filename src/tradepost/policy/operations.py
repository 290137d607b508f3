"""`operations.toml`: maintenance windows and incidents (clause 9.1), read-only mode, the
status page, service lost to the platform (clauses 2.4, 9.1) and the liability cap (clause
8.8), validated at load."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tradepost.policy import (
    POLICY_DIR,
    PolicyError,
    _Strict,
    load_contracting_policy,
    load_toml,
)

CAUSES = (
    "maintenance",
    "telecommunications_failure",
    "force_majeure",
    "cyber_attack",
    "third_party",
)
LossPart = Literal["whole", "overrun", "none"]
_CURRENCY = r"^[A-Z]{3}$"
_PATH = r"^/"


class BannerPolicy(_Strict):
    lead_hours: int = Field(default=48, ge=0, le=24 * 60)


class ReadOnlyPolicy(_Strict):
    retry_after_seconds: int = Field(default=300, ge=1, le=24 * 3600)
    cache_seconds: int = Field(default=15, ge=0, le=600)
    writable_paths: list[Annotated[str, Field(pattern=_PATH)]] = []
    staff_writable_paths: list[Annotated[str, Field(pattern=_PATH)]] = []


class StatusPolicy(_Strict):
    history_days: int = Field(default=7, ge=0, le=365)


class ServiceLossPolicy(_Strict):
    """Clauses 2.4 and 9.1: what part of a window, by cause, counts as time lost."""

    maintenance: LossPart = "overrun"
    telecommunications_failure: LossPart = "whole"
    force_majeure: LossPart = "whole"
    cyber_attack: LossPart = "whole"
    third_party: LossPart = "whole"

    def part(self, cause: str) -> LossPart:
        value: LossPart = getattr(self, cause, "none")
        return value


class GoverningLaw(_Strict):
    key: str = ""
    governing_law: str = Field(min_length=1)
    currency: Annotated[str, Field(pattern=_CURRENCY)]
    statutory_amount: Decimal = Field(ge=0)
    claim_window_days: int = Field(default=365, ge=365, le=365 * 30)


class LiabilityPolicy(_Strict):
    """Clause 8.8: the statutory amount and claim window per governing law, and the rates
    (`"FROM/TO" = rate`) that convert fees paid in other currencies."""

    clause: str = "8.8"
    laws: dict[str, GoverningLaw] = Field(min_length=1)
    rates: dict[Annotated[str, Field(pattern=r"^[A-Z]{3}/[A-Z]{3}$")], Decimal] = {}

    @field_validator("rates")
    @classmethod
    def _positive_rates(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        for pair, rate in rates.items():
            if rate <= 0:
                raise ValueError(f"rate {pair!r} must be positive")
        return rates

    @model_validator(mode="after")
    def _one_law_per_text(self) -> LiabilityPolicy:
        texts = [law.governing_law for law in self.laws.values()]
        if len(texts) != len(set(texts)):
            raise ValueError("two laws name the same governing_law text")
        return self

    def for_governing_law(self, text: str) -> GoverningLaw:
        for key, law in self.laws.items():
            if law.governing_law == text:
                return law.model_copy(update={"key": key})
        raise KeyError(text)

    def rate(self, from_currency: str, to_currency: str) -> Decimal | None:
        if from_currency == to_currency:
            return Decimal(1)
        return self.rates.get(f"{from_currency}/{to_currency}")


class OperationsPolicy(_Strict):
    banner: BannerPolicy = BannerPolicy()
    read_only: ReadOnlyPolicy = ReadOnlyPolicy()
    status: StatusPolicy = StatusPolicy()
    service_loss: ServiceLossPolicy = ServiceLossPolicy()
    liability: LiabilityPolicy


def parse_operations_policy(data: dict) -> OperationsPolicy:
    """Validate the file, and that every contracting entity's governing law has an entry."""
    try:
        policy = OperationsPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"operations.toml: {exc}") from exc
    for key, entity in load_contracting_policy().entities.items():
        try:
            policy.liability.for_governing_law(entity.governing_law)
        except KeyError:
            raise PolicyError(
                f"operations.toml: no [liability.laws] entry for the governing law of entity "
                f"{key!r} ({entity.governing_law!r})"
            ) from None
    return policy


@cache
def load_operations_policy() -> OperationsPolicy:
    return parse_operations_policy(load_toml(POLICY_DIR / "operations.toml"))
