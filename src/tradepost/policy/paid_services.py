"""The Services catalogue (`paid_services.toml`, issue 13): services, regions, plans, taxes.

Clause 2.2: paid services; clause 2.3: regional availability; clause 2.4: changes to paid
services. Validated at load against the contracting entities (2.1), the membership tiers and
the service keys of services.toml (Additional Agreements, 1.5).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Literal

import pycountry
from babel.numbers import get_currency_precision
from pydantic import Field, model_validator

from tradepost.policy import (
    COUNTRY_CODES,
    POLICY_DIR,
    PolicyError,
    _Strict,
    load_contracting_policy,
    load_toml,
)

ServiceKind = Literal["membership", "verification", "promotion", "transaction"]
ServiceState = Literal["launched", "changed", "suspended", "withdrawn"]
# Still sold to new subscribers and renewed (2.3); suspended and withdrawn are not.
SELLING_STATES: frozenset[str] = frozenset({"launched", "changed"})


def _currency_check(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"currency {code!r} is not an ISO 4217 code")
    return code


class Plan(_Strict):
    """A price for one period of a service in one currency (excluding tax)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    currency: str
    months: int = Field(ge=1, le=36)
    price: Decimal = Field(gt=0)

    @model_validator(mode="after")
    def _money(self) -> Plan:
        _currency_check(self.currency)
        unit = Decimal(1).scaleb(-get_currency_precision(self.currency))
        if self.price != self.price.quantize(unit):
            raise ValueError(f"plan {self.id!r}: price is not in {self.currency}'s minor units")
        return self


class Regions(_Strict):
    """Clause 2.3: where a service is offered. Empty `entities` and `countries`: everywhere."""

    entities: list[str] = []
    countries: list[str] = []
    exclude_countries: list[str] = []

    @model_validator(mode="after")
    def _codes(self) -> Regions:
        unknown = sorted(set(self.countries + self.exclude_countries) - COUNTRY_CODES)
        if unknown:
            raise ValueError(f"unknown country codes {unknown}")
        return self


class PaidService(_Strict):
    key: str = ""
    name: str
    kind: ServiceKind
    state: ServiceState = "launched"
    description: str = ""
    tier: str | None = None
    badge: str = ""
    search_boost: Decimal = Field(default=Decimal(1), ge=1, le=10)
    agreement: str | None = None
    regions: Regions = Regions()
    plans: list[Plan] = []

    @model_validator(mode="after")
    def _membership_has_tier(self) -> PaidService:
        if self.kind == "membership" and not self.tier:
            raise ValueError(f"membership service {self.name!r} names no tier")
        if self.kind != "membership" and self.tier:
            raise ValueError(f"only a membership service names a tier ({self.name!r})")
        return self

    @property
    def is_paid(self) -> bool:
        return bool(self.plans)

    def benefits(self) -> dict[str, str]:
        """What a subscriber gets, as the subscription keeps it (clause 2.4)."""
        return {
            "tier": self.tier or "",
            "badge": self.badge,
            "search_boost": str(self.search_boost),
        }


class TaxLine(_Strict):
    name: str = Field(min_length=1, max_length=40)
    rate: Decimal = Field(ge=0, lt=1)


class PaidServicesPolicy(_Strict):
    services: dict[str, PaidService] = Field(min_length=1)
    taxes: dict[str, list[TaxLine]] = {}

    @model_validator(mode="after")
    def _references_resolve(self) -> PaidServicesPolicy:
        entities = set(load_contracting_policy().entities)
        tiers = set(load_toml(POLICY_DIR / "membership_tiers.toml").get("tiers", {}))
        agreements = set(load_toml(POLICY_DIR / "services.toml").get("services", {}))
        plan_ids: set[str] = set()
        for key, service in self.services.items():
            unknown = sorted(set(service.regions.entities) - entities)
            if unknown:
                raise ValueError(f"service {key!r} names unknown contracting entities {unknown}")
            if service.tier and service.tier not in tiers:
                raise ValueError(f"service {key!r} names unknown tier {service.tier!r}")
            if service.agreement and service.agreement not in agreements:
                raise ValueError(
                    f"service {key!r}: agreement {service.agreement!r} is not in services.toml"
                )
            for plan in service.plans:
                if plan.id in plan_ids:
                    raise ValueError(f"duplicate plan id {plan.id!r}")
                plan_ids.add(plan.id)
        unknown = sorted(set(self.taxes) - entities)
        if unknown:
            raise ValueError(f"taxes name unknown contracting entities {unknown}")
        return self

    def service(self, key: str) -> PaidService:
        return self.services[key].model_copy(update={"key": key})

    def all(self) -> list[PaidService]:
        return [self.service(key) for key in self.services]

    def plan(self, plan_id: str) -> tuple[PaidService, Plan] | None:
        for service in self.all():
            for plan in service.plans:
                if plan.id == plan_id:
                    return service, plan
        return None

    def membership_for_tier(self, tier: str) -> PaidService | None:
        for service in self.all():
            if service.kind == "membership" and service.tier == tier:
                return service
        return None


def parse_paid_services_policy(data: dict) -> PaidServicesPolicy:
    try:
        return PaidServicesPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"paid_services.toml: {exc}") from exc


@cache
def load_paid_services_policy() -> PaidServicesPolicy:
    return parse_paid_services_policy(load_toml(POLICY_DIR / "paid_services.toml"))
