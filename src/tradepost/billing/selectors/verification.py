"""Reads on verification (clause 7.2): a supplier's own requests, the public record of what
was verified, and the documents only their supplier and staff may have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost.billing.models import (
    CheckResult,
    VerificationCheck,
    VerificationDocument,
    VerificationRequest,
    VerificationStatus,
)
from tradepost.billing.rules.verification import verification_current
from tradepost.catalog.cards import country_name
from tradepost.errors import NotFound
from tradepost.members.models import Member, MemberStatus, User
from tradepost.policy.verification import load_verification_policy


def _with_details() -> list[Prefetch]:
    return [
        Prefetch("checks", queryset=VerificationCheck.objects.select_related("checked_by")),
        Prefetch("documents", queryset=VerificationDocument.objects.all()),
    ]


def verification_requests_of(member: Member) -> list[VerificationRequest]:
    """The supplier's requests, newest first, with their checks and documents."""
    return list(
        VerificationRequest.objects.filter(supplier=member)
        .select_related("decided_by")
        .prefetch_related(*_with_details())
    )


def verification_current_of(
    member: Member, *, now: datetime | None = None
) -> VerificationRequest | None:
    """The supplier's verification in force: verified and not past its expiry."""
    now = now or timezone.now()
    request = (
        VerificationRequest.objects.filter(
            supplier=member, status=VerificationStatus.VERIFIED, expires_at__gt=now
        )
        .select_related("decided_by")
        .prefetch_related(*_with_details())
        .first()
    )
    if request is None:
        return None
    if not verification_current(status=request.status, expires_at=request.expires_at, now=now):
        return None
    return request


def staff_label(user: User | None) -> str:
    """Who verified, as the public sees it: the staff role, never a login name."""
    if user is None:
        return _("Tradepost (automatic check)")
    role = user.groups.order_by("name").values_list("name", flat=True).first()
    if role:
        return _("Tradepost staff (%(role)s)") % {"role": role}
    return _("Tradepost staff")


def field_label(field: str) -> str:
    spec = load_verification_policy().fields.get(field)
    return spec.label if spec else field


def display_value(field: str, value: str) -> str:
    """A value as people read it: a country code becomes the country's name."""
    spec = load_verification_policy().fields.get(field)
    if spec is not None and spec.source == "member.country" and value:
        return country_name(value)
    return value


def document_label(kind: str) -> str:
    spec = load_verification_policy().documents.get(kind)
    return spec.label if spec else kind


@dataclass(frozen=True)
class VerifiedField:
    field: str
    label: str
    value: str
    display: str
    checked_at: datetime | None
    checked_by: str
    provider: str


@dataclass(frozen=True)
class PublicVerification:
    """What anyone may see: only fields whose check verified them, of a current verification."""

    supplier: Member
    verified: bool
    verified_at: datetime | None
    expires_at: datetime | None
    verified_by: str
    provider: str
    fields: list[VerifiedField]


def supplier_for_public(member_id: str) -> Member:
    """A supplier whose storefront is public; anything else is the same 404."""
    member = Member.objects.filter(
        member_id=member_id, is_supplier=True, status=MemberStatus.ACTIVE
    ).first()
    if member is None:
        raise NotFound("Supplier not found.")
    return member


def verification_public(member_id: str, *, now: datetime | None = None) -> PublicVerification:
    """Clause 7.2: what was verified about a supplier, when, by whom, and until when. Claims
    that were not verified are left out, never shown as verified."""
    member = supplier_for_public(member_id)
    current = verification_current_of(member, now=now)
    if current is None:
        return PublicVerification(member, False, None, None, "", "", [])
    fields = [
        VerifiedField(
            field=c.field,
            label=field_label(c.field),
            value=c.verified_value,
            display=display_value(c.field, c.verified_value),
            checked_at=c.checked_at,
            checked_by=staff_label(c.checked_by),
            provider=c.provider or current.provider,
        )
        for c in current.checks.all()
        if c.result == CheckResult.VERIFIED
    ]
    return PublicVerification(
        supplier=member,
        verified=True,
        verified_at=current.verified_at,
        expires_at=current.expires_at,
        verified_by=staff_label(current.decided_by),
        provider=current.provider,
        fields=fields,
    )


def verification_document_for_viewer(
    *, user: User | AnonymousUser, document_id: int
) -> VerificationDocument:
    """A verification document for its supplier or for staff who may see verifications;
    everyone else gets the same 404 as for a document that does not exist."""
    doc = (
        VerificationDocument.objects.select_related("request__supplier__user")
        .filter(pk=document_id)
        .first()
    )
    if doc is None or not user.is_authenticated or not user.is_active:
        raise NotFound("Document not found.")
    if doc.request.supplier.user_id == user.pk:
        return doc
    if user.is_staff and user.has_perm("billing.view_verificationrequest"):
        return doc
    raise NotFound("Document not found.")
