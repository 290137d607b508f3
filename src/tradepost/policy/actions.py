"""Clause 6.2: the disciplinary actions policy (`actions.toml`), validated at load.

What each kind of action restricts, which need four eyes, the clauses an action may cite (and
which of them each kind may rely on, `kind_clauses`) and the statement of reasons (DSA Art. 17)
each kind carries, as DSA Transparency Database values.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from tradepost.policy import COUNTRY_CODES, POLICY_DIR, PolicyError, _Strict, load_toml

Feature = Literal["new_listings", "messaging", "orders", "search_visibility", "promotions"]
Kind = Literal[
    "warn",
    "restrict",
    "suspend",
    "terminate",
    "remove_listings",
    "cap_listings",
    "restrict_feature",
    "other",
]
KINDS: tuple[Kind, ...] = (
    "warn",
    "restrict",
    "suspend",
    "terminate",
    "remove_listings",
    "cap_listings",
    "restrict_feature",
    "other",
)

# DSA Transparency Database statement-of-reasons API constants.
Visibility = Literal[
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_OTHER",
]
Provision = Literal[
    "",
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
]
AccountDecision = Literal["", "DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"]
Monetary = Literal[
    "",
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
]
Category = Literal[
    "STATEMENT_CATEGORY_PIRACY",
    "STATEMENT_CATEGORY_DISCRIMINATION",
    "STATEMENT_CATEGORY_COUNTERFEIT",
    "STATEMENT_CATEGORY_FRAUD",
    "STATEMENT_CATEGORY_TERRORISM",
    "STATEMENT_CATEGORY_CHILD_SAFETY",
    "STATEMENT_CATEGORY_NON_CONSENT",
    "STATEMENT_CATEGORY_MISINFORMATION",
    "STATEMENT_CATEGORY_VIOLATION_TOS",
    "STATEMENT_CATEGORY_UNCATEGORISED",
]


class KindPolicy(_Strict):
    label: str
    clause: str
    features: list[Feature] = []
    decision_visibility: list[Visibility] = []
    decision_provision: Provision = ""
    decision_account: AccountDecision = ""
    decision_monetary: Monetary = ""
    four_eyes: bool = False
    four_eyes_with_related: bool = False


class AppealsPolicy(_Strict):
    """DSA Art. 20: the evidence files a member may give with one appeal."""

    evidence_max_files: int = Field(default=5, ge=1, le=50)
    evidence_max_mb: int = Field(default=10, ge=1, le=100)


class ActionsPolicy(_Strict):
    clauses: list[str] = Field(min_length=1)
    territorial_scope: list[str] = Field(min_length=1)
    redress: str
    kinds: dict[Kind, KindPolicy]
    kind_clauses: dict[Kind, list[str]]
    feature_visibility: dict[Feature, list[Visibility]] = {}
    default_category: Category = "STATEMENT_CATEGORY_VIOLATION_TOS"
    clause_categories: dict[str, Category] = {}
    appeals: AppealsPolicy = AppealsPolicy()

    @model_validator(mode="after")
    def _complete(self) -> ActionsPolicy:
        missing = sorted(set(KINDS) - set(self.kinds))
        if missing:
            raise ValueError(f"kinds {missing} have no entry")
        unknown = sorted(set(self.territorial_scope) - COUNTRY_CODES)
        if unknown:
            raise ValueError(f"territorial_scope has unknown country codes {unknown}")
        for name, kind in self.kinds.items():
            if kind.clause not in self.clauses:
                raise ValueError(f"kind {name!r} cites {kind.clause!r}, not in clauses")
        missing = sorted(set(KINDS) - set(self.kind_clauses))
        if missing:
            raise ValueError(f"kind_clauses has no entry for {missing}")
        for name, allowed in self.kind_clauses.items():
            if not allowed:
                raise ValueError(f"kind_clauses.{name} allows no clause")
            unknown = [c for c in allowed if c not in self.clauses]
            if unknown:
                raise ValueError(f"kind_clauses.{name} names {unknown}, not in clauses")
            if self.kinds[name].clause not in allowed:
                raise ValueError(
                    f"kind_clauses.{name} leaves out the kind's own clause "
                    f"{self.kinds[name].clause!r}"
                )
        return self

    def category_for(self, clause: str) -> str:
        return self.clause_categories.get(clause, self.default_category)


def parse_actions_policy(data: dict) -> ActionsPolicy:
    try:
        return ActionsPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"actions.toml: {exc}") from exc


@cache
def load_actions_policy() -> ActionsPolicy:
    return parse_actions_policy(load_toml(POLICY_DIR / "actions.toml"))
