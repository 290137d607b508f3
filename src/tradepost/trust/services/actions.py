"""Disciplinary actions (clause 6.2): take, approve (four eyes), reject, lift, expire; appeals.

Clause 6.2 (i)-(v): an action takes effect at once at every entry point. Suspension and
termination change the member's status (`status.member_change_status`: sessions end, tokens
are revoked, listings leave search); restrictions are read by the gates (`tradepost.gates`,
answered by `trust.selectors.actions`) wherever a feature is used; removal of listings goes
through the catalog's own service, and so does a listing cap's hiding of the published
listings beyond it (shown again when the action ends). Expiry needs no job: every check
compares `ends_at` with now, and what an expired suspension or cap changed is undone the next
time anything looks (`actions_expire_due`, called from login and search, and by `tradepost
trust expire-actions`).

Every step writes an audit row ("action.taken", "action.approved", "action.rejected",
"action.lifted", "action.expired", "action.listings_hidden", "action.listings_restored",
"appeal.filed", "appeal.decided"), and the member is told
of each action, its clause and its statement of reasons (DSA Art. 17) by a notice.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost.audit.services import audit_record
from tradepost.catalog import search
from tradepost.catalog.services import listings_remove_for_action
from tradepost.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from tradepost.members.models import Member, MemberStatus, User
from tradepost.notices.models import NoticeKind
from tradepost.notices.rules import Channel
from tradepost.notices.services import notice_issue
from tradepost.policy import COUNTRY_CODES
from tradepost.policy.actions import KINDS, load_actions_policy
from tradepost.text import clean_text
from tradepost.trust.models.actions import (
    Action,
    ActionKind,
    ActionSource,
    ActionStatus,
    Appeal,
    AppealOutcome,
    Feature,
)
from tradepost.trust.rules import actions as rules
from tradepost.trust.services import action_caps as caps
from tradepost.trust.services.status import member_change_status

SYSTEM_USERNAME = "system"
REASON_MAX = 5000
FACTS_MAX = 20_000


class FourEyesSameStaff(PermissionDeniedError):
    """The staff member who proposed an action cannot approve it (four eyes)."""

    code = "four_eyes_same_staff"


class ClauseNotApplicable(InvalidInput):
    """The clause cited does not grant this kind of action (clause 6.2, `kind_clauses`)."""

    code = "clause_not_applicable"


class AppealSameStaff(PermissionDeniedError):
    """A staff member who took or approved an action cannot decide its appeal."""

    code = "appeal_same_staff"


APPEAL_LINK_SALT = "tradepost.trust.appeal-link"
# DSA Art. 20(1): an appeal is open for at least six months after the decision.
APPEAL_LINK_MAX_AGE = timedelta(days=183)


def appeal_link(action: Action) -> str:
    """The path of the page where the member appeals this action without logging in: a
    suspended or terminated account cannot log in, yet may appeal (DSA Art. 20)."""
    token = signing.dumps({"a": action.pk, "m": action.member_id}, salt=APPEAL_LINK_SALT)
    return reverse("members:appeal_link", args=[token])


def action_for_appeal_link(token: str) -> Action:
    """The action an appeal link names; a forged, altered or stale link is 404."""
    try:
        data = signing.loads(token, salt=APPEAL_LINK_SALT, max_age=APPEAL_LINK_MAX_AGE)
        action = (
            Action.objects.select_related("member", "appeal")
            .filter(pk=int(data["a"]), member_id=int(data["m"]), starts_at__isnull=False)
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        action = None
    if action is None:
        raise NotFound("This appeal link is not valid (or is older than six months).")
    return action


def system_user() -> User:
    """The platform itself, for status changes no staff member made (expiry, automated
    actions). It cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def related_member_ids(member: Member) -> list[str]:
    """Clause 6.2 (i): the member's related cluster, its own ID first.

    TODO(links): call `tradepost.trust.selectors.links.related_member_ids` directly once the
    related-accounts area is on main; until then a member with no cluster is its own.
    """
    try:
        links = importlib.import_module("tradepost.trust.selectors.links")
    except ImportError:
        return [member.member_id]
    ids: list[str] = links.related_member_ids(member)
    return ids


def _text(value: str, field: str, max_length: int, *, required: bool) -> str:
    try:
        text = clean_text(value or "", multiline=True)
    except ValueError as exc:
        raise InvalidInput(f"The {field} {exc}.", fields={field: [str(exc)]}) from None
    if required and not text:
        raise InvalidInput(f"The {field} is required.", fields={field: ["Required."]})
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field} is too long.", fields={field: [f"At most {max_length} characters."]}
        )
    return text


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "status": action.status,
        "kind": action.kind,
        "feature": action.feature,
        "cap": action.cap,
        "ends_at": action.ends_at,
    }


def _audit(action: Action, verb: str, *, by: User | None, reason: str, before: dict) -> None:
    audit_record(
        actor=by,
        action=f"action.{verb}",
        target_type="action",
        target_id=action.pk,
        member_id=action.member.member_id,
        reason=reason,
        clause=action.clause,
        before=before,
        after=_snapshot(action),
    )


# --- Taking an action ---------------------------------------------------------------------


@transaction.atomic
def action_take(
    *,
    member: Member,
    kind: str,
    clause: str,
    reason: str,
    by: User | None,
    include_related: bool = False,
    ends_at: datetime | None = None,
    feature: str = "",
    cap: int | None = None,
    source: str = ActionSource.STAFF,
    automated_detection: bool = False,
    automated_decision: bool = False,
    case: Any = None,
    case_ref: str = "",
    territorial_scope: list[str] | None = None,
    facts: str = "",
    now: datetime | None = None,
) -> Action:
    """Clause 6.2: take a disciplinary action on a member (and, by explicit choice, on every
    member of its related cluster).

    Any termination, and suspending or terminating a cluster, waits for a second staff
    member's approval (`pending_approval`); everything else is in force at once. `by` is None
    for an action the platform takes by itself (a penalty threshold, automated detection).
    """
    now = now or timezone.now()
    policy = load_actions_policy()
    if kind not in KINDS:
        raise InvalidInput("Unknown action kind.", fields={"kind": [f"One of {list(KINDS)}."]})
    if clause not in policy.clauses:
        raise InvalidInput(
            "This clause is not one an action may rely on.",
            fields={"clause": [f"One of {policy.clauses}."]},
        )
    reason = _text(reason, "reason", REASON_MAX, required=True)
    facts = _text(facts, "facts", FACTS_MAX, required=False)
    if source not in ActionSource.values:
        raise InvalidInput("Unknown source.", fields={"source": [f"One of {ActionSource.values}."]})
    feature = feature or ""
    if kind == ActionKind.RESTRICT_FEATURE:
        if feature not in Feature.values:
            raise InvalidInput(
                "Choose the feature to restrict.",
                fields={"feature": [f"One of {Feature.values}."]},
            )
    elif feature:
        raise InvalidInput(
            "Only a feature restriction names a feature.",
            fields={"feature": ["Only with kind restrict_feature."]},
        )
    if kind == ActionKind.CAP_LISTINGS:
        if cap is None or isinstance(cap, bool) or not 0 <= cap <= 100_000:
            raise InvalidInput(
                "A listing cap needs the number of listings allowed.",
                fields={"cap": ["A whole number from 0 to 100000."]},
            )
    elif cap is not None:
        raise InvalidInput("Only a listing cap has a cap.", fields={"cap": ["Only cap_listings."]})
    fit = rules.clause_applicable(kind=kind, clause=clause, policy=policy)
    if not fit.allowed:
        allowed = ", ".join(fit.allowed_clauses)
        names = {"clause": clause, "kind": kind, "allowed": allowed}
        raise ClauseNotApplicable(
            _(
                "Clause %(clause)s does not allow a %(kind)s action; a %(kind)s action may "
                "rely on: %(allowed)s."
            )
            % names,
            fields={"clause": [_("For %(kind)s, one of: %(allowed)s.") % names]},
            extra={"kind": kind, "allowed_clauses": list(fit.allowed_clauses), "rule": fit.rule},
        )
    if ends_at is not None:
        if timezone.is_naive(ends_at):
            raise InvalidInput("Give the end with its time zone.", fields={"ends_at": ["Aware."]})
        if ends_at <= now:
            raise InvalidInput("The end must be in the future.", fields={"ends_at": ["Future."]})
        if kind == ActionKind.TERMINATE:
            raise InvalidInput("A termination has no end.", fields={"ends_at": ["Not allowed."]})
    scope = list(territorial_scope) if territorial_scope else list(policy.territorial_scope)
    unknown = sorted(set(scope) - COUNTRY_CODES)
    if unknown:
        raise InvalidInput(
            "Unknown countries in the territorial scope.",
            fields={"territorial_scope": [f"Unknown: {unknown}."]},
        )
    if case is not None and not case_ref:
        case_ref = str(getattr(case, "pk", case))
    eyes = rules.four_eyes(kind=kind, include_related=include_related, policy=policy)
    status = ActionStatus.PENDING_APPROVAL if eyes.required else ActionStatus.IN_FORCE
    statement = rules.statement_of_reasons(
        kind=kind, feature=feature, clause=clause, source=source, policy=policy
    )
    fields: dict[str, Any] = {
        "kind": kind,
        "status": status,
        "clause": clause,
        "reason": reason,
        "facts": facts,
        "feature": feature,
        "cap": cap,
        "include_related": include_related,
        "source": source,
        "case_ref": str(case_ref)[:64],
        "created_at": now,
        "created_by": by,
        "ends_at": ends_at,
        "automated_detection": automated_detection,
        "automated_decision": automated_decision,
        "territorial_scope": scope,
        **statement,
    }
    member = Member.objects.select_related("user").get(pk=member.pk)
    action = Action.objects.create(member=member, **fields)
    targets = [action]
    if include_related:
        cluster = [mid for mid in related_member_ids(member) if mid != member.member_id]
        related = Member.objects.select_related("user").filter(member_id__in=cluster)
        for other in related.order_by("member_id"):
            targets.append(Action.objects.create(member=other, parent=action, **fields))
        action.evidence = {
            **action.evidence,
            "related_member_ids": [a.member.member_id for a in targets[1:]],
        }
        action.save(update_fields=["evidence"])
    for target in targets:
        _audit(target, "taken", by=by, reason=reason, before={})
    if status == ActionStatus.IN_FORCE:
        for target in targets:
            _put_in_force(target, by=by, now=now)
    return action


def _put_in_force(action: Action, *, by: User | None, now: datetime) -> None:
    """Clause 6.2: the action's effect, at once, and the member's notice."""
    action.status = ActionStatus.IN_FORCE
    action.starts_at = now
    member = action.member
    actor = by or system_user()
    evidence = dict(action.evidence)
    if action.kind in (ActionKind.SUSPEND, ActionKind.TERMINATE):
        evidence["status_before"] = member.status
        target = (
            MemberStatus.SUSPENDED if action.kind == ActionKind.SUSPEND else MemberStatus.TERMINATED
        )
        if member.status != MemberStatus.TERMINATED and (
            member.status == MemberStatus.ACTIVE or target == MemberStatus.TERMINATED
        ):
            # This action holds the status: ending it (or the last action it hands the
            # status to) reinstates; a suspension staff made by hand stays theirs to lift.
            evidence["holds_status"] = True
            action.member = member_change_status(
                member=member,
                to_status=target,
                reason=f"Action #{action.pk} (clause {action.clause}): {action.reason}",
                by=actor,
            )
    elif action.kind == ActionKind.REMOVE_LISTINGS:
        evidence["removed_listing_ids"] = listings_remove_for_action(
            member=member,
            by=actor,
            reason_text=f"Action #{action.pk} (clause {action.clause}): {action.reason}",
        )
    elif action.kind == ActionKind.CAP_LISTINGS and action.cap is not None:
        evidence["hidden_listing_ids"] = caps.cap_hide(
            action, member=member, cap=action.cap, by=actor, cause="taken"
        )
    action.evidence = evidence
    action.save(update_fields=["status", "starts_at", "evidence"])
    if _hides_from_search(action):
        search.supplier_changed(member_pk=member.pk)
    _notify_taken(action)


def _hides_from_search(action: Action) -> bool:
    """A restriction that hides the member from search (the index asks the gate on every
    reindex). A suspension or termination hides through the member's status instead, and
    `member_change_status` reindexes."""
    if action.kind in rules.ACCOUNT_KINDS:
        return False
    policy = load_actions_policy()
    return "search_visibility" in rules.restricted_features(
        kind=action.kind, feature=action.feature, policy=policy
    )


# --- Four eyes ----------------------------------------------------------------------------


def _pending_for_update(action_id: int) -> Action:
    action = (
        Action.objects.select_for_update().select_related("member").filter(pk=action_id).first()
    )
    if action is None:
        raise NotFound("No such action.")
    if action.parent_id is not None:
        raise Conflict(
            "This action is part of a cluster action; decide the cluster action "
            f"#{action.parent_id}.",
            code="decide_parent_action",
        )
    if action.status != ActionStatus.PENDING_APPROVAL:
        raise Conflict(f"The action is {action.status}, not pending approval.", code="not_pending")
    return action


@transaction.atomic
def action_approve(*, action: Action, by: User, now: datetime | None = None) -> Action:
    """Four eyes: a staff member other than the proposer puts the action (and its cluster's
    child actions) in force."""
    now = now or timezone.now()
    action = _pending_for_update(action.pk)
    if not by.is_staff:
        raise PermissionDeniedError("Only staff approve actions.", code="staff_only")
    if action.created_by_id is not None and action.created_by_id == by.pk:
        raise FourEyesSameStaff(
            "You proposed this action; another staff member must approve it (four eyes)."
        )
    targets = [action, *action.children.select_for_update().select_related("member")]
    for target in targets:
        before = _snapshot(target)
        target.decided_by = by
        target.decided_at = now
        target.save(update_fields=["decided_by", "decided_at"])
        _put_in_force(target, by=by, now=now)
        _audit(target, "approved", by=by, reason="Approved (four eyes).", before=before)
    return action


@transaction.atomic
def action_reject(*, action: Action, by: User, reason: str, now: datetime | None = None) -> Action:
    """Four eyes: a pending action is rejected (or withdrawn by its proposer); nothing
    happened to the member, so nothing is undone and no notice goes out."""
    now = now or timezone.now()
    reason = _text(reason, "reason", REASON_MAX, required=True)
    action = _pending_for_update(action.pk)
    targets = [action, *action.children.select_for_update().select_related("member")]
    for target in targets:
        before = _snapshot(target)
        target.status = ActionStatus.REJECTED
        target.decided_by = by
        target.decided_at = now
        target.end_reason = reason
        target.save(update_fields=["status", "decided_by", "decided_at", "end_reason"])
        _audit(target, "rejected", by=by, reason=reason, before=before)
    return action


# --- Ending an action: lifting and expiry -------------------------------------------------


@transaction.atomic
def action_lift(
    *,
    action: Action,
    by: User,
    reason: str,
    cascade: bool = True,
    now: datetime | None = None,
) -> Action:
    """Staff lift an action in force (and, for a cluster action, its child actions): a
    suspension's member is reinstated unless another action still suspends it.

    Clause 6.2 (i): a termination is final and staff cannot lift it (409
    `termination_final`); only an appeal decided "overturned" by other staff undoes it
    (`appeal_decide`, DSA Art. 20 and the redress the Terms' notice offers)."""
    return _lift(action=action, by=by, reason=reason, cascade=cascade, now=now, on_appeal=False)


def _lift(
    *,
    action: Action,
    by: User,
    reason: str,
    cascade: bool,
    now: datetime | None,
    on_appeal: bool,
) -> Action:
    now = now or timezone.now()
    reason = _text(reason, "reason", REASON_MAX, required=True)
    locked = (
        Action.objects.select_for_update().select_related("member").filter(pk=action.pk).first()
    )
    if locked is None:
        raise NotFound("No such action.")
    action = locked
    _expire_locked([action], now=now)
    if action.status != ActionStatus.IN_FORCE:
        raise Conflict(f"The action is {action.status}, not in force.", code="not_in_force")
    if action.kind == ActionKind.TERMINATE and not on_appeal:
        raise Conflict(
            _(
                "A termination is final and cannot be lifted (clause 6.2 i); only an appeal "
                "decided by another staff member can overturn it."
            ),
            code="termination_final",
        )
    targets = [action]
    if cascade:
        children = action.children.select_for_update().select_related("member")
        _expire_locked(list(children), now=now)
        targets += [c for c in children if c.status == ActionStatus.IN_FORCE]
    for target in targets:
        before = _snapshot(target)
        target.status = ActionStatus.LIFTED
        target.ended_at = now
        target.ended_by = by
        target.end_reason = reason
        target.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
        _undo(target, by=by, reason=f"Action #{target.pk} lifted: {reason}", now=now)
        _audit(target, "lifted", by=by, reason=reason, before=before)
        _notify_ended(target, lifted=True)
    return action


def _undo(action: Action, *, by: User | None, reason: str, now: datetime) -> None:
    """Undo what an action changed when it ends: the member a suspension suspended (or a
    termination overturned on appeal terminated) is active again unless another suspension
    or termination is still in force, which then holds the status; search shows it again."""
    member = Member.objects.select_related("user").get(pk=action.member_id)
    holds = bool(action.evidence.get("holds_status"))
    held = {
        ActionKind.SUSPEND: MemberStatus.SUSPENDED,
        ActionKind.TERMINATE: MemberStatus.TERMINATED,
    }.get(action.kind)  # type: ignore[call-overload]
    if held is not None and holds and member.status == held:
        still = (
            Action.objects.select_for_update()
            .filter(member=member, kind__in=[ActionKind.SUSPEND, ActionKind.TERMINATE])
            .filter(Action.in_force_q(now))
            .exclude(pk=action.pk)
            .order_by("-ends_at", "pk")
        )
        terminations = still.filter(kind=ActionKind.TERMINATE)
        heir = (
            terminations.first()
            or next(iter(still.filter(ends_at__isnull=True)), None)
            or still.first()
        )
        to_status = MemberStatus.ACTIVE
        if heir is not None:
            heir.evidence = {**heir.evidence, "holds_status": True}
            heir.save(update_fields=["evidence"])
            to_status = (
                MemberStatus.TERMINATED
                if heir.kind == ActionKind.TERMINATE
                else MemberStatus.SUSPENDED
            )
        if to_status != member.status:
            member_change_status(
                member=member,
                to_status=to_status,
                reason=reason,
                by=by or system_user(),
                reopen_terminated=member.status == MemberStatus.TERMINATED,
            )
    if action.kind == ActionKind.CAP_LISTINGS:
        caps.cap_end(action, member=member, by=by or system_user(), now=now)
    if _hides_from_search(action):
        search.supplier_changed(member_pk=member.pk)


def _expire_locked(actions: list[Action], *, now: datetime) -> list[Action]:
    expired = []
    for action in actions:
        if action.status != ActionStatus.IN_FORCE or action.ends_at is None:
            continue
        if action.ends_at > now:
            continue
        before = _snapshot(action)
        action.status = ActionStatus.EXPIRED
        action.ended_at = action.ends_at
        action.end_reason = "Expired."
        action.save(update_fields=["status", "ended_at", "end_reason"])
        _undo(action, by=None, reason=f"Action #{action.pk} expired.", now=now)
        _audit(action, "expired", by=None, reason="The action reached its end.", before=before)
        _notify_ended(action, lifted=False)
        expired.append(action)
    return expired


def actions_expire_due(*, member: Member | None = None, now: datetime | None = None) -> int:
    """End every action in force whose end has passed (of one member, or all): the status
    reads `expired`, what it changed is undone, the audit row's actor is "system". Checks
    already treat such actions as ended; this only tidies up. Returns how many ended.

    Search and login call it on every request, so the common case (nothing due) is one
    indexed read with no transaction; only when something is due are the rows locked."""
    now = now or timezone.now()
    due = Action.objects.filter(status=ActionStatus.IN_FORCE, ends_at__lte=now)
    if member is not None:
        due = due.filter(member_id=member.pk)
    if not due.exists():
        return 0
    with transaction.atomic():
        locked = list(due.select_for_update().select_related("member").order_by("ends_at", "pk"))
        return len(_expire_locked(locked, now=now))


def expire_due_hook(member: Any = None) -> bool:
    """`tradepost.gates.expire_due`: tidy a member's (or everyone's) expired actions."""
    return actions_expire_due(member=member if isinstance(member, Member) else None) > 0


# --- Appeals ------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *,
    member: Member,
    action_id: int,
    statement: str,
    evidence: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> Appeal:
    """A member appeals one of its own actions, once (DSA Art. 20). Missing and not-yours
    answer alike (404); a second appeal is a conflict (409)."""
    now = now or timezone.now()
    statement = _text(statement, "statement", REASON_MAX, required=True)
    action = (
        Action.objects.select_for_update()
        .filter(pk=action_id, member=member, starts_at__isnull=False)
        .first()
    )
    if action is None:
        raise NotFound("No such action.")
    if Appeal.objects.filter(action=action).exists():
        raise Conflict("You have already appealed this action.", code="appeal_exists")
    appeal = Appeal.objects.create(
        action=action, member=member, statement=statement, evidence=evidence or [], filed_at=now
    )
    audit_record(
        actor=member.user,
        action="appeal.filed",
        target_type="appeal",
        target_id=appeal.pk,
        member_id=member.member_id,
        reason=statement[:1000],
        clause=action.clause,
        after={"action_id": action.pk},
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, outcome: str, reason: str, by: User, now: datetime | None = None
) -> Appeal:
    """A staff member other than the one who took or approved the action decides the
    appeal; overturning lifts the action (and the cluster action it heads), a termination
    too: the account is reinstated (DSA Art. 20; clause 6.2 i makes it final otherwise)."""
    now = now or timezone.now()
    if outcome not in AppealOutcome.values:
        raise InvalidInput(
            "Choose upheld or overturned.", fields={"outcome": [f"One of {AppealOutcome.values}."]}
        )
    reason = _text(reason, "reason", REASON_MAX, required=True)
    locked = (
        Appeal.objects.select_for_update()
        .select_related("action", "member")
        .filter(pk=appeal.pk)
        .first()
    )
    if locked is None:
        raise NotFound("No such appeal.")
    appeal = locked
    if appeal.outcome:
        raise Conflict(f"The appeal was already decided: {appeal.outcome}.", code="appeal_decided")
    action = appeal.action
    deciders = {action.created_by_id, action.decided_by_id}
    if action.parent_id is not None:
        parent = Action.objects.get(pk=action.parent_id)
        deciders |= {parent.created_by_id, parent.decided_by_id}
    if by.pk in deciders:
        raise AppealSameStaff(
            "You took or approved this action; another staff member must decide the appeal."
        )
    appeal.outcome = outcome
    appeal.decision_reason = reason
    appeal.decided_by = by
    appeal.decided_at = now
    appeal.save(update_fields=["outcome", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        actor=by,
        action="appeal.decided",
        target_type="appeal",
        target_id=appeal.pk,
        member_id=appeal.member.member_id,
        reason=reason,
        clause=action.clause,
        after={"outcome": outcome, "action_id": action.pk},
    )
    if outcome == AppealOutcome.OVERTURNED:
        action.refresh_from_db()
        if action.in_force_at(now):
            # DSA Art. 20: the appeal can undo any action, a termination included.
            _lift(
                action=action,
                by=by,
                reason=f"Appeal overturned: {reason}",
                cascade=True,
                now=now,
                on_appeal=True,
            )
    _notify_appeal(appeal)
    return appeal


# --- Notices ------------------------------------------------------------------------------


def _notify(member: Member, subject: str, body: str, by: User | None = None) -> None:
    if not member.email:
        return
    notice_issue(
        member=member,
        kind=NoticeKind.DISCIPLINARY,
        channel=Channel.EMAIL,
        subject=subject[:200],
        body=body,
        by=by,
    )


def _notify_taken(action: Action) -> None:
    label = load_actions_policy().kinds[action.kind].label  # type: ignore[index]
    _notify(
        action.member,
        f"Disciplinary action #{action.pk}: {label} (clause {action.clause})",
        "We have taken a disciplinary action on your account under clause 6.2 of the Terms "
        f"of Use.\n\n{rules.statement_text(action, policy=load_actions_policy())}\n\n"
        f"Appeal (no login needed, for six months): {appeal_link(action)}",
    )


def _notify_ended(action: Action, *, lifted: bool) -> None:
    how = "lifted" if lifted else "ended (it reached its end date)"
    body = f"Disciplinary action #{action.pk} (clause {action.clause}) has {how}."
    if lifted and action.end_reason:
        body += f"\nReason: {action.end_reason}"
    _notify(action.member, f"Disciplinary action #{action.pk} has ended", body)


def _notify_appeal(appeal: Appeal) -> None:
    outcome = AppealOutcome(appeal.outcome).label
    _notify(
        appeal.member,
        f"Your appeal against action #{appeal.action_id}: {appeal.outcome}",
        f"Your appeal #{appeal.pk} was decided: {outcome}.\nReason: {appeal.decision_reason}",
    )
