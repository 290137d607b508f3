"""Rights claims: notice and counter-notice (clauses 5.4, 6.1 iv).

1. A rights holder registers a right once (`ip_right_register`, with documents) and staff
   review it (`ip_right_review`).
2. With an approved right the holder claims up to the policy's number of listings of one
   supplier (`ip_claim_file`): a 5.4 complaint is filed, the listings are held at once, and
   the supplier is given notice and a deadline of K working days (`rules.ip`).
3. The supplier may file a counter-notice with evidence by the deadline; staff then decide:
   restore the listings (the complaint is rejected) or remove them (established).
4. Without a counter-notice by the deadline the complaint is established, the listings are
   removed (6.1 iv) and an IP strike counted (`ip_claim_lapse`). Deadlines are processed
   when a claim is read and by `tradepost trust ip-deadlines`, whichever comes first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.catalog import uploads
from tradepost.catalog.models import Listing
from tradepost.catalog.services import listings_hold, listings_release, listings_remove_held
from tradepost.errors import Conflict, InvalidInput, NotFound
from tradepost.members.models import Member, User
from tradepost.notices.models import NoticeKind
from tradepost.notices.rules import Channel
from tradepost.notices.services import notice_issue
from tradepost.policy import COUNTRY_CODES
from tradepost.policy.penalties import load_penalties_policy
from tradepost.trust.models import (
    ClaimStatus,
    ComplaintSource,
    CounterNotice,
    IPClaim,
    IPClaimListing,
    IPDocument,
    IPRight,
    RightKind,
    RightStatus,
)
from tradepost.trust.rules import ip as rules
from tradepost.trust.services import uploads as trust_uploads
from tradepost.trust.services.casework import known_id, text_field
from tradepost.trust.services.complaints import (
    complaint_establish,
    complaint_file,
    complaint_reject,
)

RIGHT_NOT_FOUND = "Right not found."
CLAIM_NOT_FOUND = "Claim not found."
JURISDICTIONS = COUNTRY_CODES | {"EU", "WIPO"}


def _notify(member: Member, subject: str, body: str, by: User | None = None) -> None:
    notice_issue(
        member=member,
        kind=NoticeKind.LEGAL,
        channel=Channel.EMAIL,
        subject=subject,
        body=body,
        by=by,
    )


def _documents_check(
    files: Sequence[UploadedFile], *, count: int, names: Sequence[str] = ()
) -> list[trust_uploads.CheckedFile]:
    """Every file checked before any is stored: a PDF or image by its content, at most 10 MB,
    at most the policy's number of documents per right or counter-notice in all."""
    return trust_uploads.files_check(
        files,
        field="document",
        max_files=load_penalties_policy().ip_claims.max_documents,
        max_bytes=uploads.DOCUMENT_MAX_BYTES,
        already=count,
        names=[text_field(n, "name", 200, multiline=False, required=False) for n in names],
    )


def _documents_store(
    checked: Sequence[trust_uploads.CheckedFile], **owner: object
) -> list[IPDocument]:
    return trust_uploads.files_store(
        checked,
        lambda f: IPDocument(
            name=f.name, content_type=f.info.content_type, size=f.info.size, **owner
        ),
    )


# --- Rights -------------------------------------------------------------------------------


@transaction.atomic
def ip_right_register(
    *,
    holder: Member,
    kind: str,
    number: str,
    jurisdiction: str,
    title: str,
    documents: Sequence[UploadedFile] = (),
) -> IPRight:
    """Clause 5.4: a rights holder registers a trademark, copyright or patent once, with the
    documents that prove it if given now (a bad one registers nothing)."""
    if kind not in RightKind.values:
        raise InvalidInput(
            "Unknown kind of right.", fields={"kind": [f"One of {RightKind.values}."]}
        )
    number = text_field(number, "number", 100, multiline=False)
    title = text_field(title, "title", 200, multiline=False)
    jurisdiction = (jurisdiction or "").strip().upper()
    if jurisdiction not in JURISDICTIONS:
        raise InvalidInput(
            "Give the jurisdiction as an ISO country code, EU or WIPO.",
            fields={"jurisdiction": ["An ISO 3166-1 alpha-2 code, EU or WIPO."]},
        )
    checked = _documents_check(documents, count=0)
    if IPRight.objects.filter(
        holder=holder, kind=kind, number=number, jurisdiction=jurisdiction
    ).exists():
        raise Conflict("This right is already registered.", code="right_registered")
    try:
        with transaction.atomic():
            right = IPRight.objects.create(
                holder=holder, kind=kind, number=number, jurisdiction=jurisdiction, title=title
            )
    except IntegrityError:
        raise Conflict("This right is already registered.", code="right_registered") from None
    stored = _documents_store(checked, right=right)
    audit_record(
        actor=holder.user,
        action="ip_right.registered",
        target_type="ip_right",
        target_id=right.pk,
        member_id=holder.member_id,
        clause="5.4",
        after={
            "kind": kind,
            "number": number,
            "jurisdiction": jurisdiction,
            "title": title,
            "document_ids": [d.pk for d in stored],
        },
    )
    return right


def _right_of(holder: Member, right_id: int, *, lock: bool = False) -> IPRight:
    if not known_id(right_id):
        raise NotFound(RIGHT_NOT_FOUND)
    qs = IPRight.objects.filter(pk=right_id, holder=holder)
    right = (qs.select_for_update(of=("self",)) if lock else qs).first()
    if right is None:
        raise NotFound(RIGHT_NOT_FOUND)
    return right


def ip_right_document_add(
    *, holder: Member, right_id: int, upload: UploadedFile, name: str = ""
) -> IPDocument:
    return ip_right_documents_add(
        holder=holder, right_id=right_id, documents=[upload], names=[name]
    )[0]


@transaction.atomic
def ip_right_documents_add(
    *,
    holder: Member,
    right_id: int,
    documents: Sequence[UploadedFile],
    names: Sequence[str] = (),
) -> list[IPDocument]:
    """A registration certificate or other proof of the right, while staff have not decided;
    every file is checked before any is stored."""
    right = _right_of(holder, right_id, lock=True)
    if right.status != RightStatus.PENDING:
        raise Conflict("The right is already reviewed.", code="right_reviewed")
    checked = _documents_check(documents, count=right.documents.count(), names=names)
    stored = _documents_store(checked, right=right)
    for document in stored:
        audit_record(
            actor=holder.user,
            action="ip_right.document_added",
            target_type="ip_right",
            target_id=right.pk,
            member_id=holder.member_id,
            clause="5.4",
            after={"document_id": document.pk, "name": document.name},
        )
    return stored


@transaction.atomic
def ip_right_review(*, right_id: int, by: User, approve: bool, reason: str) -> IPRight:
    """Staff approve a right on its documents, or reject it."""
    reason = text_field(reason, "reason", 5_000)
    if not known_id(right_id):
        raise NotFound(RIGHT_NOT_FOUND)
    right = (
        IPRight.objects.select_for_update(of=("self",))
        .filter(pk=right_id)
        .select_related("holder")
        .first()
    )
    if right is None:
        raise NotFound(RIGHT_NOT_FOUND)
    if right.status != RightStatus.PENDING:
        raise Conflict("The right is already reviewed.", code="right_reviewed")
    if approve and not right.documents.exists():
        raise InvalidInput(
            "A right is approved on its documents: none is uploaded.",
            fields={"decision": ["The holder has uploaded no document."]},
            code="right_without_documents",
        )
    right.status = RightStatus.APPROVED if approve else RightStatus.REJECTED
    right.reviewed_by, right.reviewed_at, right.review_reason = by, timezone.now(), reason
    right.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    audit_record(
        actor=by,
        action="ip_right.approved" if approve else "ip_right.rejected",
        target_type="ip_right",
        target_id=right.pk,
        member_id=right.holder.member_id,
        reason=reason,
        clause="5.4",
        before={"status": RightStatus.PENDING},
        after={"status": right.status},
    )
    _notify(
        right.holder,
        f"Your {right.get_kind_display().lower()} {right.number} was "
        f"{'approved' if approve else 'rejected'}",
        f"Our staff reviewed the right you registered ({right}). "
        + ("You may now file claims against listings that infringe it." if approve else "")
        + f"\n\nReason: {reason}",
        by=by,
    )
    return right


# --- Claims -------------------------------------------------------------------------------


def _claimed_listings(holder: Member, listing_ids: Iterable[int]) -> list[Listing]:
    ids = sorted(set(listing_ids))
    limit = load_penalties_policy().ip_claims.max_listings
    if not ids:
        raise InvalidInput(
            "Name the listings that infringe the right.", fields={"listing_ids": ["Required."]}
        )
    if len(ids) > limit:
        raise InvalidInput(
            f"A claim names at most {limit} listings; file several claims.",
            fields={"listing_ids": [f"At most {limit} listings per claim."]},
            code="too_many_listings",
        )
    listings = list(
        Listing.objects.filter(
            pk__in=[i for i in ids if known_id(i)], status__in=("published", "pending_review")
        )
        .select_related("supplier")
        .order_by("pk")
    )
    unknown = sorted(set(ids) - {listing.pk for listing in listings})
    if unknown:
        raise InvalidInput(
            "A listing named is not a listing on the platform.",
            fields={"listing_ids": [f"Unknown or not shown: {unknown}."]},
            code="unknown_listing",
        )
    suppliers = {listing.supplier_id for listing in listings}
    if len(suppliers) > 1:
        raise InvalidInput(
            "A claim names listings of one supplier; file one claim per supplier.",
            fields={"listing_ids": ["Listings of several suppliers."]},
            code="several_suppliers",
        )
    if holder.pk in suppliers:
        raise InvalidInput(
            "These are your own listings.", fields={"listing_ids": ["Your own listings."]}
        )
    return listings


@transaction.atomic
def ip_claim_file(
    *,
    holder: Member,
    right_id: int,
    listing_ids: Iterable[int],
    description: str,
    now: datetime | None = None,
) -> IPClaim:
    """Clause 5.4: the listings are held at once and the supplier given notice and a
    deadline for a counter-notice, in working days (policy)."""
    right = _right_of(holder, right_id)
    if right.status != RightStatus.APPROVED:
        raise Conflict(
            f"Claims rest on an approved right; this one is {right.get_status_display().lower()}.",
            code="right_not_approved",
        )
    description = text_field(description, "description", 10_000)
    listings = _claimed_listings(holder, listing_ids)
    supplier = listings[0].supplier
    now = now or timezone.now()
    policy = load_penalties_policy().ip_claims
    complaint = complaint_file(
        subject=supplier,
        ground="5.4",
        description=f"Rights claim under {right}: {description}",
        listing_ids=[listing.pk for listing in listings],
        complainant=holder,
        source=ComplaintSource.IP_CLAIM,
        by=holder.user,
    )
    due = rules.counter_notice_deadline(
        now,
        working_days=policy.counter_notice_working_days,
        zone=policy.timezone,
        holidays=policy.holidays,
    )
    claim = IPClaim.objects.create(
        right=right,
        holder=holder,
        supplier=supplier,
        complaint=complaint,
        description=description,
        filed_at=now,
        counter_notice_due=due,
    )
    before = listings_hold(
        listing_ids=[listing.pk for listing in listings],
        reason_text=f"Rights claim {claim.pk} under {right} (clause 5.4).",
    )
    IPClaimListing.objects.bulk_create(
        IPClaimListing(claim=claim, listing_id=pk, status_before=status)
        for pk, status in sorted(before.items())
    )
    audit_record(
        actor=holder.user,
        action="ip_claim.filed",
        target_type="ip_claim",
        target_id=claim.pk,
        member_id=supplier.member_id,
        reason=description,
        clause="5.4",
        after={
            "right_id": right.pk,
            "holder": holder.member_id,
            "complaint_id": complaint.pk,
            "case_id": complaint.case_id,
            "listing_ids": sorted(before),
            "counter_notice_due": due.isoformat(),
        },
    )
    titles = "\n".join(f"- #{listing.pk} {listing.title}" for listing in listings)
    _notify(
        supplier,
        "A rights claim against your listings: they are hidden",
        f"{holder.company_name} claims that these listings infringe its "
        f"{right.get_kind_display().lower()} {right.number} ({right.jurisdiction}, "
        f"“{right.title}”), clause 5.4 of the Terms:\n{titles}\n\nThe listings are hidden "
        f"while the claim is examined. You may file a counter-notice with evidence until "
        f"{due:%A %d %B %Y, %H:%M %Z} (claim {claim.pk}). Without one by then the listings are "
        "removed (clause 6.1 (iv)) and the infringement counts as an IP strike.",
    )
    return claim


def _claim_locked(claim_id: int, *, q: Q | None = None) -> IPClaim:
    if not known_id(claim_id):
        raise NotFound(CLAIM_NOT_FOUND)
    qs = IPClaim.objects.select_for_update(of=("self",)).filter(pk=claim_id)
    claim = (
        (qs.filter(q) if q is not None else qs)
        .select_related("supplier", "holder", "right", "complaint")
        .first()
    )
    if claim is None:
        raise NotFound(CLAIM_NOT_FOUND)
    return claim


def _listing_ids(claim: IPClaim) -> list[int]:
    return list(claim.items.values_list("listing_id", flat=True))


def _lapse(claim: IPClaim, *, now: datetime) -> None:
    """Clause 6.1 (iv): no counter-notice by the deadline: the complaint is established
    (an IP strike) and the listings are removed, by the platform itself."""
    removed = listings_remove_held(
        listing_ids=_listing_ids(claim),
        by=None,
        reason_text=f"Rights claim {claim.pk}: no counter-notice by the deadline.",
    )
    claim.status = ClaimStatus.UPHELD
    claim.decided_at = now
    claim.decision_reason = "No counter-notice by the deadline."
    claim.save(update_fields=["status", "decided_at", "decision_reason"])
    audit_record(
        actor=None,
        action="ip_claim.lapsed",
        target_type="ip_claim",
        target_id=claim.pk,
        member_id=claim.supplier.member_id,
        reason=claim.decision_reason,
        clause="6.1 (iv)",
        before={"status": ClaimStatus.AWAITING_COUNTER_NOTICE},
        after={"status": claim.status, "removed_listing_ids": removed},
    )
    complaint_establish(
        complaint_id=claim.complaint_id,
        by=None,
        reason=f"Rights claim {claim.pk}: no counter-notice by "
        f"{claim.counter_notice_due:%Y-%m-%d %H:%M %Z}.",
        now=now,
        via_claim=True,
    )
    _notify(
        claim.supplier,
        "Listings removed: no counter-notice to the rights claim",
        f"No counter-notice to rights claim {claim.pk} reached us by the deadline. The "
        f"listings it named are removed (clause 6.1 (iv)) and an IP strike is counted.",
    )
    _notify(
        claim.holder,
        "Your rights claim is upheld",
        f"The supplier filed no counter-notice to claim {claim.pk} by the deadline; the "
        "listings are removed.",
    )


def ip_claims_process_due(
    *, now: datetime | None = None, claim_ids: Iterable[int] | None = None
) -> list[int]:
    """Lapse every claim whose counter-notice deadline passed without one (each in its own
    transaction). Called when claims are read, and by `tradepost trust ip-deadlines`."""
    now = now or timezone.now()
    due = IPClaim.objects.filter(
        status=ClaimStatus.AWAITING_COUNTER_NOTICE, counter_notice_due__lt=now
    )
    if claim_ids is not None:
        due = due.filter(pk__in=[pk for pk in claim_ids if known_id(pk)])
    lapsed = []
    for pk in due.order_by("counter_notice_due", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            claim = _claim_locked(pk)
            if claim.status != ClaimStatus.AWAITING_COUNTER_NOTICE:
                continue  # another process got there first
            if rules.counter_notice_on_time(deadline=claim.counter_notice_due, now=now):
                continue
            _lapse(claim, now=now)
            lapsed.append(pk)
    return lapsed


@transaction.atomic
def ip_counter_notice_file(
    *,
    supplier: Member,
    claim_id: int,
    statement: str,
    documents: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> CounterNotice:
    """The supplier answers the claim with a counter-notice and its evidence (more may follow
    until staff decide; a bad file files nothing); staff then decide whether the listings are
    restored or removed."""
    statement = text_field(statement, "statement", 20_000)
    checked = _documents_check(documents, count=0)
    now = now or timezone.now()
    claim = _claim_locked(claim_id, q=Q(supplier=supplier))
    if claim.status == ClaimStatus.AWAITING_COUNTER_NOTICE and not rules.counter_notice_on_time(
        deadline=claim.counter_notice_due, now=now
    ):
        raise Conflict(
            "The deadline for a counter-notice has passed.",
            code="counter_notice_late",
            extra={"counter_notice_due": claim.counter_notice_due.isoformat()},
        )
    if claim.status != ClaimStatus.AWAITING_COUNTER_NOTICE:
        raise Conflict(f"The claim is {claim.get_status_display().lower()}.", code="claim_not_open")
    notice = CounterNotice.objects.create(
        claim=claim, statement=statement, by=supplier.user, filed_at=now
    )
    claim.status = ClaimStatus.COUNTERED
    claim.save(update_fields=["status"])
    stored = _documents_store(checked, counter_notice=notice)
    audit_record(
        actor=supplier.user,
        action="ip_claim.counter_noticed",
        target_type="ip_claim",
        target_id=claim.pk,
        member_id=supplier.member_id,
        reason=statement,
        clause="5.4",
        before={"status": ClaimStatus.AWAITING_COUNTER_NOTICE},
        after={
            "status": claim.status,
            "counter_notice_id": notice.pk,
            "document_ids": [d.pk for d in stored],
        },
    )
    _notify(
        claim.holder,
        "A counter-notice to your rights claim",
        f"{supplier.company_name} filed a counter-notice to claim {claim.pk}:\n\n{statement}"
        "\n\nOur staff will decide whether the listings stay removed or are restored.",
    )
    return notice


def ip_counter_notice_document_add(
    *, supplier: Member, claim_id: int, upload: UploadedFile, name: str = ""
) -> IPDocument:
    return ip_counter_notice_documents_add(
        supplier=supplier, claim_id=claim_id, documents=[upload], names=[name]
    )[0]


@transaction.atomic
def ip_counter_notice_documents_add(
    *,
    supplier: Member,
    claim_id: int,
    documents: Sequence[UploadedFile],
    names: Sequence[str] = (),
) -> list[IPDocument]:
    """Clause 5.4: more evidence for the counter-notice, until staff decide; every file is
    checked before any is stored."""
    claim = _claim_locked(claim_id, q=Q(supplier=supplier))
    if claim.status != ClaimStatus.COUNTERED:
        raise Conflict(
            "Evidence goes with a counter-notice that staff have not decided yet.",
            code="claim_not_countered",
        )
    notice = claim.counter_notice
    checked = _documents_check(documents, count=notice.documents.count(), names=names)
    stored = _documents_store(checked, counter_notice=notice)
    for document in stored:
        audit_record(
            actor=supplier.user,
            action="ip_claim.evidence_added",
            target_type="ip_claim",
            target_id=claim.pk,
            member_id=supplier.member_id,
            clause="5.4",
            after={"document_id": document.pk, "name": document.name},
        )
    return stored


@transaction.atomic
def ip_claim_decide(*, claim_id: int, by: User, remove: bool, reason: str) -> IPClaim:
    """After a counter-notice staff decide: remove the listings (6.1 iv; the complaint is
    established and counts an IP strike) or restore them (the complaint is rejected)."""
    reason = text_field(reason, "reason", 5_000)
    claim = _claim_locked(claim_id)
    if claim.status != ClaimStatus.COUNTERED:
        raise Conflict(
            "Staff decide a claim once the supplier has filed a counter-notice.",
            code="claim_not_countered",
            extra={"status": claim.status},
        )
    now = timezone.now()
    if remove:
        moved = listings_remove_held(
            listing_ids=_listing_ids(claim),
            by=by,
            reason_text=f"Rights claim {claim.pk} upheld: {reason}",
        )
        claim.status = ClaimStatus.UPHELD
    else:
        held = dict(claim.items.values_list("listing_id", "status_before"))
        moved = listings_release(
            held=held, by=by, reason_text=f"Rights claim {claim.pk} not upheld: {reason}"
        )
        claim.status = ClaimStatus.RESTORED
    claim.decided_at, claim.decided_by, claim.decision_reason = now, by, reason
    claim.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit_record(
        actor=by,
        action="ip_claim.upheld" if remove else "ip_claim.restored",
        target_type="ip_claim",
        target_id=claim.pk,
        member_id=claim.supplier.member_id,
        reason=reason,
        clause="6.1 (iv)" if remove else "5.4",
        before={"status": ClaimStatus.COUNTERED},
        after={"status": claim.status, "listing_ids": moved},
    )
    if remove:
        complaint_establish(
            complaint_id=claim.complaint_id, by=by, reason=reason, now=now, via_claim=True
        )
    else:
        complaint_reject(complaint_id=claim.complaint_id, by=by, reason=reason, via_claim=True)
    outcome = (
        "upheld: the listings are removed (clause 6.1 (iv))"
        if remove
        else "not upheld: the listings are shown again"
    )
    for member in (claim.supplier, claim.holder):
        _notify(
            member,
            f"Rights claim {claim.pk} decided",
            f"Claim {claim.pk} is {outcome}.\n\n{reason}",
            by=by,
        )
    return claim
