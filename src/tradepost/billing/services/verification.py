"""Verification of paying suppliers (clause 7.2): the supplier asks, staff (or a provider)
record a check per claimed field, staff decide, and the verification expires after the
policy's period. Every step writes an audit row; the catalog's `SupplierProfile.verified`
follows the supplier's current verification through a catalog service (one truth for the
storefront, the cards and search)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.billing.models import (
    OPEN_STATUSES,
    VERIFICATION_TRANSITIONS,
    CheckResult,
    VerificationCheck,
    VerificationDocument,
    VerificationRequest,
    VerificationStatus,
)
from tradepost.billing.rules.verification import Eligibility, verification_eligibility
from tradepost.billing.verification_providers import verification_provider
from tradepost.billing.verification_providers.base import ClaimIn
from tradepost.catalog import uploads
from tradepost.catalog.models import SupplierProfile
from tradepost.catalog.policy import load_membership_tiers
from tradepost.catalog.services import NotASupplier, supplier_verified_sync
from tradepost.errors import (
    AccountNotActive,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from tradepost.members.models import Member, MemberStatus, User
from tradepost.policy.verification import VerificationPolicy, load_verification_policy

CLAUSE = "7.2"
CLAIM_MAX = 200
REASON_MAX = 2000


class VerificationNotEligible(PermissionDeniedError):
    """Clause 7.2: verification is for paying suppliers."""

    code = "verification_not_eligible"


class VerificationPending(Conflict):
    code = "verification_pending"


class VerificationIllegalTransition(Conflict):
    code = "verification_illegal_transition"


_ELIGIBILITY_ERRORS: dict[str, type[PermissionDeniedError] | type[Conflict]] = {
    "not_a_supplier": NotASupplier,
    "account_not_active": AccountNotActive,
    "verification_not_eligible": VerificationNotEligible,
    "verification_pending": VerificationPending,
}


def _tier_of(member: Member) -> str:
    tier = (
        SupplierProfile.objects.filter(member=member)
        .values_list("membership_tier", flat=True)
        .first()
    )
    return tier or load_membership_tiers().default_tier


def verification_eligibility_of(member: Member) -> Eligibility:
    """Whether `member` may ask for verification now (read-only; the service re-checks)."""
    return verification_eligibility(
        is_supplier=member.is_supplier,
        member_active=member.status == MemberStatus.ACTIVE,
        tier=_tier_of(member),
        default_tier=load_membership_tiers().default_tier,
        has_open_request=VerificationRequest.objects.filter(
            supplier=member, status__in=OPEN_STATUSES
        ).exists(),
        policy=load_verification_policy(),
    )


def _raise_for(eligibility: Eligibility) -> None:
    if not eligibility.allowed:
        error = _ELIGIBILITY_ERRORS[eligibility.code]
        raise error(
            eligibility.message, extra={"rule": eligibility.rule, "clause": eligibility.clause}
        )


def _claims(
    *,
    member: Member,
    fields: Sequence[str] | None,
    claims: dict[str, str],
    policy: VerificationPolicy,
) -> list[ClaimIn]:
    """The claimed value of each field asked for: from the member's own record (one truth)
    or, for `claim` fields, as the supplier typed it."""
    chosen = list(dict.fromkeys(fields)) if fields else policy.default_fields()
    errors: dict[str, list[str]] = {}
    unknown = [f for f in chosen if f not in policy.fields]
    if unknown:
        errors["fields"] = [f"Not a field that can be verified: {', '.join(unknown)}."]
    extra = sorted(set(claims) - {f for f in chosen if f in policy.fields})
    for name in extra:
        errors[f"claims.{name}"] = ["Not a field asked for."]
    profile = SupplierProfile.objects.filter(member=member).first()
    out: list[ClaimIn] = []
    for name in chosen:
        spec = policy.fields.get(name)
        if spec is None:
            continue
        if spec.claimed_by_supplier:
            value = str(claims.get(name, "") or "").strip()
            if not value:
                errors[f"claims.{name}"] = [f"Enter the {spec.label.lower()}."]
            elif len(value) > CLAIM_MAX:
                errors[f"claims.{name}"] = [f"At most {CLAIM_MAX} characters."]
        else:
            owner, _, attr = spec.source.partition(".")
            record = member if owner == "member" else profile
            raw = getattr(record, attr, None) if record is not None else None
            value = "" if raw is None else " ".join(str(raw).split())
            if not value:
                errors[f"fields.{name}"] = [
                    f"Your profile has no {spec.label.lower()}: add it first, or leave it out."
                ]
        out.append(ClaimIn(field=name, claimed_value=value[:500]))
    if errors:
        raise InvalidInput("The verification request has invalid fields.", fields=errors)
    return out


def _documents(
    documents: Sequence[tuple[str, UploadedFile]], policy: VerificationPolicy
) -> list[tuple[str, uploads.FileInfo]]:
    errors: dict[str, list[str]] = {}
    for kind in sorted({k for k, _ in documents} - set(policy.documents)):
        errors[f"documents.{kind}"] = ["Not a kind of document this asks for."]
    for kind in policy.required_documents():
        if kind not in {k for k, _ in documents}:
            errors[f"documents.{kind}"] = [f"Upload the {policy.documents[kind].label.lower()}."]
    if len(documents) > policy.max_documents:
        errors["documents"] = [f"At most {policy.max_documents} documents."]
    if errors:
        raise InvalidInput("The verification request has invalid documents.", fields=errors)
    out = []
    for kind, upload in documents:
        field = f"documents.{kind}"
        data = uploads.read_upload(upload, field=field, max_bytes=uploads.DOCUMENT_MAX_BYTES)
        out.append((kind, uploads.inspect_document(data, field=field)))
    return out


@transaction.atomic
def verification_request(
    *,
    member: Member,
    documents: Sequence[tuple[str, UploadedFile]],
    fields: Sequence[str] | None = None,
    claims: dict[str, str] | None = None,
) -> VerificationRequest:
    """Clause 7.2: a paying supplier asks to have its information verified, with its business
    licence and other documents. The provider (manual by default) receives the claims."""
    Member.objects.select_for_update().filter(pk=member.pk).first()
    eligibility = verification_eligibility_of(member)
    _raise_for(eligibility)
    policy = load_verification_policy()
    problems: dict[str, list[str]] = {}
    try:
        claimed = _claims(member=member, fields=fields, claims=claims or {}, policy=policy)
    except InvalidInput as exc:
        problems.update(exc.fields)
    try:
        files = _documents(documents, policy)
    except InvalidInput as exc:
        if not problems:
            raise
        problems.update(exc.fields)
    if problems:
        raise InvalidInput("The verification request has invalid fields.", fields=problems)
    provider = verification_provider()
    try:
        with transaction.atomic():
            request = VerificationRequest.objects.create(
                supplier=member, provider=provider.name, membership_tier=_tier_of(member)
            )
    except IntegrityError as exc:  # a concurrent request won the one open slot
        raise VerificationPending("You already have a verification request in progress.") from exc
    checks = {
        c.field: VerificationCheck.objects.create(
            request=request, field=c.field, claimed_value=c.claimed_value
        )
        for c in claimed
    }
    for kind, info in files:
        doc = VerificationDocument(
            request=request, kind=kind, content_type=info.content_type, size=info.size
        )
        doc.file.save(f"{uuid.uuid4().hex}.{info.extension}", ContentFile(info.data), save=False)
        doc.save()
    submission = provider.submit(request_id=request.pk, country=member.country, claims=claimed)
    request.provider_reference = submission.reference[:128]
    request.save(update_fields=["provider_reference", "updated_at"])
    now = timezone.now()
    for found in submission.checks:
        check = checks.get(found.field)
        if check is None or found.result not in CheckResult.values:
            continue
        check.result = found.result
        check.verified_value = found.verified_value[:500]
        check.note = found.note
        check.checked_at = now
        check.provider = provider.name
        check.save()
    audit_record(
        actor=member.user,
        action="verification_request",
        target_type="billing.VerificationRequest",
        target_id=request.pk,
        member_id=member.member_id,
        clause=CLAUSE,
        after={
            "fields": [c.field for c in claimed],
            "documents": [k for k, _ in files],
            "tier": request.membership_tier,
            "provider": provider.name,
        },
    )
    return request


# --- Staff: checks and decisions ----------------------------------------------------------


def _staff_require(by: User) -> None:
    if not (by.is_active and by.is_staff):
        raise PermissionDeniedError("Only staff record verification checks and decisions.")


def _request_for_update(verification_id: int) -> VerificationRequest:
    request = (
        VerificationRequest.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .filter(pk=verification_id)
        .first()
    )
    if request is None:
        raise NotFound("Verification request not found.")
    return request


def _move(request: VerificationRequest, to: str) -> str:
    before = request.status
    if to not in VERIFICATION_TRANSITIONS[before]:
        raise VerificationIllegalTransition(
            f"A verification that is {request.get_status_display().lower()} cannot become "
            f"{VerificationStatus(to).label.lower()}.",
            extra={"from": before, "to": to},
        )
    request.status = to
    return before


@transaction.atomic
def verification_review_start(*, verification_id: int, by: User) -> VerificationRequest:
    """Staff take a submitted request into review."""
    _staff_require(by)
    request = _request_for_update(verification_id)
    before = _move(request, VerificationStatus.IN_REVIEW)
    request.save(update_fields=["status", "updated_at"])
    _audit(request, by, "verification_review_start", before=before)
    return request


@transaction.atomic
def verification_check_record(
    *,
    verification_id: int,
    field: str,
    result: str,
    by: User,
    verified_value: str = "",
    note: str = "",
) -> VerificationCheck:
    """Clause 7.2: staff record what they found for one claimed field (the manual provider).
    A verified field keeps the value staff confirmed (the claim, unless they corrected it)."""
    _staff_require(by)
    request = _request_for_update(verification_id)
    if not request.is_open:
        raise VerificationIllegalTransition(
            "Checks are recorded only while the request is open.",
            extra={"from": request.status},
        )
    check = request.checks.filter(field=field).first()
    if check is None:
        raise NotFound("This request has no such field to check.")
    errors: dict[str, list[str]] = {}
    if result not in CheckResult.values or result == CheckResult.PENDING:
        choices = ", ".join(v for v in CheckResult.values if v != CheckResult.PENDING)
        errors["result"] = [f"Choose one of: {choices}."]
    verified_value = " ".join(str(verified_value or "").split())
    if len(verified_value) > 500:
        errors["verified_value"] = ["At most 500 characters."]
    note = str(note or "").strip()
    if len(note) > REASON_MAX:
        errors["note"] = [f"At most {REASON_MAX} characters."]
    if errors:
        raise InvalidInput("The check has invalid fields.", fields=errors)
    before = {"result": check.result, "verified_value": check.verified_value}
    check.result = result
    check.verified_value = (verified_value or check.claimed_value) if result == "verified" else ""
    check.note = note
    check.checked_by = by
    check.checked_at = timezone.now()
    check.provider = "manual"
    check.save()
    if request.status == VerificationStatus.SUBMITTED:
        _move(request, VerificationStatus.IN_REVIEW)
        request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action="verification_check_record",
        target_type="billing.VerificationCheck",
        target_id=check.pk,
        member_id=request.supplier.member_id,
        clause=CLAUSE,
        before=before,
        after={"field": field, "result": check.result, "verified_value": check.verified_value},
    )
    return check


@transaction.atomic
def verification_decide(
    *, verification_id: int, decision: str, by: User, reason: str = ""
) -> VerificationRequest:
    """Clause 7.2: staff verify (every field checked, at least one verified) or reject (with
    a reason the supplier sees). A verification replaces the supplier's earlier one and
    expires after the policy's `validity_days`."""
    _staff_require(by)
    request = _request_for_update(verification_id)
    reason = str(reason or "").strip()
    if decision not in (VerificationStatus.VERIFIED, VerificationStatus.REJECTED):
        raise InvalidInput(
            "Decide verified or rejected.", fields={"decision": ["Choose verified or rejected."]}
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput("The reason is too long.", fields={"reason": [f"At most {REASON_MAX}."]})
    if decision == VerificationStatus.REJECTED and not reason:
        raise InvalidInput(
            "Say why the request is rejected.", fields={"reason": ["The supplier sees this."]}
        )
    if decision == VerificationStatus.VERIFIED:
        results = list(request.checks.values_list("result", flat=True))
        if CheckResult.PENDING in results:
            raise InvalidInput(
                "Record a check for every field first.",
                fields={"checks": ["Some fields are not checked yet."]},
                code="checks_incomplete",
            )
        if CheckResult.VERIFIED not in results:
            raise InvalidInput(
                "Nothing was verified: reject the request instead.",
                fields={"checks": ["No field is verified."]},
                code="nothing_verified",
            )
    before = _move(request, decision)
    now = timezone.now()
    request.decided_at, request.decided_by, request.decision_reason = now, by, reason
    if decision == VerificationStatus.VERIFIED:
        for earlier in VerificationRequest.objects.select_for_update().filter(
            supplier=request.supplier, status=VerificationStatus.VERIFIED
        ):
            _expire(earlier, now=now, why="superseded")
        request.verified_at = now
        request.expires_at = now + timedelta(days=load_verification_policy().validity_days)
    request.save()
    _audit(request, by, "verification_decide", before=before, reason=reason)
    if decision == VerificationStatus.VERIFIED:
        supplier_verified_sync(
            member=request.supplier,
            verified=True,
            by=by,
            reason=f"Verification {request.pk} verified (clause 7.2).",
        )
    return request


def _expire(request: VerificationRequest, *, now: datetime, why: str) -> None:
    before = _move(request, VerificationStatus.EXPIRED)
    request.expired_at = now
    request.save(update_fields=["status", "expired_at", "updated_at"])
    _audit(request, None, "verification_expire", before=before, reason=why)


def _audit(
    request: VerificationRequest, by: User | None, action: str, *, before: str, reason: str = ""
) -> None:
    audit_record(
        actor=by,
        action=action,
        target_type="billing.VerificationRequest",
        target_id=request.pk,
        member_id=request.supplier.member_id,
        reason=reason,
        clause=CLAUSE,
        before={"status": before},
        after={"status": request.status, "expires_at": request.expires_at},
    )


def verification_expire_due(*, now: datetime | None = None) -> int:
    """Clause 7.2: a verification lapses after the configured period; the badge goes with it.
    Each expiry is its own transaction, so one failure does not hold back the rest."""
    now = now or timezone.now()
    due = list(
        VerificationRequest.objects.filter(
            status=VerificationStatus.VERIFIED, expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            request = _request_for_update(pk)
            if request.status != VerificationStatus.VERIFIED or request.expires_at is None:
                continue
            if request.expires_at > now:
                continue
            _expire(request, now=now, why="validity period over")
            supplier_verified_sync(
                member=request.supplier,
                verified=False,
                by=None,
                reason=f"Verification {request.pk} expired (clause 7.2).",
            )
            expired += 1
    return expired
