"""Operator-tunable rules as validated data files (TOML checked by pydantic models at load)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, model_validator

POLICY_DIR = Path(__file__).resolve().parent

Site = Literal["alibaba", "aliexpress"]
SITES: tuple[Site, ...] = ("alibaba", "aliexpress")
COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)


class PolicyError(Exception):
    """A policy file is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContractingEntity(_Strict):
    key: str = ""
    name: str
    registration_number: str = ""
    governing_law: str
    courts: str
    notice_address: str


class Condition(_Strict):
    field: Literal["country", "access_country"]
    in_: str | None = Field(default=None, alias="in")
    not_in: str | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("a condition needs exactly one of 'in' or 'not_in'")
        return self


class EntityRule(_Strict):
    id: str
    clause: str
    entity: str
    sites: list[Site] = list(SITES)
    any: list[Condition] = Field(min_length=1)


class ContractingPolicy(_Strict):
    sets: dict[str, frozenset[str]]
    entities: dict[str, ContractingEntity]
    rules: list[EntityRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self) -> ContractingPolicy:
        for name, codes in self.sets.items():
            unknown = sorted(codes - COUNTRY_CODES)
            if unknown:
                raise ValueError(f"set {name!r} has unknown country codes {unknown}")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
            if rule.entity not in self.entities:
                raise ValueError(f"rule {rule.id!r} names unknown entity {rule.entity!r}")
            for cond in rule.any:
                set_name = cond.in_ or cond.not_in
                if set_name not in self.sets:
                    raise ValueError(f"rule {rule.id!r} names unknown set {set_name!r}")
        return self

    def entity(self, key: str) -> ContractingEntity:
        return self.entities[key].model_copy(update={"key": key})


def load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path.name}: {exc}") from exc


def parse_contracting_policy(data: dict) -> ContractingPolicy:
    try:
        return ContractingPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"contracting_entities.toml: {exc}") from exc


@cache
def load_contracting_policy() -> ContractingPolicy:
    return parse_contracting_policy(load_toml(POLICY_DIR / "contracting_entities.toml"))


class SiteFamily(_Strict):
    key: str = ""
    name: str
    brand: str = ""


class SitePolicy(_Strict):
    """Clause 2.1: the site families by name, and the host names that serve each one."""

    default_brand: str = "Tradepost"
    sites: dict[Site, SiteFamily]
    hosts: dict[str, Site] = {}

    @model_validator(mode="after")
    def _hosts_are_plain_names(self) -> SitePolicy:
        missing = sorted(set(SITES) - set(self.sites))
        if missing:
            raise ValueError(f"sites {missing} have no entry")
        for host in self.hosts:
            if host != host.strip().lower() or not host or ":" in host or "/" in host:
                raise ValueError(f"host {host!r} must be a lower-case host name without port")
        return self

    def family(self, key: Site) -> SiteFamily:
        family = self.sites[key]
        return family.model_copy(update={"key": key, "brand": family.brand or family.name})

    def for_host(self, host: str) -> SiteFamily | None:
        """The site family a host name serves, or None when the host is not mapped."""
        key = self.hosts.get(host.strip().lower().rstrip("."))
        return self.family(key) if key else None


def parse_site_policy(data: dict) -> SitePolicy:
    try:
        return SitePolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"sites.toml: {exc}") from exc


@cache
def load_site_policy() -> SitePolicy:
    return parse_site_policy(load_toml(POLICY_DIR / "sites.toml"))


class StaffRole(_Strict):
    description: str
    permissions: list[str]


class StaffRolesPolicy(_Strict):
    roles: dict[str, StaffRole] = Field(min_length=1)


@cache
def load_staff_roles() -> StaffRolesPolicy:
    try:
        return StaffRolesPolicy.model_validate(load_toml(POLICY_DIR / "staff_roles.toml"))
    except ValueError as exc:
        raise PolicyError(f"staff_roles.toml: {exc}") from exc
