"""The verification policy (`verification.toml`), validated at load. Clause 7.2."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import Field, StrictBool, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml

_KEY = r"^[a-z][a-z0-9_]{0,39}$"
_SOURCE = (
    r"^(claim|member\.(company_name|registration_number|address|country)"
    r"|profile\.year_established)$"
)
Key = Annotated[str, Field(pattern=_KEY)]


class VerifiableField(_Strict):
    label: str = Field(min_length=1, max_length=120)
    source: str = Field(pattern=_SOURCE)
    default: StrictBool = False

    @property
    def claimed_by_supplier(self) -> bool:
        return self.source == "claim"


class DocumentKind(_Strict):
    label: str = Field(min_length=1, max_length=120)
    required: StrictBool = False


class VerificationPolicy(_Strict):
    clause: str = "7.2"
    validity_days: int = Field(default=365, ge=1, le=3650)
    eligible_tiers: list[str] = []
    max_documents: int = Field(default=6, ge=1, le=20)
    fields: dict[Key, VerifiableField] = Field(min_length=1)
    documents: dict[Key, DocumentKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _defaults_exist(self) -> VerificationPolicy:
        if not any(f.default for f in self.fields.values()):
            raise ValueError("at least one field must be asked for by default")
        if len(self.eligible_tiers) != len(set(self.eligible_tiers)):
            raise ValueError("duplicate tier in eligible_tiers")
        return self

    def default_fields(self) -> list[str]:
        return [key for key, spec in self.fields.items() if spec.default]

    def required_documents(self) -> list[str]:
        return [key for key, kind in self.documents.items() if kind.required]

    def tier_eligible(self, tier: str, *, default_tier: str) -> bool:
        """Clause 7.2: verification is for paying members: a listed tier, or, with no list,
        any tier but the default (free) one."""
        if self.eligible_tiers:
            return tier in self.eligible_tiers
        return tier != default_tier


def parse_verification_policy(data: dict, *, tiers: set[str] | None = None) -> VerificationPolicy:
    try:
        policy = VerificationPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"verification.toml: {exc}") from exc
    unknown = sorted(set(policy.eligible_tiers) - tiers) if tiers is not None else []
    if unknown:
        raise PolicyError(f"verification.toml: eligible_tiers names unknown tiers {unknown}")
    return policy


@cache
def load_verification_policy() -> VerificationPolicy:
    tiers = set(load_toml(POLICY_DIR / "membership_tiers.toml").get("tiers", {}))
    return parse_verification_policy(load_toml(POLICY_DIR / "verification.toml"), tiers=tiers)
