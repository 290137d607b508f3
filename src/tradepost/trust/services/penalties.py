"""Penalty points and IP strikes (clause 6.2): record them, and take what they prescribe.

The decision is the pure rule's (`trust.rules.penalties`) over the policy data
(`policy/penalties.toml`); this module loads the member's records under the member's lock,
writes the new record with the threshold that decided, and either takes the prescribed
disciplinary actions at once (the threshold is automatic) or records them as proposed for a
staff member to confirm or dismiss. Every step writes an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.errors import Conflict, InvalidInput, NotFound
from tradepost.members.models import Member, User
from tradepost.policy.actions import load_actions_policy
from tradepost.policy.penalties import Threshold, load_penalties_policy
from tradepost.trust.models import Complaint, IPStrike, PenaltyPoint, PrescriptionStatus
from tradepost.trust.models.penalties import Prescription
from tradepost.trust.rules import actions as action_rules
from tradepost.trust.rules import penalties as rules
from tradepost.trust.services.actions import action_take
from tradepost.trust.services.casework import known_id, member_locked, text_field

POINTS_MAX = 1000
RULE_MAX = 64


@dataclass
class PenaltyOutcome:
    record: PenaltyPoint
    total: int
    threshold: Threshold | None
    actions: list[Any] = field(default_factory=list)  # the actions taken (trust Action rows)


def _prescribed(threshold: Threshold) -> list[dict[str, Any]]:
    return [a.model_dump(exclude_defaults=True) for a in threshold.actions]


def _take(
    *,
    member: Member,
    prescription: Prescription,
    by: User | None,
    reason: str,
    facts: str,
    automated: bool,
    now: datetime,
    case_ref: str = "",
) -> list[Any]:
    """Take each prescribed action through the one action service (C1's `action_take`)."""
    taken = []
    policy = load_actions_policy()
    for step in prescription.prescribed:
        days = step.get("days")
        clause = action_rules.clause_for(
            kind=step["kind"],
            preferred=[step.get("clause", ""), prescription.threshold_clause],
            policy=policy,
        ).allowed_clauses[0]
        taken.append(
            action_take(
                member=member,
                kind=step["kind"],
                clause=clause,
                reason=reason,
                by=by,
                ends_at=now + timedelta(days=days) if days else None,
                feature=step.get("feature", ""),
                source="penalty",
                automated_detection=automated,
                automated_decision=automated,
                facts=facts,
                case_ref=case_ref,
                now=now,
            )
        )
    return taken


def _prescribe(
    *,
    member: Member,
    prescription: Prescription,
    threshold: Threshold | None,
    by: User | None,
    reason: str,
    facts: str,
    now: datetime,
    case_ref: str = "",
) -> list[Any]:
    if threshold is None:
        prescription.prescription = PrescriptionStatus.NONE
        return []
    prescription.threshold = threshold.id
    prescription.threshold_clause = threshold.clause
    prescription.prescribed = _prescribed(threshold)
    if not threshold.automatic:
        prescription.prescription = PrescriptionStatus.PROPOSED
        return []
    prescription.prescription = PrescriptionStatus.APPLIED
    taken = _take(
        member=member,
        prescription=prescription,
        by=by,
        reason=f"{threshold.label} ({threshold.id}): {reason}",
        facts=facts,
        automated=True,
        now=now,
        case_ref=case_ref,
    )
    prescription.action_ids = [a.pk for a in taken]
    return taken


def _live_points(member: Member, *, now: datetime) -> list[rules.PointRecord]:
    lifetime = load_penalties_policy().points.lifetime_days
    rows = PenaltyPoint.objects.filter(
        member=member, at__gt=now - timedelta(days=lifetime), at__lte=now
    ).values_list("points", "at", "capped")
    return [rules.PointRecord(points=p, at=at, capped=c) for p, at, c in rows]


@transaction.atomic
def penalty_add(
    *,
    member: Member,
    points: int,
    rule: str,
    clause: str,
    reason: str,
    by: User | None,
    complaint: Complaint | None = None,
    capped: bool = False,
    now: datetime | None = None,
) -> PenaltyOutcome:
    """Clause 6.2: add penalty points; the threshold they cross prescribes the action.
    Complaint points (`capped`) add at most the policy's same-day cap per day."""
    if not isinstance(points, int) or not 1 <= points <= POINTS_MAX:
        raise InvalidInput(
            f"Points are a whole number from 1 to {POINTS_MAX}.",
            fields={"points": [f"1 to {POINTS_MAX}."]},
        )
    rule = text_field(rule, "rule", RULE_MAX, multiline=False)
    clause = text_field(clause, "clause", 64, multiline=False)
    reason = text_field(reason, "reason", 5_000)
    now = now or timezone.now()
    member = member_locked(member.member_id)
    policy = load_penalties_policy().points
    new = rules.PointRecord(points=points, at=now, capped=capped)
    decision = rules.points_assess(_live_points(member, now=now), new, now=now, policy=policy)
    record = PenaltyPoint(
        member=member,
        points=points,
        counted=decision.counted,
        capped=capped,
        rule=rule,
        clause=clause,
        reason=reason,
        at=now,
        expires_at=decision.expires_at,
        complaint=complaint,
        by=by,
        total_after=decision.total,
    )
    facts = (
        f"{points} penalty points ({rule}, clause {clause}) counted {decision.counted}; "
        f"live total {decision.total_before} → {decision.total}."
    )
    taken = _prescribe(
        member=member,
        prescription=record,
        threshold=decision.threshold,
        by=by,
        reason=reason,
        facts=facts,
        now=now,
        case_ref=str(complaint.case_id) if complaint else "",
    )
    record.save()
    audit_record(
        actor=by,
        action="penalty.points_added",
        target_type="penalty",
        target_id=record.pk,
        member_id=member.member_id,
        reason=reason,
        clause=clause,
        before={"points_total": decision.total_before},
        after={
            "points": points,
            "counted": decision.counted,
            "points_total": decision.total,
            "threshold": decision.rule,
            "threshold_clause": decision.clause,
            "prescription": record.prescription,
            "prescribed": record.prescribed,
            "action_ids": record.action_ids,
            "complaint_id": complaint.pk if complaint else None,
        },
    )
    return PenaltyOutcome(
        record=record, total=decision.total, threshold=decision.threshold, actions=taken
    )


def points_total(member: Member, *, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return rules.points_total(
        _live_points(member, now=now), now=now, policy=load_penalties_policy().points
    )


@transaction.atomic
def strike_count(
    *, member: Member, complaint: Complaint, by: User | None, now: datetime | None = None
) -> IPStrike:
    """Clause 6.2: an established infringement complaint (5.4) counts an IP strike, or joins
    the strike whose first complaint was within the policy's window."""
    now = now or timezone.now()
    member = member_locked(member.member_id)
    policy = load_penalties_policy().strikes
    strikes = list(IPStrike.objects.filter(member=member).order_by("at", "id"))
    decision = rules.strike_assess([s.at for s in strikes], at=now, now=now, policy=policy)
    if not decision.new_strike:
        strike = strikes[-1]
        strike.complaints.add(complaint)
        audit_record(
            actor=by,
            action="penalty.strike_grouped",
            target_type="ip_strike",
            target_id=strike.pk,
            member_id=member.member_id,
            reason=f"Complaint {complaint.pk} within {policy.group_days} days of the strike.",
            clause="6.2",
            after={"complaint_id": complaint.pk, "strike": strike.number},
        )
        return strike
    assert decision.expires_at is not None
    strike = IPStrike(
        member=member,
        number=decision.strikes,
        at=now,
        expires_at=decision.expires_at,
        rule=decision.rule,
    )
    reason = f"IP strike {decision.strikes}: complaint {complaint.pk} established (5.4)."
    _prescribe(
        member=member,
        prescription=strike,
        threshold=decision.threshold,
        by=by,
        reason=reason,
        facts=f"{reason} Live strikes: {decision.strikes}.",
        now=now,
        case_ref=str(complaint.case_id),
    )
    strike.save()
    strike.complaints.add(complaint)
    audit_record(
        actor=by,
        action="penalty.strike_counted",
        target_type="ip_strike",
        target_id=strike.pk,
        member_id=member.member_id,
        reason=reason,
        clause=decision.clause,
        after={
            "strike": strike.number,
            "threshold": decision.rule,
            "prescription": strike.prescription,
            "prescribed": strike.prescribed,
            "action_ids": strike.action_ids,
            "complaint_id": complaint.pk,
        },
    )
    return strike


def _prescription_locked(kind: str, pk: int) -> Prescription:
    if not known_id(pk):
        raise NotFound("Penalty not found.")
    model: type[PenaltyPoint] | type[IPStrike] = PenaltyPoint if kind == "points" else IPStrike
    row = (
        model.objects.select_for_update(of=("self",)).filter(pk=pk).select_related("member").first()
    )
    if row is None:
        raise NotFound("Penalty not found.")
    if row.prescription != PrescriptionStatus.PROPOSED:
        raise Conflict(
            "Nothing awaits confirmation on this penalty.",
            code="nothing_proposed",
            extra={"prescription": row.prescription},
        )
    return row


def _case_ref(row: Prescription) -> str:
    if isinstance(row, PenaltyPoint):
        return str(row.complaint.case_id) if row.complaint else ""
    if isinstance(row, IPStrike):
        first = row.complaints.order_by("pk").first()
        return str(first.case_id) if first else ""
    return ""


@transaction.atomic
def prescription_decide(
    *, kind: str, pk: int, confirm: bool, by: User, reason: str
) -> tuple[Prescription, list[Any]]:
    """Staff confirm (the actions are taken now) or dismiss what a threshold proposed."""
    reason = text_field(reason, "reason", 5_000)
    row = _prescription_locked(kind, pk)
    member: Member = row.member  # type: ignore[attr-defined]
    now = timezone.now()
    taken: list[Any] = []
    if confirm:
        taken = _take(
            member=member,
            prescription=row,
            by=by,
            reason=f"{row.threshold} confirmed: {reason}",
            facts=f"Threshold {row.threshold} (clause {row.threshold_clause}) proposed "
            f"{row.prescribed}; confirmed by staff.",
            automated=False,
            now=now,
            case_ref=_case_ref(row),
        )
        row.action_ids = [a.pk for a in taken]
    row.prescription = PrescriptionStatus.CONFIRMED if confirm else PrescriptionStatus.DISMISSED
    row.confirmed_by = by
    row.confirmed_at = now
    row.save(update_fields=["prescription", "action_ids", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=by,
        action="penalty.confirmed" if confirm else "penalty.dismissed",
        target_type="penalty" if kind == "points" else "ip_strike",
        target_id=row.pk,
        member_id=member.member_id,
        reason=reason,
        clause=row.threshold_clause,
        before={"prescription": PrescriptionStatus.PROPOSED},
        after={"prescription": row.prescription, "action_ids": row.action_ids},
    )
    return row, taken
