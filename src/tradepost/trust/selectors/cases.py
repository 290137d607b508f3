"""Reads about complaints, cases, penalty points and strikes. Never write."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.trust.models import (
    Action,
    Case,
    CaseEvidence,
    Complaint,
    IPStrike,
    PenaltyPoint,
)
from tradepost.trust.selectors.links import related_member_ids

__all__ = ["related_member_ids"]


def complaints_list(
    *, member_id: str = "", status: str = "", ground: str = "", case_id: int | None = None
) -> QuerySet[Complaint]:
    rows = Complaint.objects.select_related("subject", "complainant").prefetch_related("listings")
    if member_id:
        rows = rows.filter(subject__member_id=member_id)
    if status:
        rows = rows.filter(status=status)
    if ground:
        rows = rows.filter(ground=ground)
    if case_id is not None:
        rows = rows.filter(case_id=case_id)
    return rows.order_by("created_at", "id")


def complaints_filed_by(member: Member) -> QuerySet[Complaint]:
    return complaints_list().filter(complainant=member)


def _known(pk: int) -> bool:
    return isinstance(pk, int) and 0 < pk < 2**63


def complaint_get(complaint_id: int) -> Complaint:
    complaint = complaints_list().filter(pk=complaint_id).first() if _known(complaint_id) else None
    if complaint is None:
        raise NotFound("Complaint not found.")
    return complaint


def cases_list(*, member_id: str = "", status: str = "") -> QuerySet[Case]:
    rows = Case.objects.select_related("member", "assignee")
    if member_id:
        rows = rows.filter(member__member_id=member_id)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-opened_at", "-id")


def case_get(case_id: int) -> Case:
    case = (
        Case.objects.select_related("member", "assignee")
        .prefetch_related(
            Prefetch("complaints", queryset=complaints_list()),
            Prefetch("evidence", queryset=CaseEvidence.objects.select_related("by")),
        )
        .filter(pk=case_id)
        .first()
        if _known(case_id)
        else None
    )
    if case is None:
        raise NotFound("Case not found.")
    return case


def case_actions(case: Case) -> list[Action]:
    """The disciplinary actions taken in this case (their `case_ref` names it)."""
    return list(
        Action.objects.filter(case_ref=str(case.pk), parent__isnull=True)
        .select_related("member")
        .order_by("created_at", "id")
    )


def penalties_of(member: Member) -> QuerySet[PenaltyPoint]:
    return PenaltyPoint.objects.filter(member=member).select_related("by").order_by("at", "id")


def strikes_of(member: Member) -> QuerySet[IPStrike]:
    return IPStrike.objects.filter(member=member).prefetch_related("complaints").order_by("at")


def member_by_id(member_id: str) -> Member:
    member = Member.objects.filter(member_id=member_id).first()
    if member is None:
        raise NotFound("Member not found.")
    return member
