"""Use cases on supplier profiles: the company profile buyers see, and certifications."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.catalog import locks, rules, search, uploads
from tradepost.catalog.models import Certification, SupplierProfile, SupplierProfileChange
from tradepost.catalog.policy import load_membership_tiers
from tradepost.catalog.services.listings import supplier_require
from tradepost.errors import InvalidInput, NotFound
from tradepost.members.models import Member, User
from tradepost.policy import COUNTRY_CODES
from tradepost.terms.services import terms_acceptance_guard

# --- Supplier profiles --------------------------------------------------------------------

PROFILE_DESCRIPTION_MAX = 5000
MAIN_PRODUCTS_MAX = 10
MAIN_PRODUCT_MAX = 100
PROFILE_FIELDS = ("description", "main_products", "year_established", "export_markets")


@transaction.atomic
def supplier_profile_update(
    *, member: Member, changes: dict[str, Any], ip: str | None = None
) -> SupplierProfile:
    """The supplier's company profile shown to buyers (5.2: kept true and current).

    Clause 4.4: posting company information is a sensitive action under the Terms gate.
    """
    supplier_require(member)
    terms_acceptance_guard(member=member, action="post_content", ip=ip)
    profile = locks.supplier_profile_for_update(member=member)
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    for name in unknown:
        errors[name] = ["Not a profile field."]
    if "description" in changes:
        profile.description = rules.clean_field(
            changes["description"],
            "description",
            errors,
            limit=PROFILE_DESCRIPTION_MAX,
            required=False,
            multiline=True,
        )
    if "main_products" in changes:
        profile.main_products = rules.string_list_field(
            changes["main_products"],
            "main_products",
            errors,
            max_items=MAIN_PRODUCTS_MAX,
            max_len=MAIN_PRODUCT_MAX,
        )
    if "year_established" in changes:
        profile.year_established = rules.int_field(
            changes["year_established"],
            "year_established",
            errors,
            low=1800,
            high=timezone.localdate().year,
            required=False,
        )
    if "export_markets" in changes:
        markets = rules.string_list_field(
            changes["export_markets"], "export_markets", errors, max_items=250, max_len=2
        )
        markets = [m.upper() for m in markets]
        unknown_codes = [m for m in markets if m not in COUNTRY_CODES]
        if unknown_codes:
            errors.setdefault("export_markets", []).append(
                f"Unknown ISO 3166-1 country codes: {', '.join(unknown_codes)}."
            )
        profile.export_markets = markets
    if errors:
        raise InvalidInput("The profile has invalid fields.", fields=errors)
    profile.save()
    return profile


# --- Staff decisions on a supplier (6.2 iii) ----------------------------------------------

STAFF_PROFILE_FIELDS = ("membership_tier", "listing_cap_override", "verified", "badges")
LISTING_CAP_OVERRIDE_MAX = 1_000_000
BADGES_MAX = 20
BADGE_MAX = 60


@transaction.atomic
def supplier_profile_staff_update(
    *, member: Member, by: User, changes: dict[str, Any], reason: str = ""
) -> SupplierProfile:
    """Staff set a supplier's membership tier, listing-cap override (clause 6.2 iii),
    verification and badges. Each change is audited with the staff member, and the
    supplier's published listings are re-indexed, so the verified filter is right at once."""
    profile = locks.supplier_profile_for_update(member=member)
    errors: dict[str, list[str]] = {}
    for name in sorted(set(changes) - set(STAFF_PROFILE_FIELDS)):
        errors[name] = ["Not a field staff set."]
    new: dict[str, Any] = {}
    if "membership_tier" in changes:
        tiers = load_membership_tiers().tiers
        if changes["membership_tier"] not in tiers:
            errors["membership_tier"] = [f"Choose one of: {', '.join(tiers)}."]
        new["membership_tier"] = changes["membership_tier"]
    if "listing_cap_override" in changes:
        new["listing_cap_override"] = rules.int_field(
            changes["listing_cap_override"],
            "listing_cap_override",
            errors,
            low=0,
            high=LISTING_CAP_OVERRIDE_MAX,
            required=False,
        )
    if "verified" in changes:
        if not isinstance(changes["verified"], bool):
            errors["verified"] = ["Must be true or false."]
        new["verified"] = changes["verified"]
    if "badges" in changes:
        new["badges"] = rules.string_list_field(
            changes["badges"], "badges", errors, max_items=BADGES_MAX, max_len=BADGE_MAX
        )
    reason = rules.clean_field(reason, "reason", errors, limit=2000, required=False)
    if errors:
        raise InvalidInput("The supplier profile has invalid fields.", fields=errors)
    diff = {
        name: [getattr(profile, name), value]
        for name, value in new.items()
        if getattr(profile, name) != value
    }
    if not diff:
        return profile
    for name, (_, value) in diff.items():
        setattr(profile, name, value)
    profile.save()
    SupplierProfileChange.objects.create(profile=profile, by=by, changes=diff, reason=reason)
    if "verified" in diff:
        search.supplier_changed(member_pk=member.pk)
    return profile


@transaction.atomic
def supplier_membership_tier_set(*, member: Member, tier: str, reason: str) -> SupplierProfile:
    """The supplier's membership tier as a paid membership sets it (issue 13): a subscription
    starting or renewing gives its tier, one lapsing gives back the default tier. The tier's
    listing cap (clause 6.2 iii) and quotas are then read from membership_tiers.toml as for
    any tier. Audited with the platform as actor; unknown tiers are refused."""
    tiers = load_membership_tiers()
    if tier not in tiers.tiers:
        raise InvalidInput(
            f"Unknown membership tier {tier!r}.", fields={"tier": [", ".join(tiers.tiers)]}
        )
    profile = locks.supplier_profile_for_update(member=member)
    before = profile.membership_tier
    if before == tier:
        return profile
    profile.membership_tier = tier
    profile.save(update_fields=["membership_tier", "updated_at"])
    audit_record(
        actor=None,
        action="supplier.membership_tier",
        target_type="supplier_profile",
        target_id=profile.pk,
        member_id=member.member_id,
        reason=reason,
        clause="6.2 (iii)",
        before={"membership_tier": before},
        after={"membership_tier": tier},
    )
    return profile


def supplier_verified_sync(*, member: Member, verified: bool, by: User | None, reason: str) -> bool:
    """Clause 7.2: the verification service (billing) keeps `SupplierProfile.verified` in step
    with the supplier's current verification, so the storefront, cards and search read one
    truth. `by` is the staff user who decided, or None for the platform (an expiry). Answers
    whether the flag changed; the listings are re-indexed when it did."""
    profile = locks.supplier_profile_for_update(member=member)
    if profile.verified == verified:
        return False
    before = profile.verified
    profile.verified = verified
    profile.save(update_fields=["verified", "updated_at"])
    if by is not None:
        SupplierProfileChange.objects.create(
            profile=profile, by=by, changes={"verified": [before, verified]}, reason=reason
        )
    audit_record(
        actor=by,
        action="supplier_verified_sync",
        target_type="catalog.SupplierProfile",
        target_id=profile.pk,
        member_id=member.member_id,
        reason=reason,
        clause="7.2",
        before={"verified": before},
        after={"verified": verified},
    )
    search.supplier_changed(member_pk=member.pk)
    return True


@transaction.atomic
def certification_add(
    *, member: Member, name: str, issuer: str, upload: UploadedFile, ip: str | None = None
) -> Certification:
    """A certification document on the supplier's profile (a PDF or an image); clause 4.4."""
    supplier_require(member)
    terms_acceptance_guard(member=member, action="post_content", ip=ip)
    profile = locks.supplier_profile_for_update(member=member)
    errors: dict[str, list[str]] = {}
    name = rules.clean_field(name, "name", errors, limit=200, required=True)
    issuer = rules.clean_field(issuer, "issuer", errors, limit=200, required=False)
    if errors:
        raise InvalidInput("The certification has invalid fields.", fields=errors)
    if profile.certifications.count() >= uploads.CERTIFICATIONS_PER_PROFILE:
        raise InvalidInput(
            "Too many certifications.",
            fields={"document": [f"At most {uploads.CERTIFICATIONS_PER_PROFILE}."]},
        )
    data = uploads.read_upload(upload, field="document", max_bytes=uploads.DOCUMENT_MAX_BYTES)
    info = uploads.inspect_document(data)
    cert = Certification(
        profile=profile, name=name, issuer=issuer, content_type=info.content_type, size=info.size
    )
    cert.document.save(f"{uuid.uuid4().hex}.{info.extension}", ContentFile(info.data), save=False)
    cert.save()
    return cert


@transaction.atomic
def certification_remove(*, member: Member, certification_id: int) -> None:
    profile = locks.supplier_profile_for_update(member=member)
    cert = profile.certifications.filter(pk=certification_id).first()
    if cert is None:
        raise NotFound("Certification not found.")
    storage, name = cert.document.storage, cert.document.name
    cert.delete()
    if name:  # a stored document always has one
        transaction.on_commit(lambda: storage.delete(name))
