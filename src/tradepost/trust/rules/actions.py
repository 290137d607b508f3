"""Clause 6.2: pure decisions about disciplinary actions (no database, no clock of their own).

Each decision returns what was decided and the rule (or clause) that decided it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tradepost.policy.actions import ActionsPolicy

# The DSA Transparency Database's values (statement-of-reasons API).
DECISION_GROUND_INCOMPATIBLE_CONTENT = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
SOURCE_ARTICLE_16 = "SOURCE_ARTICLE_16"
SOURCE_TRUSTED_FLAGGER = "SOURCE_TRUSTED_FLAGGER"
SOURCE_VOLUNTARY = "SOURCE_VOLUNTARY"

ACCOUNT_KINDS = frozenset({"suspend", "terminate"})
FEATURE_LABELS = {
    "new_listings": "posting listings",
    "messaging": "messaging",
    "orders": "orders",
    "search_visibility": "visibility in search",
    "promotions": "promotions",
}


@dataclass(frozen=True)
class ClauseFit:
    allowed: bool
    allowed_clauses: tuple[str, ...]
    rule: str


def clause_applicable(*, kind: str, clause: str, policy: ActionsPolicy) -> ClauseFit:
    """Clause 6.2: an action relies on a clause that grants that measure (`kind_clauses` in
    actions.toml): a warning cites 6.2 (v), a listing cap 6.2 (iii), an account suspension
    6.2 (i) or a clause naming suspension (4.5, 5.9, 7.5, 6.3 a-d, 6.5, ...)."""
    allowed = tuple(policy.kind_clauses.get(kind, ()))  # type: ignore[call-overload]
    return ClauseFit(clause in allowed, allowed, f"kind_clauses.{kind}")


def clause_for(*, kind: str, preferred: Iterable[str], policy: ActionsPolicy) -> ClauseFit:
    """The clause an action of `kind` relies on: the first of `preferred` that grants it (a
    prescribed action's own clause, then its threshold's), else the kind's own limb of 6.2
    (`kinds.<kind>.clause`). `allowed_clauses` holds the one clause chosen."""
    for clause in preferred:
        if clause and clause_applicable(kind=kind, clause=clause, policy=policy).allowed:
            return ClauseFit(True, (clause,), f"kind_clauses.{kind}")
    own = policy.kinds[kind].clause  # type: ignore[index]
    return ClauseFit(True, (own,), f"kinds.{kind}.clause")


@dataclass(frozen=True)
class FourEyes:
    required: bool
    rule: str


def four_eyes(*, kind: str, include_related: bool, policy: ActionsPolicy) -> FourEyes:
    """Any termination, and suspending or terminating a related cluster, needs a second
    staff member's approval (the issue's four-eyes rule; `four_eyes*` in actions.toml)."""
    entry = policy.kinds[kind]  # type: ignore[index]
    if entry.four_eyes:
        return FourEyes(True, f"kinds.{kind}.four_eyes")
    if include_related and (entry.four_eyes_with_related or kind in ACCOUNT_KINDS):
        return FourEyes(True, f"kinds.{kind}.four_eyes_with_related")
    return FourEyes(False, "")


def restricted_features(*, kind: str, feature: str, policy: ActionsPolicy) -> frozenset[str]:
    """Clause 6.2 (ii), (iv): the features an action of this kind takes away."""
    if kind == "restrict_feature":
        return frozenset({feature}) if feature else frozenset()
    return frozenset(policy.kinds[kind].features)  # type: ignore[index]


@dataclass(frozen=True)
class Refusal:
    action_id: int
    clause: str
    ends_at: datetime | None


def feature_refusal(
    actions: Iterable[Any], *, feature: str, now: datetime, policy: ActionsPolicy
) -> Refusal | None:
    """The first action in force at `now` that takes `feature` away (oldest first), if any.
    `actions` are objects with id, kind, feature, status, ends_at and clause."""
    for action in actions:
        if action.status != "in_force" or (action.ends_at is not None and action.ends_at <= now):
            continue
        if feature in restricted_features(kind=action.kind, feature=action.feature, policy=policy):
            return Refusal(action.id, action.clause, action.ends_at)
    return None


def source_type(source: str) -> str:
    """DSA Art. 17(3)(b): a notice (Art. 16) or the platform's own initiative."""
    return SOURCE_ARTICLE_16 if source == "notice" else SOURCE_VOLUNTARY


def statement_of_reasons(
    *,
    kind: str,
    feature: str,
    clause: str,
    source: str,
    policy: ActionsPolicy,
) -> dict[str, Any]:
    """DSA Art. 17: what the action restricts and on what ground, from the kind's policy."""
    entry = policy.kinds[kind]  # type: ignore[index]
    visibility = list(entry.decision_visibility)
    if kind == "restrict_feature":
        visibility = list(policy.feature_visibility.get(feature, []))  # type: ignore[call-overload]
    return {
        "decision_visibility": visibility,
        "decision_account": entry.decision_account,
        "decision_provision": entry.decision_provision,
        "decision_monetary": entry.decision_monetary,
        "decision_ground": DECISION_GROUND_INCOMPATIBLE_CONTENT,
        "incompatible_content_ground": f"Terms of Use, clause {clause}",
        "category": policy.category_for(clause),
        "source_type": source_type(source),
    }


def statement_text(action: Any, *, policy: ActionsPolicy) -> str:
    """The statement of reasons (DSA Art. 17(3)) in words, for the notice and the page."""
    kind = policy.kinds[action.kind]
    what = kind.label
    if action.feature:
        what += f": {FEATURE_LABELS.get(action.feature, action.feature)}"
    if action.cap is not None:
        what += f": at most {action.cap} published listings"
    related = action.evidence.get("related_member_ids") or []
    lines = [
        f"Decision: {what}.",
        f"Ground: Terms of Use, clause {action.clause} (content or conduct incompatible with "
        "the Terms).",
        f"Reason: {action.reason}",
    ]
    if action.facts:
        lines.append(f"Facts and circumstances: {action.facts}")
    if related:
        lines.append(f"Also applied to the related accounts: {', '.join(related)}.")
    start = action.starts_at or action.created_at
    end = f"until {action.ends_at:%Y-%m-%d %H:%M} UTC" if action.ends_at else "without an end"
    lines.append(f"Duration: from {start:%Y-%m-%d %H:%M} UTC, {end}.")
    lines.append(f"Territorial scope: {', '.join(action.territorial_scope)}.")
    source = (
        "a notice we received" if action.source == "notice" else "the platform's own initiative"
    )
    lines.append(f"Source: {source}.")
    lines.append(
        "Automated means: detection "
        + ("yes" if action.automated_detection else "no")
        + ", decision "
        + ("yes" if action.automated_decision else "no")
        + "."
    )
    lines.append(f"Redress: {policy.redress}")
    return "\n".join(lines)
