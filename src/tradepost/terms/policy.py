"""The Services a member can use, by key (policy/services.toml), validated at load.

Additional Agreements (clause 1.5) name the service they govern by these keys, and so do
the acceptance gates (`services.agreement_guard`).
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, load_toml

SERVICE_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Strict):
    title: str = Field(min_length=1, max_length=120)
    description: str = ""


class ServicesPolicy(_Strict):
    services: dict[str, Service] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys_are_identifiers(self) -> ServicesPolicy:
        bad = sorted(k for k in self.services if not re.match(SERVICE_KEY_PATTERN, k))
        if bad:
            raise ValueError(f"service keys must match {SERVICE_KEY_PATTERN}: {bad}")
        return self


def parse_services_policy(data: dict) -> ServicesPolicy:
    try:
        return ServicesPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"services.toml: {exc}") from exc


@cache
def load_services_policy() -> ServicesPolicy:
    return parse_services_policy(load_toml(POLICY_DIR / "services.toml"))


def service_choices() -> list[tuple[str, str]]:
    return [(key, s.title) for key, s in load_services_policy().services.items()]
