"""Use cases on listings: create, edit, submit, withdraw, delete, images, moderation (6.1).

One function per use case, each in a transaction, raising domain errors. Every move of a
listing goes through `_move`, which checks the transition table (rules.TRANSITIONS) and
writes the audit row; every change to a listing's state or searchable content ends with
`search.index_listing` in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tradepost import gates
from tradepost.catalog import locks, rules, search, selectors, uploads
from tradepost.catalog.models import (
    Category,
    LicenceGrant,
    Listing,
    ListingImage,
    ListingStatus,
    ListingTransition,
    ModerationReason,
    PriceTier,
)
from tradepost.catalog.rules import Action, Actor
from tradepost.catalog.screening import Screening, screen_listing
from tradepost.errors import (
    AccountNotActive,
    Conflict,
    DomainError,
    FeatureRestricted,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from tradepost.members.models import Member, MemberStatus, User
from tradepost.money import decimal_str
from tradepost.terms.selectors import terms_version_in_force
from tradepost.terms.services import agreement_guard, terms_acceptance_guard
from tradepost.text import text_problem

S = ListingStatus


class NotASupplier(PermissionDeniedError):
    code = "not_a_supplier"


class ListingCapReached(DomainError):
    """Clause 6.2 (iii): the member's limit on published listings."""

    code = "listing_cap_reached"
    status = 403


class IllegalTransition(Conflict):
    code = "illegal_transition"


# --- Who may post -------------------------------------------------------------------------


def supplier_require(member: Member | None) -> Member:
    """Only active members with the supplier role post listings (5.1, 6.2)."""
    if member is None or not member.is_supplier:
        raise NotASupplier("Only members with the supplier role can manage listings.")
    if member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(
            f"Your account is {member.get_status_display().lower()}: you cannot post listings."
        )
    return member


def posting_guard(*, member: Member, ip: str | None) -> None:
    """Clauses 1.3, 1.5, 4.4: bound by the Terms in force and the listing services' agreement.
    Clause 6.2 (iv): no disciplinary action in force takes posting away."""
    decision = gates.feature_allowed(member, "new_listings")
    if not decision.allowed:
        raise FeatureRestricted(
            f"A disciplinary action (#{decision.action_id}, clause {decision.clause}) "
            "restricts posting listings on your account.",
            extra={
                "feature": "new_listings",
                "action_id": decision.action_id,
                "clause": decision.clause,
                "ends_at": decision.ends_at.isoformat() if decision.ends_at else None,
            },
        )
    terms_acceptance_guard(member=member, action="post_content", ip=ip)
    agreement_guard(member=member, service="listing_services", ip=ip)


# --- Listings: create, edit, submit, withdraw, delete --------------------------------------

EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "currency",
    "moq",
    "unit",
    "price_tiers",
    "keywords",
    "attributes",
    "lead_time_days",
    "port",
    "incoterm",
    "sample_available",
    "ships_to",
)


@transaction.atomic
def listing_create(
    *, member: Member, data: dict[str, Any], publish: bool = True, ip: str | None = None
) -> Listing:
    """Create a listing; with `publish`, submit it to screening at once (5.5, 3.7)."""
    supplier_require(member)
    posting_guard(member=member, ip=ip)
    fields = _checked_fields(data)
    listing = Listing(supplier=member, status=S.DRAFT)
    _apply_fields(listing, fields)
    listing.save()
    _save_tiers(listing, fields.price_tiers)
    if publish:
        _post(listing, member=member, action=Action.SUBMIT)
    else:
        _store_screening(listing, _screen(listing))
        listing.save()
        search.index_listing(listing)
    return listing


@transaction.atomic
def listing_update(
    *,
    member: Member,
    listing_id: int,
    changes: dict[str, Any],
    publish: bool = False,
    ip: str | None = None,
) -> Listing:
    """Edit a listing. An edit of a published or queued listing is screened again."""
    supplier_require(member)
    posting_guard(member=member, ip=ip)
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    if listing.status == S.REMOVED:
        raise IllegalTransition("This listing was removed and cannot be edited.")
    if listing.status == S.CAPPED:
        # Clause 6.2 (iii): shown again as it was hidden, never with unscreened changes.
        raise IllegalTransition(
            "This listing is hidden by a listing cap (clause 6.2 (iii)); take it back to "
            "draft to edit it."
        )
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(
            "Unknown listing fields.", fields={name: ["Not a listing field."] for name in unknown}
        )
    fields = _checked_fields({**listing_data(listing), **changes})
    _apply_fields(listing, fields)
    listing.save()
    _save_tiers(listing, fields.price_tiers)
    if listing.status in (S.PUBLISHED, S.PENDING_REVIEW):
        _post(listing, member=member, action=Action.EDIT)
    elif publish:
        _post(listing, member=member, action=Action.SUBMIT)
    else:
        _store_screening(listing, _screen(listing))
        listing.save()
        search.index_listing(listing)
    return listing


@transaction.atomic
def listing_submit(*, member: Member, listing_id: int, ip: str | None = None) -> Listing:
    """Submit a draft or rejected listing: screening publishes, holds or refuses it."""
    supplier_require(member)
    posting_guard(member=member, ip=ip)
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    if listing.status not in (S.DRAFT, S.REJECTED):
        raise IllegalTransition(
            f"Only a draft or rejected listing can be submitted; this one is {listing.status}."
        )
    _post(listing, member=member, action=Action.SUBMIT)
    return listing


@transaction.atomic
def listing_withdraw(*, member: Member, listing_id: int) -> Listing:
    """The supplier takes a listing off the site (or out of the queue) back to draft."""
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    _move(listing, to=S.DRAFT, actor=Actor.SUPPLIER, action=Action.WITHDRAW, by=member.user)
    return listing


@transaction.atomic
def listing_delete(*, member: Member, listing_id: int) -> Listing | None:
    """Delete a listing. One never posted is erased; a posted one is kept as removed, since
    the clause 3.7 licence it carries is irrevocable and its history is evidence."""
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    if listing.status == S.DRAFT and not listing.licence_grants.exists():
        files = [
            (img.image.storage, name) for img in listing.images.all() for name in img.file_names()
        ]
        listing.status = S.REMOVED
        search.index_listing(listing)
        listing.delete()

        def delete_files() -> None:
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)
        return None
    _move(
        listing,
        to=S.REMOVED,
        actor=Actor.SUPPLIER,
        action=Action.DELETE,
        by=member.user,
        reason_text="Deleted by the supplier.",
    )
    return listing


def listing_data(listing: Listing) -> dict[str, Any]:
    """The listing's editable content, in the shape the create call takes."""
    return {
        "title": listing.title,
        "description": listing.description,
        "category": listing.category.slug,
        "currency": listing.currency,
        "moq": listing.moq,
        "unit": listing.unit,
        "price_tiers": [
            {"min_qty": t.min_qty, "unit_price": decimal_str(t.unit_price)}
            for t in listing.price_tiers.all()
        ],
        "keywords": list(listing.keywords or []),
        "attributes": list(listing.attributes or []),
        "lead_time_days": listing.lead_time_days,
        "port": listing.port,
        "incoterm": listing.incoterm,
        "sample_available": listing.sample_available,
        "ships_to": list(listing.ships_to or []),
    }


def _checked_fields(data: dict[str, Any]) -> rules.ListingFields:
    fields, errors = rules.check_listing_fields(
        data, leaf_categories=selectors.leaf_category_slugs()
    )
    if errors:
        raise InvalidInput("The listing has invalid fields.", fields=errors)
    assert fields is not None
    return fields


def _apply_fields(listing: Listing, fields: rules.ListingFields) -> None:
    listing.title = fields.title
    listing.description = fields.description
    if listing.category_id is None or listing.category.slug != fields.category:
        listing.category = Category.objects.get(slug=fields.category)
    listing.currency = fields.currency
    listing.moq = fields.moq
    listing.unit = fields.unit
    listing.keywords = fields.keywords
    listing.attributes = fields.attributes
    listing.lead_time_days = fields.lead_time_days
    listing.port = fields.port
    listing.incoterm = fields.incoterm
    listing.sample_available = fields.sample_available
    listing.ships_to = fields.ships_to
    listing.min_unit_price = min(t.unit_price for t in fields.price_tiers)
    listing.supplier_country = listing.supplier.country


def _save_tiers(listing: Listing, tiers: list[rules.Tier]) -> None:
    current = [(t.min_qty, t.unit_price) for t in listing.price_tiers.all()]
    wanted = [(t.min_qty, t.unit_price) for t in tiers]
    if current == wanted:
        return
    listing.price_tiers.all().delete()
    PriceTier.objects.bulk_create(
        PriceTier(listing=listing, min_qty=qty, unit_price=price) for qty, price in wanted
    )
    if hasattr(listing, "_prefetched_objects_cache"):
        listing._prefetched_objects_cache.pop("price_tiers", None)


def _screen(listing: Listing) -> Screening:
    return screen_listing(selectors.listing_content(listing), selectors.listing_policy_in_force())


def _store_screening(listing: Listing, screening: Screening) -> None:
    listing.screening = screening.as_dict()
    listing.screening_decision = str(screening.decision)


def _post(listing: Listing, *, member: Member, action: Action) -> None:
    """Screen the listing and move it where the decision sends it (5.5, 6.1, 6.2 iii, 3.7)."""
    screening = _screen(listing)
    _store_screening(listing, screening)
    rejected_by_staff = listing.transitions.filter(actor=Actor.STAFF, to_status=S.REJECTED).exists()
    target = rules.status_after_screening(screening.decision, rejected_by_staff=rejected_by_staff)
    if target in rules.CAP_COUNTED and listing.status not in rules.CAP_COUNTED:
        _cap_check(member=member, listing=listing)
    licence_grant_record(listing=listing, member=member)
    _move(
        listing,
        to=target,
        actor=Actor.SUPPLIER,
        action=action,
        by=member.user,
        screening=screening,
        message=_screening_message(listing, screening, target, edit=listing.status == target),
    )


def _cap_check(*, member: Member, listing: Listing) -> None:
    """Clause 6.2 (iii): published and queued listings must stay within the member's cap."""
    profile = locks.supplier_profile_for_update(member=member)
    cap = selectors.supplier_listing_cap(member=member, profile=profile)
    in_use = (
        Listing.objects.filter(supplier=member, status__in=rules.CAP_COUNTED)
        .exclude(pk=listing.pk)
        .count()
    )
    if not rules.cap_allows(cap=cap["cap"], in_use=in_use) and cap.get("action_id"):
        raise ListingCapReached(
            f"A disciplinary action (#{cap['action_id']}, clause 6.2 (iii)) limits you to "
            f"{cap['cap']} published listings. Withdraw a listing to publish another.",
            extra={"cap": cap["cap"], "in_use": in_use, "action_id": cap["action_id"]},
        )
    if not rules.cap_allows(cap=cap["cap"], in_use=in_use):
        raise ListingCapReached(
            f"You have reached your limit of {cap['cap']} published listings "
            f"({cap['tier_name']} membership, clause 6.2 (iii)). Withdraw a listing or "
            "upgrade your membership to publish another.",
            extra={"cap": cap["cap"], "in_use": in_use, "tier": cap["tier"]},
        )


def _screening_message(listing: Listing, screening: Screening, target: str, *, edit: bool) -> str:
    if target == S.PUBLISHED:
        if edit:
            return f"Your changes to “{listing.title}” are published."
        return f"Your listing “{listing.title}” is published."
    rules_matched = sorted({m.rule for m in screening.matches if m.action != "publish"})
    if target == S.REJECTED:
        return (
            f"Your listing “{listing.title}” was refused by the Product Listing Policy "
            f"(rules: {', '.join(rules_matched)}). Fix what matched and submit it again."
        )
    docs = "; ".join(screening.documents_required)
    held = f"rules: {', '.join(rules_matched)}" if rules_matched else "a previous staff decision"
    message = f"Your listing “{listing.title}” is held for review by our staff ({held})."
    if docs:
        message += f" Documents required: {docs}."
    return message


def _move(
    listing: Listing,
    *,
    to: str,
    actor: Actor,
    action: Action,
    by: User | None,
    reason_code: str = "",
    reason_text: str = "",
    screening: Screening | None = None,
    message: str = "",
) -> ListingTransition:
    """The one place a listing changes status: checked against the table, audited, indexed."""
    from_status = listing.status
    if not rules.transition_allowed(from_status, to, actor):
        raise IllegalTransition(
            f"A listing that is {S(from_status).label.lower()} cannot be moved to "
            f"{S(to).label.lower()} by {actor}.",
            extra={"from_status": from_status, "to_status": to},
        )
    now = timezone.now()
    listing.status = to
    if to != S.CAPPED:
        listing.hidden_by_action = None
    returning = from_status in (S.HELD, S.CAPPED) and listing.published_at is not None
    if to == S.PUBLISHED and from_status != S.PUBLISHED and not returning:
        listing.published_at = now
    listing.save()
    transition = ListingTransition.objects.create(
        listing=listing,
        from_status=from_status,
        to_status=to,
        by=by,
        action=action,
        actor=actor,
        reason_code=reason_code,
        reason_text=reason_text,
        screening=(
            {"decision": str(screening.decision), "policy_version": screening.policy_version}
            if screening
            else {}
        ),
        message=message,
    )
    search.index_listing(listing)
    if message:
        _notify_supplier(listing=listing, transition=transition)
    return transition


def _notify_supplier(*, listing: Listing, transition: ListingTransition) -> None:
    """In-app notice of a decision: kept on the transition and shown on the supplier's
    listing pages. (notices.services has no in-app channel yet; see the module docstring.)"""
    return None


# --- Clause 3.7 licence -------------------------------------------------------------------


def listing_content_snapshot(listing: Listing) -> dict[str, Any]:
    data = listing_data(listing)
    data["images"] = [img.image.name for img in listing.images.all()]
    return data


def licence_grant_record(*, listing: Listing, member: Member) -> LicenceGrant:
    """Clause 3.7: posting User Content grants the licence, under the Terms in force now.
    One row per distinct content posted (who, what by hash and snapshot, when, which Terms)."""
    version = terms_version_in_force(site=member.site)
    content = listing_content_snapshot(listing)
    digest = rules.content_sha256(content)
    latest = listing.licence_grants.order_by("-granted_at", "-id").first()
    if latest and latest.content_sha256 == digest and latest.terms_version_id == version.pk:
        return latest
    return LicenceGrant.objects.create(
        listing=listing,
        member=member,
        terms_version=version,
        content_sha256=digest,
        content=content,
    )


# --- Images -------------------------------------------------------------------------------


def _thumbnails_make(image: ListingImage, data: bytes) -> None:
    from tradepost.catalog.services.images import listing_image_thumbnails_make

    listing_image_thumbnails_make(image, data)


@transaction.atomic
def listing_image_add(
    *, member: Member, listing_id: int, upload: UploadedFile, ip: str | None = None
) -> ListingImage:
    """Add a product image: Pillow reads the bytes; the name is ours; storage is Django's."""
    supplier_require(member)
    posting_guard(member=member, ip=ip)
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    if listing.status == S.REMOVED:
        raise IllegalTransition("This listing was removed and cannot be edited.")
    if listing.images.count() >= uploads.IMAGES_PER_LISTING:
        raise InvalidInput(
            f"A listing has at most {uploads.IMAGES_PER_LISTING} images.",
            fields={"image": [f"At most {uploads.IMAGES_PER_LISTING} images."]},
            code="too_many_images",
        )
    data = uploads.read_upload(upload, field="image", max_bytes=uploads.IMAGE_MAX_BYTES)
    info = uploads.inspect_image(data)
    image = ListingImage(
        listing=listing,
        content_type=info.content_type,
        size=info.size,
        width=info.width,
        height=info.height,
        position=listing.images.count(),
    )
    image.image.save(f"{uuid.uuid4().hex}.{info.extension}", ContentFile(info.data), save=False)
    try:
        image.save()
        _thumbnails_make(image, info.data)
    except Exception:
        for file in (image.image, image.thumbnail, image.display):
            if file.name:
                file.storage.delete(file.name)
        raise
    listing.save(update_fields=["updated_at"])
    if listing.status in (S.PUBLISHED, S.PENDING_REVIEW):
        licence_grant_record(listing=listing, member=member)
    search.index_listing(listing)
    return image


@transaction.atomic
def listing_image_remove(*, member: Member, listing_id: int, image_id: int) -> None:
    supplier_require(member)
    listing = locks.listing_of_member_for_update(member=member, listing_id=listing_id)
    image = listing.images.filter(pk=image_id).first()
    if image is None:
        raise NotFound("Image not found.")
    storage, names = image.image.storage, image.file_names()
    image.delete()

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    listing.save(update_fields=["updated_at"])
    search.index_listing(listing)


# --- Moderation (clause 6.1) --------------------------------------------------------------

MODIFIABLE_FIELDS = ("title", "description", "keywords", "attributes")


@transaction.atomic
def listing_moderate(
    *,
    listing_id: int,
    by: User,
    decision: str,
    reason_code: str = "",
    reason_text: str = "",
    changes: dict[str, Any] | None = None,
) -> Listing:
    """Clause 6.1: staff approve, modify, reject or remove User Content, giving the reason.

    Modify keeps the supplier's text as it was before staff first changed it
    (`Listing.original`) and publishes the modified listing.
    """
    if not by.is_staff:
        raise PermissionDeniedError("Only staff moderate listings.")
    try:
        action = Action(decision)
    except ValueError:
        action = None
    if action not in rules.STAFF_DECISIONS:
        raise InvalidInput(
            "Choose approve, modify, reject or remove.",
            fields={"decision": ["Choose approve, modify, reject or remove."]},
        )
    reason_text = (reason_text or "").strip()
    if text_problem(reason_text, multiline=True):
        raise InvalidInput("The reason has invalid text.", fields={"reason_text": ["Invalid."]})
    if action != Action.APPROVE and reason_code not in ModerationReason.values:
        raise InvalidInput(
            "Choose the clause 6.1 reason for this decision.",
            fields={"reason_code": ["Choose one of the clause 6.1 reasons (i)-(vi)."]},
        )
    if reason_code and reason_code not in ModerationReason.values:
        raise InvalidInput("Unknown reason.", fields={"reason_code": ["Unknown reason."]})
    listing = locks.listing_for_update(listing_id=listing_id)
    target = rules.STAFF_DECISIONS[action]
    if not rules.transition_allowed(listing.status, target, Actor.STAFF):
        raise IllegalTransition(
            f"A listing that is {listing.get_status_display().lower()} cannot be "
            f"{rules.PAST_PARTICIPLES[action]}.",
            extra={"from_status": listing.status, "to_status": target},
        )
    screening = None
    if action == Action.MODIFY:
        unknown = sorted(set(changes or {}) - set(MODIFIABLE_FIELDS))
        if unknown or not changes:
            raise InvalidInput(
                "Give the modified title, description, keywords or attributes.",
                fields={name: ["Staff modify only text fields."] for name in unknown}
                or {"changes": ["Nothing to modify."]},
            )
        if listing.original is None:
            listing.original = listing_content_snapshot(listing)
        fields = _checked_fields({**listing_data(listing), **changes})
        _apply_fields(listing, fields)
        screening = _screen(listing)
        _store_screening(listing, screening)
    if target == S.PUBLISHED and listing.status != S.PUBLISHED:
        _cap_check(member=listing.supplier, listing=listing)
    reason_label = ModerationReason(reason_code).label if reason_code else ""
    _move(
        listing,
        to=target,
        actor=Actor.STAFF,
        action=action,
        by=by,
        reason_code=reason_code,
        reason_text=reason_text,
        screening=screening,
        message=_decision_message(listing, action, reason_label, reason_text),
    )
    return listing


def _decision_message(listing: Listing, action: Action, reason: str, text: str) -> str:
    verb = {
        Action.APPROVE: "was approved and is published",
        Action.MODIFY: "was modified by our staff and is published",
        Action.REJECT: "was rejected",
        Action.REMOVE: "was removed",
    }[action]
    message = f"Your listing “{listing.title}” {verb}."
    if reason:
        message += f" Reason: clause {reason}."
    if text:
        message += f" {text}"
    return message
