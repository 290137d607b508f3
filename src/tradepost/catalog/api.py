"""Catalog API: the category tree, the supplier's own listings and supplier profile.

Thin: schema in, service or selector call, schema out. Buyers' search and listing reads
(GET /listings, GET /listings/{id}) live in `search_api.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictBool

from tradepost.api_limits import NOT_BLANK, limits, string_items
from tradepost.catalog import rules, selectors, services
from tradepost.catalog.models import Listing, ListingStatus, SupplierProfile
from tradepost.catalog.services import profiles
from tradepost.http import client_ip
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.money import decimal_str
from tradepost.policy import COUNTRY_CODES

router = Router()


# --- Schemas ------------------------------------------------------------------------------


class CategoryOut(Schema):
    slug: str
    name: str
    children: list[CategoryOut]


class TierIn(Schema):
    min_qty: int = Field(..., json_schema_extra=limits(ge=1, le=rules.QTY_MAX))
    unit_price: str | int = Field(..., description='Decimal string, e.g. "12.50"')


class AttributeIn(Schema):
    key: str = Field(
        ..., max_length=1000, json_schema_extra=limits(max_length=rules.ATTRIBUTE_KEY_MAX)
    )
    value: str = Field(
        ..., max_length=5000, json_schema_extra=limits(max_length=rules.ATTRIBUTE_VALUE_MAX)
    )


class ListingIn(Schema):
    title: str = Field(
        ...,
        max_length=5000,
        json_schema_extra=limits(max_length=rules.TITLE_MAX, pattern=NOT_BLANK),
    )
    description: str = Field(
        ...,
        max_length=200_000,
        description="At most 20,000 characters.",
        json_schema_extra=limits(max_length=rules.DESCRIPTION_MAX, pattern=NOT_BLANK),
    )
    category: str = Field(
        ...,
        max_length=200,
        description="A leaf slug of GET /categories",
        json_schema_extra=limits(min_length=1),
    )
    currency: str = Field(
        ...,
        max_length=16,
        description="ISO 4217, e.g. USD",
        json_schema_extra=limits(pattern="^[A-Za-z]{3}$"),
    )
    moq: int = Field(
        ..., description="Minimum order quantity", json_schema_extra=limits(ge=1, le=rules.QTY_MAX)
    )
    unit: str = Field(
        ...,
        max_length=200,
        description="Unit of measure, e.g. piece",
        json_schema_extra=limits(max_length=rules.UNIT_MAX, pattern=NOT_BLANK),
    )
    price_tiers: list[TierIn] = Field(
        ..., max_length=100, json_schema_extra=limits(min_items=1, max_items=rules.TIERS_MAX)
    )
    keywords: list[str] = Field(
        default_factory=list,
        max_length=100,
        json_schema_extra=limits(
            max_items=rules.KEYWORDS_MAX, items=string_items(max_length=rules.KEYWORD_MAX)
        ),
    )
    attributes: list[AttributeIn] = Field(
        default_factory=list,
        max_length=200,
        json_schema_extra=limits(max_items=rules.ATTRIBUTES_MAX),
    )
    lead_time_days: int | None = Field(
        None, json_schema_extra=limits(ge=0, le=rules.LEAD_TIME_MAX_DAYS)
    )
    port: str = Field("", max_length=1000, json_schema_extra=limits(max_length=rules.PORT_MAX))
    incoterm: str = Field(
        "",
        max_length=16,
        description="Incoterms 2020, e.g. FOB",
        json_schema_extra=limits(enum=["", *sorted(rules.INCOTERMS_2020)]),
    )
    sample_available: StrictBool = False
    ships_to: list[str] = Field(
        default_factory=list,
        max_length=300,
        json_schema_extra=limits(
            max_items=rules.SHIPS_TO_MAX, items=string_items(enum=COUNTRY_CODES)
        ),
    )
    publish: StrictBool = Field(True, description="Submit to screening now (else a draft)")


class ListingPatch(Schema):
    title: str | None = Field(
        None, max_length=5000, json_schema_extra=limits(max_length=rules.TITLE_MAX)
    )
    description: str | None = Field(
        None, max_length=200_000, json_schema_extra=limits(max_length=rules.DESCRIPTION_MAX)
    )
    category: str | None = Field(None, max_length=200)
    currency: str | None = Field(
        None, max_length=16, json_schema_extra=limits(pattern="^[A-Za-z]{3}$")
    )
    moq: int | None = Field(None, json_schema_extra=limits(ge=1, le=rules.QTY_MAX))
    unit: str | None = Field(
        None, max_length=200, json_schema_extra=limits(max_length=rules.UNIT_MAX)
    )
    price_tiers: list[TierIn] | None = Field(
        None, max_length=100, json_schema_extra=limits(max_items=rules.TIERS_MAX)
    )
    keywords: list[str] | None = Field(
        None,
        max_length=100,
        json_schema_extra=limits(
            max_items=rules.KEYWORDS_MAX, items=string_items(max_length=rules.KEYWORD_MAX)
        ),
    )
    attributes: list[AttributeIn] | None = Field(
        None, max_length=200, json_schema_extra=limits(max_items=rules.ATTRIBUTES_MAX)
    )
    lead_time_days: int | None = Field(
        None, json_schema_extra=limits(ge=0, le=rules.LEAD_TIME_MAX_DAYS)
    )
    port: str | None = Field(
        None, max_length=1000, json_schema_extra=limits(max_length=rules.PORT_MAX)
    )
    incoterm: str | None = Field(
        None,
        max_length=16,
        json_schema_extra=limits(enum=[None, "", *sorted(rules.INCOTERMS_2020)]),
    )
    sample_available: StrictBool | None = None
    ships_to: list[str] | None = Field(
        None,
        max_length=300,
        json_schema_extra=limits(
            max_items=rules.SHIPS_TO_MAX, items=string_items(enum=COUNTRY_CODES)
        ),
    )
    publish: StrictBool = Field(False, description="Submit a draft or rejected listing too")


class MatchOut(Schema):
    rule: str
    kind: str
    action: str
    title: str
    clause: str
    field: str
    text: str
    start: int | None
    end: int | None
    documents: list[str]


class ScreeningOut(Schema):
    decision: str | None
    policy_version: str | None
    matches: list[MatchOut]
    documents_required: list[str]


class TierOut(Schema):
    min_qty: int
    unit_price: str


class CategoryRef(Schema):
    slug: str
    name: str


class ImageOut(Schema):
    id: int
    url: str
    content_type: str
    size: int
    width: int | None
    height: int | None


class TransitionOut(Schema):
    from_status: str
    to_status: str
    action: str
    actor: str
    at: datetime
    reason_code: str
    reason_text: str
    message: str


class ListingOut(Schema):
    id: int
    status: str
    status_label: str = Field(
        ..., description="The status in words; for a capped listing, the action that hides it."
    )
    title: str
    description: str
    category: CategoryRef
    currency: str
    moq: int
    unit: str
    price_tiers: list[TierOut]
    min_unit_price: str | None
    keywords: list[str]
    attributes: list[dict[str, str]]
    lead_time_days: int | None
    port: str
    incoterm: str
    sample_available: bool
    ships_to: list[str]
    images: list[ImageOut]
    screening: ScreeningOut
    modified_by_staff: bool
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    history: list[TransitionOut]


class DeletedOut(Schema):
    id: int
    deleted: bool
    status: str


class ProfilePatch(Schema):
    description: str | None = Field(
        None,
        max_length=50_000,
        json_schema_extra=limits(max_length=profiles.PROFILE_DESCRIPTION_MAX),
    )
    main_products: list[str] | None = Field(
        None,
        max_length=100,
        json_schema_extra=limits(
            max_items=profiles.MAIN_PRODUCTS_MAX,
            items=string_items(max_length=profiles.MAIN_PRODUCT_MAX, pattern=NOT_BLANK),
        ),
    )
    year_established: int | None = Field(
        None,
        description="From 1800 to the current year.",
        json_schema_extra=limits(ge=1800),
    )
    export_markets: list[str] | None = Field(
        None,
        max_length=300,
        json_schema_extra=limits(max_items=250, items=string_items(enum=COUNTRY_CODES)),
    )


class CertificationOut(Schema):
    id: int
    name: str
    issuer: str
    url: str
    content_type: str
    size: int
    uploaded_at: datetime


class ListingCapOut(Schema):
    tier: str
    tier_name: str
    cap: int | None
    overridden: bool
    in_use: int


class ProfileOut(Schema):
    member_id: str
    company_name: str
    country: str
    description: str
    main_products: list[str]
    year_established: int | None
    export_markets: list[str]
    membership_tier: str
    verified: bool
    badges: list[Any]
    listing_cap: ListingCapOut
    certifications: list[CertificationOut]


CategoryOut.model_rebuild()


# --- Presentation helpers -----------------------------------------------------------------


def listing_out(listing: Listing) -> dict[str, Any]:
    screening = listing.screening or {}
    return {
        "id": listing.pk,
        "status": listing.status,
        "status_label": (
            listing.capped_label
            if listing.status == ListingStatus.CAPPED
            else listing.get_status_display()
        ),
        "title": listing.title,
        "description": listing.description,
        "category": {"slug": listing.category.slug, "name": listing.category.name},
        "currency": listing.currency,
        "moq": listing.moq,
        "unit": listing.unit,
        "price_tiers": [
            {"min_qty": t.min_qty, "unit_price": decimal_str(t.unit_price)}
            for t in listing.price_tiers.all()
        ],
        "min_unit_price": decimal_str(listing.min_unit_price),
        "keywords": listing.keywords or [],
        "attributes": listing.attributes or [],
        "lead_time_days": listing.lead_time_days,
        "port": listing.port,
        "incoterm": listing.incoterm,
        "sample_available": listing.sample_available,
        "ships_to": listing.ships_to or [],
        "images": [
            {
                "id": img.pk,
                "url": img.image.url,
                "content_type": img.content_type,
                "size": img.size,
                "width": img.width,
                "height": img.height,
            }
            for img in listing.images.all()
        ],
        "screening": {
            "decision": screening.get("decision"),
            "policy_version": screening.get("policy_version"),
            "matches": screening.get("matches", []),
            "documents_required": screening.get("documents_required", []),
        },
        "modified_by_staff": listing.original is not None,
        "created_at": listing.created_at,
        "updated_at": listing.updated_at,
        "published_at": listing.published_at,
        "history": list(listing.transitions.all()[:50]),
    }


def profile_out(member: Member, profile: SupplierProfile | None) -> dict[str, Any]:
    certifications = list(profile.certifications.all()) if profile else []
    cap = selectors.supplier_listing_cap(member=member, profile=profile)
    return {
        "member_id": member.member_id,
        "company_name": member.company_name,
        "country": member.country,
        "description": profile.description if profile else "",
        "main_products": profile.main_products if profile else [],
        "year_established": profile.year_established if profile else None,
        "export_markets": profile.export_markets if profile else [],
        "membership_tier": cap["tier"],
        "verified": profile.verified if profile else False,
        "badges": profile.badges if profile else [],
        "listing_cap": cap,
        "certifications": [
            {
                "id": c.pk,
                "name": c.name,
                "issuer": c.issuer,
                "url": c.document.url,
                "content_type": c.content_type,
                "size": c.size,
                "uploaded_at": c.uploaded_at,
            }
            for c in certifications
        ],
    }


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise services.NotASupplier("Only members with the supplier role can manage listings.")
    return member


def _detail(member: Member, listing_id: int) -> dict[str, Any]:
    return listing_out(selectors.listing_for_member(member=member, listing_id=listing_id))


# --- Categories ---------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], auth=None)
def categories(request: HttpRequest) -> list[dict]:
    """The category tree. Listings go in leaf categories (nodes without children)."""
    return selectors.category_tree()


# --- The supplier's listings --------------------------------------------------------------


@router.get("/my/listings", response=list[ListingOut])
def my_listings(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    member = _member(request)
    return [
        listing_out(x) for x in selectors.listings_for_member(member=member, status=status)[:500]
    ]


@router.post("/my/listings", response={201: ListingOut})
def create_listing(request: HttpRequest, payload: ListingIn) -> Status[dict[str, Any]]:
    """Post a listing (clause 3.7 licence; Product Listing Policy screening, 5.5).

    With `publish` (the default) screening decides at once: published, pending_review, or
    rejected (kept with its screening so you can fix it).
    """
    member = _member(request)
    data = payload.dict()
    publish = data.pop("publish")
    listing = services.listing_create(
        member=member, data=data, publish=publish, ip=client_ip(request)
    )
    return Status(201, _detail(member, listing.pk))


@router.get("/my/listings/{listing_id}", response=ListingOut)
def my_listing(request: HttpRequest, listing_id: int) -> dict[str, Any]:
    return _detail(_member(request), listing_id)


@router.patch("/my/listings/{listing_id}", response=ListingOut)
def update_listing(request: HttpRequest, listing_id: int, payload: ListingPatch) -> dict[str, Any]:
    """Edit a listing. A published or queued listing is screened again."""
    member = _member(request)
    changes = payload.dict(exclude_unset=True)
    publish = changes.pop("publish", False)
    services.listing_update(
        member=member,
        listing_id=listing_id,
        changes=changes,
        publish=publish,
        ip=client_ip(request),
    )
    return _detail(member, listing_id)


@router.delete("/my/listings/{listing_id}", response=DeletedOut)
def delete_listing(request: HttpRequest, listing_id: int) -> dict[str, Any]:
    """Delete a listing: a never-posted draft is erased, a posted listing becomes removed."""
    kept = services.listing_delete(member=_member(request), listing_id=listing_id)
    if kept is None:
        return {"id": listing_id, "deleted": True, "status": "removed"}
    return {"id": listing_id, "deleted": False, "status": kept.status}


@router.post("/my/listings/{listing_id}/submit", response=ListingOut)
def submit_listing(request: HttpRequest, listing_id: int) -> dict[str, Any]:
    member = _member(request)
    services.listing_submit(member=member, listing_id=listing_id, ip=client_ip(request))
    return _detail(member, listing_id)


@router.post("/my/listings/{listing_id}/withdraw", response=ListingOut)
def withdraw_listing(request: HttpRequest, listing_id: int) -> dict[str, Any]:
    member = _member(request)
    services.listing_withdraw(member=member, listing_id=listing_id)
    return _detail(member, listing_id)


@router.post("/my/listings/{listing_id}/images", response={201: ImageOut})
def add_image(
    request: HttpRequest, listing_id: int, image: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Upload a product image (JPEG, PNG or WebP, at most 5 MB; multipart field `image`)."""
    img = services.listing_image_add(
        member=_member(request), listing_id=listing_id, upload=image, ip=client_ip(request)
    )
    return Status(
        201,
        {
            "id": img.pk,
            "url": img.image.url,
            "content_type": img.content_type,
            "size": img.size,
            "width": img.width,
            "height": img.height,
        },
    )


@router.delete("/my/listings/{listing_id}/images/{image_id}", response=ListingOut)
def remove_image(request: HttpRequest, listing_id: int, image_id: int) -> dict[str, Any]:
    member = _member(request)
    services.listing_image_remove(member=member, listing_id=listing_id, image_id=image_id)
    return _detail(member, listing_id)


# --- The supplier profile -----------------------------------------------------------------


@router.get("/my/supplier-profile", response=ProfileOut)
def my_profile(request: HttpRequest) -> dict[str, Any]:
    member = _member(request)
    if not member.is_supplier:
        raise services.NotASupplier("Only members with the supplier role have a supplier profile.")
    return profile_out(member, selectors.supplier_profile_of(member))


@router.patch("/my/supplier-profile", response=ProfileOut)
def update_profile(request: HttpRequest, payload: ProfilePatch) -> dict[str, Any]:
    """Company profile buyers see: description, main products, year established, markets."""
    member = _member(request)
    services.supplier_profile_update(
        member=member, changes=payload.dict(exclude_unset=True), ip=client_ip(request)
    )
    return profile_out(member, selectors.supplier_profile_of(member))


@router.post("/my/supplier-profile/certifications", response={201: CertificationOut})
def add_certification(
    request: HttpRequest,
    name: Form[str],
    document: File[UploadedFile],
    issuer: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Upload a certification (PDF or image, at most 10 MB; multipart `document`, `name`)."""
    cert = services.certification_add(
        member=_member(request),
        name=name,
        issuer=issuer,
        upload=document,
        ip=client_ip(request),
    )
    return Status(
        201,
        {
            "id": cert.pk,
            "name": cert.name,
            "issuer": cert.issuer,
            "url": cert.document.url,
            "content_type": cert.content_type,
            "size": cert.size,
            "uploaded_at": cert.uploaded_at,
        },
    )


@router.delete("/my/supplier-profile/certifications/{certification_id}", response=ProfileOut)
def remove_certification(request: HttpRequest, certification_id: int) -> dict[str, Any]:
    member = _member(request)
    services.certification_remove(member=member, certification_id=certification_id)
    return profile_out(member, selectors.supplier_profile_of(member))
