"""Disciplinary actions (clause 6.2) and appeals over the API.

Staff (`/api/v1/staff/`): take an action, approve or reject it (four eyes), lift it, list a
member's actions, decide appeals and export the statements of reasons in the shape of the EU
DSA Transparency Database's API. Members (`/api/v1/members/me/`): their own actions with the
statement of reasons, and one appeal per action.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from tradepost.api_paging import LazyRows, LimitOffsetPaging
from tradepost.errors import InvalidInput, NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.policy.actions import load_actions_policy
from tradepost.trust.api.common import staff_permission, staff_user
from tradepost.trust.models.actions import Action, Appeal
from tradepost.trust.rules.actions import statement_text
from tradepost.trust.selectors import actions as selectors
from tradepost.trust.services import actions as services

router = Router()
member_router = Router()


# --- Schemas ------------------------------------------------------------------------------


class ActionIn(Schema):
    member_id: str = Field(..., min_length=1, max_length=16)
    kind: str = Field(..., max_length=32)
    include_related: bool = False
    clause: str = Field(..., max_length=16)
    reason: str = Field(..., max_length=5000)
    ends_at: datetime | None = None
    feature: str = Field("", max_length=32)
    cap: int | None = Field(None, ge=0, le=100_000)
    facts: str = Field("", max_length=20_000)
    source: str = Field("staff", max_length=16)
    case_ref: str = Field("", max_length=64)
    territorial_scope: list[str] | None = Field(None, max_length=60)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=5000)


class AppealIn(Schema):
    action_id: int = Field(..., ge=1, le=2**62)
    statement: str = Field(..., max_length=5000)


class AppealDecideIn(Schema):
    outcome: str = Field(..., max_length=16)
    reason: str = Field(..., max_length=5000)


class ChildOut(Schema):
    id: int
    member_id: str
    status: str


class AppealBriefOut(Schema):
    id: int
    filed_at: datetime
    outcome: str
    decided_at: datetime | None


class ActionOut(Schema):
    id: int
    member_id: str
    kind: str
    status: str
    clause: str
    reason: str
    facts: str
    feature: str
    cap: int | None
    include_related: bool
    source: str
    case_ref: str
    parent_id: int | None
    related: list[ChildOut]
    created_at: datetime
    created_by: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str
    evidence: dict[str, Any]
    statement_of_reasons: str
    dsa: dict[str, Any]
    appeal: AppealBriefOut | None


class MemberActionOut(Schema):
    id: int
    kind: str
    status: str
    clause: str
    reason: str
    feature: str
    cap: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    ended_at: datetime | None
    statement_of_reasons: str
    appeal: AppealBriefOut | None
    can_appeal: bool


class AppealOut(Schema):
    id: int
    action_id: int
    member_id: str
    statement: str
    filed_at: datetime
    outcome: str
    decision_reason: str
    decided_by: str | None
    decided_at: datetime | None


class ActionQuery(Schema):
    member_id: str = Field("", max_length=16)
    status: str = Field("", max_length=20)
    kind: str = Field("", max_length=20)


class StatementQuery(Schema):
    since: datetime | None = None


class AppealQuery(Schema):
    pending: bool | None = None


# --- Shaping ------------------------------------------------------------------------------


def _name(user: Any) -> str | None:
    return user.username if user is not None else None


def _appeal_brief(action: Action) -> dict[str, Any] | None:
    appeal = getattr(action, "appeal", None) if hasattr(action, "appeal") else None
    if appeal is None:
        return None
    return {
        "id": appeal.pk,
        "filed_at": appeal.filed_at,
        "outcome": appeal.outcome,
        "decided_at": appeal.decided_at,
    }


def action_out(action: Action) -> dict[str, Any]:
    policy = load_actions_policy()
    return {
        "id": action.pk,
        "member_id": action.member.member_id,
        "kind": action.kind,
        "status": action.effective_status,
        "clause": action.clause,
        "reason": action.reason,
        "facts": action.facts,
        "feature": action.feature,
        "cap": action.cap,
        "include_related": action.include_related,
        "source": action.source,
        "case_ref": action.case_ref,
        "parent_id": action.parent_id,
        "related": [
            {"id": c.pk, "member_id": c.member.member_id, "status": c.effective_status}
            for c in action.children.all()
        ],
        "created_at": action.created_at,
        "created_by": _name(action.created_by),
        "starts_at": action.starts_at,
        "ends_at": action.ends_at,
        "decided_by": _name(action.decided_by),
        "decided_at": action.decided_at,
        "ended_at": action.ended_at,
        "ended_by": _name(action.ended_by),
        "end_reason": action.end_reason,
        "evidence": action.evidence,
        "statement_of_reasons": statement_text(action, policy=policy),
        "dsa": selectors.statement_export(action),
        "appeal": _appeal_brief(action),
    }


def member_action_out(action: Action) -> dict[str, Any]:
    policy = load_actions_policy()
    appeal = _appeal_brief(action)
    return {
        "id": action.pk,
        "kind": action.kind,
        "status": action.effective_status,
        "clause": action.clause,
        "reason": action.reason,
        "feature": action.feature,
        "cap": action.cap,
        "starts_at": action.starts_at,
        "ends_at": action.ends_at,
        "ended_at": action.ended_at,
        "statement_of_reasons": statement_text(action, policy=policy),
        "appeal": appeal,
        "can_appeal": appeal is None,
    }


def appeal_out(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "action_id": appeal.action_id,
        "member_id": appeal.member.member_id,
        "statement": appeal.statement,
        "filed_at": appeal.filed_at,
        "outcome": appeal.outcome,
        "decision_reason": appeal.decision_reason,
        "decided_by": _name(appeal.decided_by),
        "decided_at": appeal.decided_at,
    }


def _action(action_id: int) -> Action:
    if not 0 < action_id < 2**63:
        raise NotFound("No such action.")
    action = selectors.actions_for_staff_base().filter(pk=action_id).first()
    if action is None:
        raise NotFound("No such action.")
    return action


# --- Staff --------------------------------------------------------------------------------


@router.post("/actions", response={201: ActionOut})
@staff_permission("trust.add_action")
def action_create(request: HttpRequest, payload: ActionIn) -> Status[dict[str, Any]]:
    """Clause 6.2: take an action. Terminations, and suspending or terminating a related
    cluster (`include_related`), answer `pending_approval` until a second staff member
    approves; everything else is `in_force` at once."""
    by = staff_user(request, "trust.add_action")
    member = Member.objects.filter(member_id__iexact=payload.member_id.strip()).first()
    if member is None:
        raise InvalidInput("No such member.", fields={"member_id": ["No such member."]})
    action = services.action_take(
        member=member,
        kind=payload.kind,
        clause=payload.clause,
        reason=payload.reason,
        by=by,
        include_related=payload.include_related,
        ends_at=payload.ends_at,
        feature=payload.feature,
        cap=payload.cap,
        facts=payload.facts,
        source=payload.source,
        case_ref=payload.case_ref,
        territorial_scope=payload.territorial_scope,
    )
    return Status(201, action_out(_action(action.pk)))


@router.get("/actions", response=list[ActionOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_action")
def action_list(request: HttpRequest, filters: Query[ActionQuery]) -> list[dict[str, Any]]:
    """Actions, newest first; `member_id` narrows to one member."""
    rows = selectors.actions_for_staff(
        member_id=filters.member_id, status=filters.status, kind=filters.kind
    )
    return LazyRows(rows, action_out)  # type: ignore[return-value]


@router.get("/actions/statements", response=list[dict[str, Any]])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_action")
def statement_list(request: HttpRequest, filters: Query[StatementQuery]) -> list[dict[str, Any]]:
    """DSA Art. 17 and 24(5): every statement of reasons since `since` (by application
    date, oldest first), in the DSA Transparency Database statement API's fields and values."""
    return LazyRows(selectors.statements_since(filters.since), selectors.statement_export)  # type: ignore[return-value]


@router.get("/actions/{action_id}", response=ActionOut)
@staff_permission("trust.view_action")
def action_detail(request: HttpRequest, action_id: int) -> dict[str, Any]:
    return action_out(_action(action_id))


@router.post("/actions/{action_id}/approve", response=ActionOut)
@staff_permission("trust.approve_action")
def action_approve(request: HttpRequest, action_id: int) -> dict[str, Any]:
    """Four eyes: another staff member puts a pending action in force (the proposer: 403)."""
    by = staff_user(request, "trust.approve_action")
    services.action_approve(action=_action(action_id), by=by)
    return action_out(_action(action_id))


@router.post("/actions/{action_id}/reject", response=ActionOut)
@staff_permission("trust.approve_action")
def action_reject(request: HttpRequest, action_id: int, payload: ReasonIn) -> dict[str, Any]:
    by = staff_user(request, "trust.approve_action")
    services.action_reject(action=_action(action_id), by=by, reason=payload.reason)
    return action_out(_action(action_id))


@router.post("/actions/{action_id}/lift", response=ActionOut)
@staff_permission("trust.change_action")
def action_lift(request: HttpRequest, action_id: int, payload: ReasonIn) -> dict[str, Any]:
    """End an action in force now; a suspended member is reinstated."""
    by = staff_user(request, "trust.change_action")
    services.action_lift(action=_action(action_id), by=by, reason=payload.reason)
    return action_out(_action(action_id))


@router.get("/appeals", response=list[AppealOut])
@paginate(LimitOffsetPaging)
@staff_permission("trust.view_appeal")
def appeal_list(request: HttpRequest, filters: Query[AppealQuery]) -> list[dict[str, Any]]:
    return LazyRows(selectors.appeals_for_staff(pending=filters.pending), appeal_out)  # type: ignore[return-value]


@router.post("/appeals/{appeal_id}/decide", response=AppealOut)
@staff_permission("trust.decide_appeal")
def appeal_decide(request: HttpRequest, appeal_id: int, payload: AppealDecideIn) -> dict[str, Any]:
    """A staff member other than the one who took or approved the action decides; an
    overturned appeal lifts the action."""
    by = staff_user(request, "trust.decide_appeal")
    appeal = Appeal.objects.filter(pk=appeal_id).first() if 0 < appeal_id < 2**63 else None
    if appeal is None:
        raise NotFound("No such appeal.")
    appeal = services.appeal_decide(
        appeal=appeal, outcome=payload.outcome, reason=payload.reason, by=by
    )
    appeal = Appeal.objects.select_related("member", "decided_by").get(pk=appeal.pk)
    return appeal_out(appeal)


# --- Members ------------------------------------------------------------------------------


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


@member_router.get("/members/me/actions", response=list[MemberActionOut])
@paginate(LimitOffsetPaging)
def my_actions(request: HttpRequest) -> list[dict[str, Any]]:
    """The disciplinary actions on your account, each with its statement of reasons."""
    return LazyRows(selectors.actions_of_member(_member(request)), member_action_out)  # type: ignore[return-value]


@member_router.post("/members/me/appeals", response={201: AppealOut})
def my_appeal(request: HttpRequest, payload: AppealIn) -> Status[dict[str, Any]]:
    """Appeal one of your actions, once (a second appeal: 409)."""
    appeal = services.appeal_file(
        member=_member(request), action_id=payload.action_id, statement=payload.statement
    )
    appeal = Appeal.objects.select_related("member", "decided_by").get(pk=appeal.pk)
    return Status(201, appeal_out(appeal))
