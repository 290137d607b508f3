"""Related accounts policy (clauses 4.1, 4.5, 6.2 (i)): policy/related_accounts.toml."""

from __future__ import annotations

from functools import cache

from pydantic import Field, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml

# The signal kinds (trust.models.links.SignalKind); the policy must weigh each one.
SIGNAL_KINDS = (
    "email",
    "phone",
    "registration_no",
    "device",
    "ip",
    "ip_prefix",
    "instrument",
    "shipping_address",
    "second_account",
)


class KindRule(_Strict):
    weight: float = Field(ge=0, le=100)
    links_alone: bool
    label: str = Field(min_length=1, max_length=80)


class SharingRule(_Strict):
    """Clause 4.5: how many devices, networks or countries one account may use in a window."""

    window_hours: int = Field(ge=1, le=24 * 90)
    max_devices: int = Field(ge=1)
    max_networks: int = Field(ge=1)
    max_countries: int = Field(ge=1)


class RelatedAccountsPolicy(_Strict):
    threshold: float = Field(gt=0)
    value_member_cap: int = Field(ge=2, le=100_000)
    kinds: dict[str, KindRule]
    sharing: SharingRule

    @model_validator(mode="after")
    def _every_kind(self) -> RelatedAccountsPolicy:
        unknown = sorted(set(self.kinds) - set(SIGNAL_KINDS))
        missing = sorted(set(SIGNAL_KINDS) - set(self.kinds))
        if unknown:
            raise ValueError(f"unknown signal kinds {unknown}")
        if missing:
            raise ValueError(f"signal kinds {missing} have no entry")
        return self

    def strong_kinds(self) -> frozenset[str]:
        return frozenset(k for k, rule in self.kinds.items() if rule.links_alone)


def parse_related_accounts_policy(data: dict) -> RelatedAccountsPolicy:
    try:
        return RelatedAccountsPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"related_accounts.toml: {exc}") from exc


@cache
def load_related_accounts_policy() -> RelatedAccountsPolicy:
    return parse_related_accounts_policy(load_toml(POLICY_DIR / "related_accounts.toml"))
