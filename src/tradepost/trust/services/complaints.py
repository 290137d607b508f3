"""Complaints and the cases that gather them (clauses 5.4, 6.3, 6.5).

`complaint_file` is the one intake: staff registering a complaint from anyone, a member
reporting another member, trade filing a 6.3 a complaint when an order is not delivered or
not as described, and a rights claim (5.4). A complaint about a member on a ground another
complaint of an open case already cites, or naming a listing one of them names, joins that
case: duplicates are grouped. Establishing a complaint adds what its ground earns (policy):
penalty points, with the same-day cap, or an IP strike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.catalog.models import Listing
from tradepost.errors import Conflict, InvalidInput, NotFound
from tradepost.members.models import Member, User
from tradepost.policy.penalties import load_penalties_policy
from tradepost.trust.models import (
    Case,
    CaseStatus,
    Complaint,
    ComplaintSource,
    ComplaintStatus,
    Ground,
)
from tradepost.trust.services.casework import known_id, member_locked, text_field
from tradepost.trust.services.penalties import penalty_add, strike_count

DESCRIPTION_MAX = 10_000
REASON_MAX = 5_000
LISTINGS_MAX = 300
MEMBER_GROUNDS = (
    Ground.NON_PERFORMANCE,
    Ground.STOLEN_CARD,
    Ground.FALSE_INFORMATION,
    Ground.RISK_OF_LOSS,
)
COMPLAINT_NOT_FOUND = "Complaint not found."


def _ground(ground: str, allowed: Iterable[str] = Ground.values) -> Ground:
    allowed = list(allowed)
    if ground not in allowed:
        raise InvalidInput(
            "Cite the ground of the complaint by its clause.",
            fields={"ground": [f"One of {', '.join(allowed)}."]},
            code="invalid_ground",
        )
    return Ground(ground)


def _listings(subject: Member, listing_ids: Iterable[int]) -> list[Listing]:
    ids = sorted(set(listing_ids))
    if len(ids) > LISTINGS_MAX:
        raise InvalidInput(
            f"A complaint names at most {LISTINGS_MAX} listings.",
            fields={"listing_ids": [f"At most {LISTINGS_MAX}."]},
        )
    listings = list(
        Listing.objects.filter(
            pk__in=[i for i in ids if known_id(i)], supplier_id=subject.pk
        ).order_by("pk")
    )
    unknown = sorted(set(ids) - {listing.pk for listing in listings})
    if unknown:
        raise InvalidInput(
            "A listing named is not one of the member's listings.",
            fields={"listing_ids": [f"Unknown listings of this member: {unknown}."]},
            code="unknown_listing",
        )
    return listings


def _case_for(subject: Member, ground: str, listing_ids: list[int]) -> Case | None:
    """The open case a complaint about `subject` duplicates: same ground, or a shared listing."""
    same = Q(ground=ground)
    if listing_ids:
        same |= Q(listings__in=listing_ids)
    complaint = (
        Complaint.objects.filter(same, subject=subject, case__status=CaseStatus.OPEN)
        .select_related("case")
        .order_by("case__opened_at", "case_id")
        .first()
    )
    return complaint.case if complaint else None


@transaction.atomic
def complaint_file(
    *,
    subject: Member,
    ground: str,
    description: str,
    source: str,
    listing_ids: Iterable[int] = (),
    complainant: Member | None = None,
    complainant_name: str = "",
    complainant_email: str = "",
    reference: str = "",
    by: User | None = None,
) -> Complaint:
    """Clauses 5.4, 6.3, 6.5: register a complaint about `subject`, in the case it duplicates
    or a new one. Trade calls this with `ground="6.3 a"`, `source="trade"`, the buyer as
    `complainant` and the order as `reference`."""
    cited = _ground(ground)
    if source not in ComplaintSource.values:
        raise InvalidInput("Unknown complaint source.", fields={"source": ["Unknown."]})
    text = text_field(description, "description", DESCRIPTION_MAX)
    name = text_field(complainant_name, "complainant_name", 200, multiline=False, required=False)
    email = text_field(complainant_email, "complainant_email", 254, multiline=False, required=False)
    reference = text_field(reference, "reference", 64, multiline=False, required=False)
    if complainant is not None and complainant.pk == subject.pk:
        raise InvalidInput(
            "A member cannot complain about itself.",
            fields={"member_id": ["Name another member."]},
            code="complaint_about_self",
        )
    subject = member_locked(subject.member_id)
    listings = _listings(subject, listing_ids)
    case = _case_for(subject, cited, [listing.pk for listing in listings])
    now = timezone.now()
    if case is None:
        case = Case.objects.create(member=subject, grounds=[str(cited)], opened_at=now)
        audit_record(
            actor=by,
            action="case.opened",
            target_type="case",
            target_id=case.pk,
            member_id=subject.member_id,
            clause=str(cited),
            after={"grounds": case.grounds},
        )
    elif cited not in case.grounds:
        before = list(case.grounds)
        case.grounds = [*case.grounds, str(cited)]
        case.save(update_fields=["grounds"])
        audit_record(
            actor=by,
            action="case.ground_added",
            target_type="case",
            target_id=case.pk,
            member_id=subject.member_id,
            clause=str(cited),
            before={"grounds": before},
            after={"grounds": case.grounds},
        )
    complaint = Complaint.objects.create(
        case=case,
        subject=subject,
        ground=cited,
        description=text,
        complainant=complainant,
        complainant_name=name or (complainant.company_name if complainant else ""),
        complainant_email=email or (complainant.email if complainant else ""),
        source=source,
        reference=reference,
        filed_by=by,
        created_at=now,
    )
    complaint.listings.set(listings)
    audit_record(
        actor=by,
        action="complaint.filed",
        target_type="complaint",
        target_id=complaint.pk,
        member_id=subject.member_id,
        reason=text,
        clause=str(cited),
        after={
            "case_id": case.pk,
            "source": source,
            "complainant": complainant.member_id if complainant else name,
            "listing_ids": [listing.pk for listing in listings],
            "reference": reference,
        },
    )
    return complaint


def complaint_file_by_staff(
    *,
    member_id: str,
    ground: str,
    description: str,
    listing_ids: Iterable[int],
    by: User,
    complainant_name: str = "",
    complainant_email: str = "",
) -> Complaint:
    subject = Member.objects.filter(member_id=member_id).first()
    if subject is None:
        raise NotFound("Member not found.")
    return complaint_file(
        subject=subject,
        ground=ground,
        description=description,
        listing_ids=listing_ids,
        complainant_name=complainant_name,
        complainant_email=complainant_email,
        source=ComplaintSource.STAFF,
        by=by,
    )


def complaint_file_by_member(
    *,
    complainant: Member,
    member_id: str,
    ground: str,
    description: str,
    listing_ids: Iterable[int],
) -> Complaint:
    """A member reports another member (6.3 a-d). Rights claims go through the notice and
    counter-notice procedure (`/ip/claims`), affiliate notices (6.5) through staff."""
    _ground(ground, MEMBER_GROUNDS)
    subject = Member.objects.filter(member_id=member_id).first()
    if subject is None:
        raise NotFound("Member not found.")
    return complaint_file(
        subject=subject,
        ground=ground,
        description=description,
        listing_ids=listing_ids,
        complainant=complainant,
        source=ComplaintSource.MEMBER,
        by=complainant.user,
    )


def _complaint_locked(complaint_id: int) -> Complaint:
    if not known_id(complaint_id):
        raise NotFound(COMPLAINT_NOT_FOUND)
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .filter(pk=complaint_id)
        .select_related("subject", "case")
        .first()
    )
    if complaint is None:
        raise NotFound(COMPLAINT_NOT_FOUND)
    return complaint


def _received(complaint: Complaint, *, via_claim: bool) -> None:
    if complaint.source == ComplaintSource.IP_CLAIM and not via_claim:
        raise Conflict(
            "This complaint is a rights claim: it is decided by its notice and counter-notice "
            "procedure (POST /staff/ip/claims/{id}/decide, or the deadline).",
            code="complaint_is_ip_claim",
        )
    if complaint.status != ComplaintStatus.RECEIVED:
        raise Conflict(
            f"The complaint is already {complaint.get_status_display().lower()}.",
            code="complaint_decided",
            extra={"status": complaint.status},
        )


@dataclass(frozen=True)
class Establishment:
    complaint: Complaint
    penalty: object | None  # a PenaltyPoint, an IPStrike, or None (a ground worth nothing)


@transaction.atomic
def complaint_establish(
    *,
    complaint_id: int,
    by: User | None,
    reason: str,
    now: datetime | None = None,
    via_claim: bool = False,
) -> Establishment:
    """Staff (or, for a lapsed rights claim, the platform) find the complaint established;
    its ground adds points (same-day cap) or an IP strike, and what they prescribe follows."""
    reason = text_field(reason, "reason", REASON_MAX)
    complaint = _complaint_locked(complaint_id)
    _received(complaint, via_claim=via_claim)
    now = now or timezone.now()
    complaint.status = ComplaintStatus.ESTABLISHED
    complaint.established_at = now
    complaint.decided_by = by
    complaint.decision_reason = reason
    complaint.save(update_fields=["status", "established_at", "decided_by", "decision_reason"])
    audit_record(
        actor=by,
        action="complaint.established",
        target_type="complaint",
        target_id=complaint.pk,
        member_id=complaint.subject.member_id,
        reason=reason,
        clause=complaint.ground,
        before={"status": ComplaintStatus.RECEIVED},
        after={"status": complaint.status, "case_id": complaint.case_id},
    )
    earns = load_penalties_policy().grounds[complaint.ground]  # type: ignore[index]
    penalty: object | None = None
    if earns.strike:
        penalty = strike_count(member=complaint.subject, complaint=complaint, by=by, now=now)
    elif earns.points:
        penalty = penalty_add(
            member=complaint.subject,
            points=earns.points,
            rule=f"ground-{complaint.ground.replace(' ', '')}",
            clause=complaint.ground,
            reason=f"Complaint {complaint.pk} established ({earns.label}): {reason}",
            by=by,
            complaint=complaint,
            capped=True,
            now=now,
        ).record
    return Establishment(complaint=complaint, penalty=penalty)


@transaction.atomic
def complaint_reject(
    *, complaint_id: int, by: User, reason: str, via_claim: bool = False
) -> Complaint:
    reason = text_field(reason, "reason", REASON_MAX)
    complaint = _complaint_locked(complaint_id)
    _received(complaint, via_claim=via_claim)
    complaint.status = ComplaintStatus.REJECTED
    complaint.rejected_at = timezone.now()
    complaint.decided_by = by
    complaint.decision_reason = reason
    complaint.save(update_fields=["status", "rejected_at", "decided_by", "decision_reason"])
    audit_record(
        actor=by,
        action="complaint.rejected",
        target_type="complaint",
        target_id=complaint.pk,
        member_id=complaint.subject.member_id,
        reason=reason,
        clause=complaint.ground,
        before={"status": ComplaintStatus.RECEIVED},
        after={"status": complaint.status},
    )
    return complaint
