"""Pure decisions for information requests (clauses 5.9, 7.5) and disclosure requests (6.4).

Each returns what was decided and the rule (and clause) that decided it; the services load
the data, call these and write the result with its audit row.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tradepost.policy.disclosure import InformationRequestPolicy

OPEN = "open"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Decision:
    """What a rule decided, and which rule (and clause) decided it."""

    outcome: str
    rule: str
    clause: str


def information_deadline_problem(
    *, deadline: datetime, now: datetime, policy: InformationRequestPolicy
) -> str | None:
    """Clause 5.9: the member must have a reasonable time to answer, and not forever."""
    if deadline < now + timedelta(hours=policy.min_deadline_hours):
        return f"The deadline must leave the member at least {policy.min_deadline_hours} hours."
    if deadline > now + timedelta(days=policy.max_deadline_days):
        return f"The deadline may be at most {policy.max_deadline_days} days away."
    return None


def information_request_due(
    *, status: str, deadline: datetime, now: datetime, clause: str
) -> Decision:
    """Clauses 5.9, 7.5: an open request whose deadline has come (at or after it) is overdue;
    failing to provide the information allows suspension, which staff confirm."""
    if status == OPEN and now >= deadline:
        return Decision("overdue", "information_request.deadline_passed", clause)
    return Decision(status, "information_request.unchanged", clause)


@dataclass(frozen=True)
class DisclosureScope:
    """What legal counsel allowed: exactly what the export may hold."""

    decision: str
    member_ids: tuple[str, ...]
    categories: tuple[str, ...]
    problem: str = ""
    field: str = ""


def disclosure_scope(
    *,
    decision: str,
    requested_members: Sequence[str],
    requested_categories: Sequence[str],
    members: Sequence[str] | None,
    categories: Sequence[str] | None,
) -> DisclosureScope:
    """Clause 6.4 "to the extent permitted": approval covers all that was asked; a partial
    approval a non-empty part of it (fewer members or fewer categories, never more); a refusal
    nothing. The order of the request is kept."""

    def refuse(problem: str, field: str) -> DisclosureScope:
        return DisclosureScope(decision, (), (), problem, field)

    if decision == "refused":
        return DisclosureScope(decision, (), ())
    if decision == "approved":
        if members is not None or categories is not None:
            return refuse("An approval covers the whole request; use partially_approved.", "")
        return DisclosureScope(decision, tuple(requested_members), tuple(requested_categories))
    if decision != "partially_approved":
        return refuse("Decide approved, partially_approved or refused.", "decision")
    chosen_members = list(requested_members if members is None else members)
    chosen_categories = list(requested_categories if categories is None else categories)
    for chosen, asked, field in (
        (chosen_members, requested_members, "member_ids"),
        (chosen_categories, requested_categories, "categories"),
    ):
        outside = sorted(set(chosen) - set(asked))
        if outside:
            return refuse(f"Not in the request's scope: {', '.join(outside)}.", field)
        if not chosen:
            return refuse("A partial approval needs at least one of those asked for.", field)
    if set(chosen_members) == set(requested_members) and set(chosen_categories) == set(
        requested_categories
    ):
        return refuse("That is the whole request: decide approved instead.", "")
    return DisclosureScope(
        decision,
        tuple(m for m in requested_members if m in set(chosen_members)),
        tuple(c for c in requested_categories if c in set(chosen_categories)),
    )


def median_days(durations: Iterable[timedelta]) -> float | None:
    """The median of durations in days (two decimals); None when there are none."""
    days = [d.total_seconds() / 86400 for d in durations]
    if not days:
        return None
    return round(statistics.median(days), 2)
