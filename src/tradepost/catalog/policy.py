"""The catalog's policy files, validated at load: categories, the Product Listing Policy and
membership tiers (policy/categories.toml, listing_policy.toml, membership_tiers.toml).

Plain data for the pure rules in `rules.py` and `screening.py`. A console-managed version of
the listing policy (`ListingPolicyVersion`) is parsed by the same `parse_listing_policy`.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterator
from functools import cache
from typing import Annotated, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tradepost.policy import COUNTRY_CODES, POLICY_DIR, PolicyError, load_toml

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RULE_ID_PATTERN = r"^[a-z0-9_]+(?:\.[a-z0-9_]+)+$"
SUBDIVISION_CODES = frozenset(s.code for s in pycountry.subdivisions)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Categories ---------------------------------------------------------------------------


class CategoryNode(_Strict):
    slug: str = Field(pattern=SLUG_PATTERN, max_length=80)
    name: str = Field(min_length=1, max_length=120)
    children: list[CategoryNode] = []


class CategoryTree(_Strict):
    categories: list[CategoryNode] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_slugs_and_two_levels(self) -> CategoryTree:
        seen: set[str] = set()
        for node, _parent in self.walk():
            if node.slug in seen:
                raise ValueError(f"duplicate category slug {node.slug!r}")
            seen.add(node.slug)
        if not any(node.children for node in self.categories):
            raise ValueError("the tree needs at least two levels")
        return self

    def walk(self) -> Iterator[tuple[CategoryNode, str | None]]:
        """(node, parent_slug) for every node, parents before children, in file order."""
        stack: list[tuple[CategoryNode, str | None]] = [
            (node, None) for node in reversed(self.categories)
        ]
        while stack:
            node, parent = stack.pop()
            yield node, parent
            stack.extend((child, node.slug) for child in reversed(node.children))

    def slugs(self) -> frozenset[str]:
        return frozenset(node.slug for node, _ in self.walk())


def parse_categories(data: dict) -> CategoryTree:
    try:
        return CategoryTree.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"categories.toml: {exc}") from exc


@cache
def load_categories() -> CategoryTree:
    return parse_categories(load_toml(POLICY_DIR / "categories.toml"))


# --- Membership tiers (clause 6.2 iii) ----------------------------------------------------


class MembershipTier(_Strict):
    name: str
    listing_cap: int | Literal["unlimited"] = Field(
        description="Most published listings a supplier of this tier may display."
    )
    mailbox_quota_mb: int = Field(
        default=100,
        ge=1,
        le=1_000_000,
        description="Clause 4.2: the storage of a member's mailbox (messages and attachments).",
    )
    quote_quota_month: int | Literal["unlimited"] = Field(
        description="Most quotations a supplier of this tier may send to RFQs in a calendar "
        "month (UTC)."
    )

    @model_validator(mode="after")
    def _cap_not_negative(self) -> MembershipTier:
        if isinstance(self.listing_cap, int) and self.listing_cap < 0:
            raise ValueError("listing_cap must be 0 or more, or 'unlimited'")
        if isinstance(self.quote_quota_month, int) and self.quote_quota_month < 0:
            raise ValueError("quote_quota_month must be 0 or more, or 'unlimited'")
        return self

    @property
    def cap(self) -> int | None:
        """None means unlimited."""
        return None if self.listing_cap == "unlimited" else int(self.listing_cap)

    @property
    def quote_quota(self) -> int | None:
        """Quotations per calendar month; None means unlimited."""
        return None if self.quote_quota_month == "unlimited" else int(self.quote_quota_month)


class MembershipTiers(_Strict):
    default_tier: str
    tiers: dict[str, MembershipTier] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_exists(self) -> MembershipTiers:
        if self.default_tier not in self.tiers:
            raise ValueError(f"default_tier {self.default_tier!r} is not a tier")
        return self

    def choices(self) -> list[tuple[str, str]]:
        return [(key, tier.name) for key, tier in self.tiers.items()]


@cache
def load_membership_tiers() -> MembershipTiers:
    try:
        return MembershipTiers.model_validate(load_toml(POLICY_DIR / "membership_tiers.toml"))
    except ValueError as exc:
        raise PolicyError(f"membership_tiers.toml: {exc}") from exc


# --- Product Listing Policy (clauses 5.4, 5.5, 5.6 f, 5.13 c) -----------------------------

Action = Literal["refuse", "review"]
Term = Annotated[str, Field(min_length=1, max_length=100)]


class OffsitePolicy(_Strict):
    """5.5 (g), 5.6 (f): links, e-mail addresses and phone numbers leading off the platform."""

    clause: str
    action: Action = "refuse"
    urls: bool = True
    emails: bool = True
    phones: bool = True
    allowed_domains: list[str] = []


LANGUAGE_CODES = frozenset(
    code for lang in pycountry.languages if (code := getattr(lang, "alpha_2", None))
)


class WordingPolicy(_Strict):
    """5.5 (c), (d): curated abusive words per language (ISO 639-1), matched as whole words
    ignoring case and accents.

    `word_list` and `allow` are what versions before 2026.12 said (better-profanity's list
    with trade words allowed); such a version, still stored in the console, now screens
    with the bundled curated words. A new version gives `words` instead.
    """

    clause: str
    action: Action = "review"
    words: dict[str, list[Term]] = {}
    word_list: Literal["better-profanity", "none"] | None = None
    allow: list[Term] = []

    @model_validator(mode="after")
    def _known_languages(self) -> WordingPolicy:
        unknown = sorted(set(self.words) - LANGUAGE_CODES)
        if unknown:
            raise ValueError(f"wording.words: unknown ISO 639-1 language codes {unknown}")
        return self

    @property
    def legacy(self) -> bool:
        """A document of the better-profanity era (see the class docstring)."""
        return self.word_list is not None or bool(self.allow)


class DestinationSet(_Strict):
    codes: list[str] = Field(min_length=1)
    names: dict[str, list[Term]] = {}

    @model_validator(mode="after")
    def _known_codes(self) -> DestinationSet:
        unknown = sorted(
            code
            for code in {*self.codes, *self.names}
            if code not in COUNTRY_CODES and code not in SUBDIVISION_CODES
        )
        if unknown:
            raise ValueError(f"unknown country or region codes {unknown}")
        stray = sorted(set(self.names) - set(self.codes))
        if stray:
            raise ValueError(f"names given for codes not in the set: {stray}")
        return self


class _Rule(_Strict):
    id: str = Field(pattern=RULE_ID_PATTERN, max_length=80)
    title: str
    clause: str
    action: Action | None = None
    documents: list[str] = []


class TermRule(_Rule):
    """Prohibited items, restricted items and prohibited wording: terms and/or categories."""

    kind: Literal["prohibited", "restricted", "wording"]
    terms: list[Term] = []
    categories: list[str] = []

    @model_validator(mode="after")
    def _has_something_to_match(self) -> TermRule:
        if not self.terms and not self.categories:
            raise ValueError(f"rule {self.id!r} needs terms or categories")
        if self.kind == "restricted" and not self.documents:
            raise ValueError(f"restricted rule {self.id!r} must list the documents required")
        return self

    @property
    def decision(self) -> str:
        return self.action or ("review" if self.kind == "restricted" else "refuse")


class CounterfeitRule(_Rule):
    """5.4 (b), (c): a protected brand within `window` characters of a counterfeit signal.

    With no signals, naming a protected brand alone matches (proof of the right to sell it).
    """

    kind: Literal["counterfeit"]
    brands: str
    signals: list[Term] = []
    window: int = Field(80, ge=1, le=2000)

    @property
    def decision(self) -> str:
        return self.action or "refuse"


class SanctionsRule(_Rule):
    """5.13 (c): goods of these categories ("*" for any) offered to these destinations."""

    kind: Literal["sanctions"]
    categories: list[str] = Field(min_length=1)
    destinations: str

    @property
    def decision(self) -> str:
        return self.action or "review"


Rule = Annotated[TermRule | CounterfeitRule | SanctionsRule, Field(discriminator="kind")]


class ListingPolicy(_Strict):
    version: str = Field(min_length=1, max_length=40)
    title: str = "Product Listing Policy"
    offsite: OffsitePolicy
    wording: WordingPolicy
    brands: dict[str, list[Term]] = {}
    destinations: dict[str, DestinationSet] = {}
    rules: list[Rule] = Field(min_length=1)
    sha256: str = ""

    @model_validator(mode="after")
    def _references_resolve(self) -> ListingPolicy:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
            if isinstance(rule, CounterfeitRule) and rule.brands not in self.brands:
                raise ValueError(f"rule {rule.id!r} names unknown brand list {rule.brands!r}")
            if isinstance(rule, SanctionsRule) and rule.destinations not in self.destinations:
                raise ValueError(
                    f"rule {rule.id!r} names unknown destination set {rule.destinations!r}"
                )
        return self

    def category_slugs(self) -> set[str]:
        slugs: set[str] = set()
        for rule in self.rules:
            if isinstance(rule, TermRule | SanctionsRule):
                slugs.update(slug for slug in rule.categories if slug != "*")
        return slugs


def parse_listing_policy(
    text: str, *, source: str = "listing_policy.toml", known_categories: frozenset[str] | None
) -> ListingPolicy:
    """Parse and validate a listing policy document; the categories it names must exist."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: {exc}") from exc
    data["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    try:
        policy = ListingPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"{source}: {exc}") from exc
    if known_categories is not None:
        unknown = sorted(policy.category_slugs() - known_categories)
        if unknown:
            raise PolicyError(f"{source}: unknown category slugs {unknown}")
    return policy


def bundled_listing_policy_text() -> str:
    return (POLICY_DIR / "listing_policy.toml").read_text(encoding="utf-8")


@cache
def load_bundled_listing_policy() -> ListingPolicy:
    return parse_listing_policy(
        bundled_listing_policy_text(), known_categories=load_categories().slugs()
    )
