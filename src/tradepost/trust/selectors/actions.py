"""Clause 6.2: reads of disciplinary actions, and the answers to the enforcement gates.

`feature_allowed(member, feature, now)` is what every entry point asks (catalog posting and
search through `tradepost.gates`; trade and messaging may call it directly). An action counts
while its status is in force and its end, if any, is still ahead: expiry needs no job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tradepost.gates import ALLOWED, CapLimit, Decision
from tradepost.members.models import Member
from tradepost.policy.actions import load_actions_policy
from tradepost.trust.models.actions import Action, ActionKind, ActionStatus, Appeal
from tradepost.trust.rules import actions as rules

__all__ = [
    "Decision",
    "actions_for_staff",
    "actions_in_force",
    "actions_of_member",
    "feature_allowed",
    "listing_cap_in_force",
    "search_hidden_member_pks",
    "statements_since",
]


def actions_in_force(member: Member, now: datetime | None = None) -> QuerySet[Action]:
    """Clause 6.2: the member's actions in force at `now`, oldest first."""
    now = now or timezone.now()
    return (
        Action.objects.filter(member_id=member.pk)
        .filter(Action.in_force_q(now))
        .order_by("starts_at", "pk")
    )


def feature_allowed(member: Any, feature: str, now: datetime | None = None) -> Decision:
    """Clause 6.2 (ii), (iv): may the member use `feature` now? If not, the action and the
    clause that say no. A member without an account row (staff) is never restricted here."""
    if not isinstance(member, Member) or member.pk is None:
        return ALLOWED
    now = now or timezone.now()
    # Only the columns the rule reads: every order step and message asks this.
    actions = actions_in_force(member, now).only(
        "id", "kind", "feature", "status", "ends_at", "clause"
    )
    refusal = rules.feature_refusal(actions, feature=feature, now=now, policy=load_actions_policy())
    if refusal is None:
        return ALLOWED
    return Decision(
        allowed=False, action_id=refusal.action_id, clause=refusal.clause, ends_at=refusal.ends_at
    )


def listing_cap_in_force(member: Any, now: datetime | None = None) -> CapLimit | None:
    """Clause 6.2 (iii): the lowest listing cap an action in force sets, if any."""
    if not isinstance(member, Member) or member.pk is None:
        return None
    now = now or timezone.now()
    action = (
        actions_in_force(member, now)
        .filter(kind=ActionKind.CAP_LISTINGS, cap__isnull=False)
        .order_by("cap", "pk")
        .first()
    )
    if action is None or action.cap is None:
        return None
    return CapLimit(cap=action.cap, action_id=action.pk, clause=action.clause)


def search_hidden_member_pks(now: datetime | None = None) -> set[int]:
    """Clause 6.2 (iv): the members an action in force hides from search."""
    now = now or timezone.now()
    policy = load_actions_policy()
    kinds = [k for k, entry in policy.kinds.items() if "search_visibility" in entry.features]
    hiding = Action.objects.filter(Action.in_force_q(now)).filter(
        Q(kind__in=kinds) | Q(kind=ActionKind.RESTRICT_FEATURE, feature="search_visibility")
    )
    return set(hiding.values_list("member_id", flat=True))


def actions_of_member(member: Member) -> QuerySet[Action]:
    """The member's own actions that took effect (not proposals), newest first."""
    return (
        Action.objects.filter(member=member, starts_at__isnull=False)
        .select_related("appeal")
        .order_by("-starts_at", "-pk")
    )


def actions_for_staff_base() -> QuerySet[Action]:
    """Actions with what the staff view of one shows: people, appeal, the cluster reached."""
    return Action.objects.select_related(
        "member", "created_by", "decided_by", "ended_by", "appeal"
    ).prefetch_related(
        Prefetch("children", queryset=Action.objects.select_related("member").order_by("pk"))
    )


def actions_for_staff(*, member_id: str = "", status: str = "", kind: str = "") -> QuerySet[Action]:
    rows = actions_for_staff_base().order_by("-created_at", "-pk")
    if member_id:
        rows = rows.filter(member__member_id__iexact=member_id)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def appeals_for_staff(*, pending: bool | None = None) -> QuerySet[Appeal]:
    rows = Appeal.objects.select_related("action", "member").order_by("-filed_at", "-pk")
    if pending is True:
        rows = rows.filter(outcome="")
    elif pending is False:
        rows = rows.exclude(outcome="")
    return rows


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def statement_export(action: Action) -> dict[str, Any]:
    """One statement of reasons in the DSA Transparency Database API's field names and
    values (`POST /api/v1/statement`)."""
    end = action.ends_at or action.ended_at
    content_type = (
        ["CONTENT_TYPE_PRODUCT"] if action.decision_visibility else ["CONTENT_TYPE_OTHER"]
    )
    row: dict[str, Any] = {
        "puid": f"tradepost-action-{action.pk}",
        "decision_visibility": list(action.decision_visibility),
        "decision_account": action.decision_account or None,
        "decision_provision": action.decision_provision or None,
        "decision_monetary": action.decision_monetary or None,
        "account_type": "ACCOUNT_TYPE_BUSINESS",
        "decision_ground": action.decision_ground,
        "incompatible_content_ground": action.incompatible_content_ground,
        "incompatible_content_explanation": action.reason,
        "incompatible_content_illegal": "No",
        "category": action.category,
        "content_type": content_type,
        "decision_facts": rules.statement_text(action, policy=load_actions_policy()),
        "source_type": action.source_type,
        "automated_detection": _yes_no(action.automated_detection),
        "automated_decision": _yes_no(action.automated_decision),
        "territorial_scope": list(action.territorial_scope),
        "content_date": action.member.created_at.strftime("%Y-%m-%d"),
        "application_date": (action.starts_at or action.created_at).strftime("%Y-%m-%d"),
        "end_date": end.strftime("%Y-%m-%d") if end else None,
    }
    if "DECISION_VISIBILITY_OTHER" in row["decision_visibility"]:
        row["decision_visibility_other"] = rules.statement_text(
            action, policy=load_actions_policy()
        ).splitlines()[0]
    return row


def statements_since(since: datetime | None) -> QuerySet[Action]:
    """The actions that took effect (each has a statement of reasons), oldest first."""
    rows = Action.objects.filter(starts_at__isnull=False).exclude(
        status__in=[ActionStatus.PENDING_APPROVAL, ActionStatus.REJECTED]
    )
    if since is not None:
        rows = rows.filter(starts_at__gte=since)
    return rows.select_related("member").order_by("starts_at", "pk")
