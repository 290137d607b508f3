"""What a disclosure (clause 6.4) holds for one member and one data category: the records as
plain JSON-ready data and the stored files the category includes.

One reader per category of `policy/disclosure.toml`; each reads only its own records (read
only, through the owning apps' models and selectors), so an export holds exactly the scope
legal counsel approved and nothing else. `CATEGORY_READERS` must cover every policy key (a
test checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessLog
from django.db.models import Model, Q, QuerySet
from django.db.models.fields.files import FieldFile

from tradepost.audit.models import AuditEntry
from tradepost.catalog.models import Certification, Listing, ListingImage, SupplierProfile
from tradepost.members.models import (
    BusinessReferee,
    Member,
    MemberIdentifier,
    MemberStatusChange,
    ProfileRevision,
)
from tradepost.members.selectors import api_tokens_for_user
from tradepost.notices.models import Notice
from tradepost.terms.models import AgreementAcceptance, TermsAcceptance
from tradepost.trust.models.requests import InformationRequest, InformationRequestFile


@dataclass
class Attachment:
    """A stored file to put in the export at `path` (relative to the category's folder)."""

    path: str
    file: FieldFile
    source: str


@dataclass
class CategoryData:
    records: Any
    attachments: list[Attachment] = field(default_factory=list)


def _values(rows: QuerySet[Any], fields: Iterable[str]) -> list[dict[str, Any]]:
    return [dict(row) for row in rows.values(*fields)]


def _model_dict(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _file_attachment(prefix: str, file: FieldFile, source: str) -> Attachment | None:
    """The file at `<prefix>-<stored name>` in the category's folder of the export."""
    if not file or not file.name:
        return None
    return Attachment(f"{prefix}-{file.name.rsplit('/', 1)[-1]}", file, source)


MEMBER_PROFILE_FIELDS = (
    "member_id",
    "site",
    "company_name",
    "business_type",
    "country",
    "registration_number",
    "status",
    "status_reason",
    "status_changed_at",
    "is_buyer",
    "is_supplier",
    "created_at",
    "updated_at",
)


def profile_data(member: Member) -> CategoryData:
    """Clauses 5.1, 5.2: the company as registered and as kept current, with its storefront."""
    profile = SupplierProfile.objects.filter(member=member).first()
    supplier: dict[str, Any] | None = None
    attachments: list[Attachment] = []
    if profile is not None:
        supplier = _model_dict(
            profile,
            (
                "description",
                "main_products",
                "year_established",
                "export_markets",
                "verified",
                "badges",
                "membership_tier",
                "updated_at",
            ),
        )
        supplier["logo"] = profile.logo.name or None
        supplier["banner"] = profile.banner.name or None
        for name, file in (("logo", profile.logo), ("banner", profile.banner)):
            found = _file_attachment(name, file, f"supplier_profile.{name}")
            if found:
                attachments.append(found)
    revisions = _values(
        ProfileRevision.objects.filter(member=member).order_by("changed_at", "id"),
        ("changed_at", "changes", "ip", "changed_by__username"),
    )
    return CategoryData(
        {
            "member": _model_dict(member, MEMBER_PROFILE_FIELDS),
            "supplier_profile": supplier,
            "profile_revisions": revisions,
        },
        attachments,
    )


def contact_data(member: Member) -> CategoryData:
    """Clause 5.1: how to reach the member."""
    return CategoryData(
        _model_dict(
            member, ("contact_name", "email", "phone", "address", "country", "access_country")
        )
    )


def registration_data(member: Member) -> CategoryData:
    """Clauses 4.1, 4.2: the registration record, its identifiers and status history."""
    return CategoryData(
        {
            "member_id": member.member_id,
            "registered_at": member.created_at,
            "registration_ip": member.registration_ip,
            "contracting_entity": member.contracting_entity,
            "contracting_rule": member.contracting_rule,
            "contracting_clause": member.contracting_clause,
            "identifiers": _values(
                MemberIdentifier.objects.filter(member=member).order_by("kind", "id"),
                ("kind", "value"),
            ),
            "status_history": _values(
                MemberStatusChange.objects.filter(member=member).order_by("changed_at", "id"),
                ("from_status", "to_status", "reason", "changed_at", "changed_by__username"),
            ),
        }
    )


def referees_data(member: Member) -> CategoryData:
    """Clause 5.8: the business referees the member named."""
    return CategoryData(
        _values(
            BusinessReferee.objects.filter(member=member).order_by("created_at", "id"),
            (
                "name",
                "company",
                "email",
                "phone",
                "relationship",
                "consent_given",
                "consent_recorded_at",
                "created_at",
            ),
        )
    )


def certifications_data(member: Member) -> CategoryData:
    """Clause 4.4: certification records and their documents."""
    records, attachments = [], []
    for cert in Certification.objects.filter(profile__member=member).order_by("uploaded_at", "id"):
        record = _model_dict(
            cert, ("id", "name", "issuer", "content_type", "size", "uploaded_at", "verified_at")
        )
        found = _file_attachment(str(cert.pk), cert.document, "certification")
        record["file"] = found.path if found else None
        records.append(record)
        if found:
            attachments.append(found)
    return CategoryData(records, attachments)


LISTING_FIELDS = (
    "id",
    "title",
    "description",
    "attributes",
    "keywords",
    "currency",
    "moq",
    "unit",
    "lead_time_days",
    "port",
    "incoterm",
    "sample_available",
    "ships_to",
    "status",
    "created_at",
    "updated_at",
    "published_at",
)


def listings_data(member: Member) -> CategoryData:
    """Clause 5.5: the member's listings, their tiers, history and images (originals)."""
    records, attachments = [], []
    listings = (
        Listing.objects.filter(supplier=member)
        .select_related("category")
        .prefetch_related("price_tiers", "transitions")
        .order_by("created_at", "id")
    )
    for listing in listings:
        record = _model_dict(listing, LISTING_FIELDS)
        record["category"] = listing.category.slug
        record["price_tiers"] = [
            {"min_qty": t.min_qty, "unit_price": t.unit_price} for t in listing.price_tiers.all()
        ]
        record["transitions"] = [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "at": t.at,
                "actor": t.actor,
                "reason_code": t.reason_code,
                "reason_text": t.reason_text,
            }
            for t in sorted(listing.transitions.all(), key=lambda t: (t.at, t.pk))
        ]
        images = []
        for image in ListingImage.objects.filter(listing=listing).order_by("position", "id"):
            found = _file_attachment(str(listing.pk), image.image, "listing_image")
            images.append(
                {
                    "content_type": image.content_type,
                    "size": image.size,
                    "width": image.width,
                    "height": image.height,
                    "file": found.path if found else None,
                }
            )
            if found:
                attachments.append(found)
        record["images"] = images
        records.append(record)
    return CategoryData(records, attachments)


def notices_data(member: Member) -> CategoryData:
    """Clause 11.2: notices to the member and their deemed receipt."""
    return CategoryData(
        _values(
            Notice.objects.filter(member=member).order_by("created_at", "id"),
            (
                "id",
                "kind",
                "channel",
                "subject",
                "body",
                "recipient_address",
                "created_at",
                "sent_at",
                "deemed_received_at",
                "deemed_rule",
                "deemed_clause",
                "read_at",
            ),
        )
    )


def terms_acceptances_data(member: Member) -> CategoryData:
    """Clauses 1.1, 1.5: each acceptance of the Terms and of Additional Agreements."""
    return CategoryData(
        {
            "terms": _values(
                TermsAcceptance.objects.filter(member=member).order_by("accepted_at", "id"),
                (
                    "version__site",
                    "version__label",
                    "version__effective_date",
                    "accepted_at",
                    "method",
                    "ip",
                    "text_sha256",
                ),
            ),
            "agreements": _values(
                AgreementAcceptance.objects.filter(member=member).order_by("accepted_at", "id"),
                ("version_id", "accepted_at", "ip", "text_sha256"),
            ),
        }
    )


def audit_data(member: Member) -> CategoryData:
    """The audit rows about the member, oldest first."""
    return CategoryData(
        _values(
            AuditEntry.objects.filter(
                Q(member_id=member.member_id) | Q(target_type="member", target_id=member.member_id)
            ).order_by("at", "id"),
            (
                "at",
                "actor_label",
                "action",
                "target_type",
                "target_id",
                "reason",
                "clause",
                "before",
                "after",
                "request_id",
            ),
        )
    )


def sessions_data(member: Member) -> CategoryData:
    """Logins the platform recorded and the member's API tokens (never their secret)."""
    return CategoryData(
        {
            "logins": _values(
                AccessLog.objects.filter(username=member.user.username).order_by(
                    "attempt_time", "id"
                ),
                ("attempt_time", "logout_time", "ip_address", "user_agent", "path_info"),
            ),
            "api_tokens": _values(
                api_tokens_for_user(member.user).order_by("created_at", "id"),
                ("name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"),
            ),
        }
    )


def information_requests_data(member: Member) -> CategoryData:
    """Clauses 5.9, 7.5: what the platform asked, what the member answered and uploaded."""
    records, attachments = [], []
    requests = InformationRequest.objects.filter(member=member).order_by("created_at", "id")
    files = InformationRequestFile.objects.filter(request__member=member).order_by(
        "uploaded_at", "id"
    )
    by_request: dict[int, list[InformationRequestFile]] = {}
    for f in files:
        by_request.setdefault(f.request_id, []).append(f)
    for request in requests:
        record = _model_dict(
            request,
            (
                "id",
                "clause",
                "questions",
                "deadline",
                "status",
                "created_at",
                "answer",
                "answered_at",
                "overdue_at",
                "closed_at",
            ),
        )
        record["files"] = []
        for f in by_request.get(request.pk, []):
            found = _file_attachment(str(request.pk), f.file, "answer")
            record["files"].append(
                {
                    "name": f.original_name,
                    "content_type": f.content_type,
                    "size": f.size,
                    "sha256": f.sha256,
                    "file": found.path if found else None,
                }
            )
            if found:
                attachments.append(found)
        records.append(record)
    return CategoryData(records, attachments)


CATEGORY_READERS: dict[str, Callable[[Member], CategoryData]] = {
    "profile": profile_data,
    "contact": contact_data,
    "registration": registration_data,
    "referees": referees_data,
    "certifications": certifications_data,
    "listings": listings_data,
    "notices": notices_data,
    "terms_acceptances": terms_acceptances_data,
    "audit": audit_data,
    "sessions": sessions_data,
    "information_requests": information_requests_data,
}


def category_data(*, member: Member, category: str) -> CategoryData:
    return CATEGORY_READERS[category](member)
