"""Buyers' listing search and listing reads: GET /listings and GET /listings/{id}.

Public, rate limited per client address and per member (clause 3.2); a bearer token or a
session, when sent, names the member for the per-member limit.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse
from ninja import Field, Router, Schema

from tradepost import ratelimit
from tradepost.catalog import search, selectors
from tradepost.catalog.search import ListingHit, SearchResult
from tradepost.errors import NotFound
from tradepost.members.models import User
from tradepost.money import decimal_str

router = Router()


def _member_or_anonymous(request: HttpRequest) -> User | AnonymousUser:
    """Optional authentication: whoever the token or session names, else anonymous."""
    from tradepost.members.services import api_token_authenticate

    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        token = api_token_authenticate(raw.strip())
        if token is not None:
            request.user = token.user
            return token.user
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else AnonymousUser()


# --- Schemas ------------------------------------------------------------------------------


class SearchParams(Schema):
    q: str | None = Field(None, description="Words; a quoted phrase matches in order")
    category: str | None = Field(None, description="Category slug (includes its subcategories)")
    min_price: str | None = Field(None, description="Lowest unit price, e.g. 1.50")
    max_price: str | None = Field(None, description="Highest unit price")
    qty: str | None = Field(
        None, description="Order quantity: prices are the tier price at this quantity"
    )
    moq_max: str | None = Field(None, description="Largest acceptable minimum order quantity")
    country: str | None = Field(None, description="Supplier country, ISO 3166-1 alpha-2")
    verified: str | None = Field(None, description="true: verified suppliers only")
    sample: str | None = Field(None, description="true: samples available")
    currency: str | None = Field(None, description="ISO 4217; price filters default to USD")
    min_rating: str | None = Field(
        None, description="1 to 5: suppliers whose average rating is at least this"
    )
    sort: str | None = Field(
        None,
        description="relevance (default with q), newest, price, -price, rating (best rated "
        "supplier first)",
    )
    page: str | None = Field(None, description="1 to SEARCH_MAX_PAGE (50)")


class TierOut(Schema):
    min_qty: int
    unit_price: str


class CategoryRef(Schema):
    slug: str
    name: str


class SupplierRef(Schema):
    member_id: str
    company_name: str
    country: str
    verified: bool


class RatingOut(Schema):
    average: str | None = Field(..., description="1.0 to 5.0; null without ratings")
    count: int = Field(..., description="Counted feedback (clause 3.6)")


class ListingHitOut(Schema):
    id: int
    url: str
    title: str
    category: CategoryRef
    supplier: SupplierRef
    supplier_rating: RatingOut
    currency: str
    min_unit_price: str | None
    price_at_qty: str | None
    price_tiers: list[TierOut]
    moq: int
    unit: str
    sample_available: bool
    published_at: datetime | None
    promoted: bool = Field(..., description="Placed by a Promotion Service (clause 2.6)")


class FacetsOut(Schema):
    category: dict[str, int]
    country: dict[str, int]


class SearchOut(Schema):
    count: int = Field(..., description="Listings found within the search window")
    count_exact: bool = Field(..., description="False: more match than the window holds")
    page: int
    page_size: int
    max_page: int
    results: list[ListingHitOut]
    facets: FacetsOut


class PublicImageOut(Schema):
    url: str
    width: int | None
    height: int | None


class PublicListingOut(Schema):
    id: int
    url: str
    title: str
    description: str
    category: CategoryRef
    category_path: list[str]
    supplier: SupplierRef
    currency: str
    min_unit_price: str | None
    price_tiers: list[TierOut]
    moq: int
    unit: str
    keywords: list[Any]
    attributes: list[Any]
    lead_time_days: int | None
    port: str
    incoterm: str
    sample_available: bool
    ships_to: list[Any]
    images: list[PublicImageOut]
    published_at: datetime | None


@lru_cache(maxsize=8)
def _listing_url_template(script_prefix: str) -> str:
    url = reverse("catalog:listing_detail", args=[1])
    return url[: url.rindex("1")] + "{}" + url[url.rindex("1") + 1 :]


def _listing_urls() -> str:
    """ "/listings/{}/": reversed once, not once per listing."""
    return _listing_url_template(get_script_prefix())


def _timestamp(value: datetime | None) -> str | None:
    """As DjangoJSONEncoder writes it (milliseconds, Z), without a Python call per value
    inside json.dumps."""
    if value is None:
        return None
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def hit_out(hit: ListingHit, url: str) -> dict[str, Any]:
    return {
        "id": hit.id,
        "url": url.format(hit.id),
        "title": hit.title,
        "category": {"slug": hit.category_slug, "name": hit.category_name},
        "supplier": {
            "member_id": hit.supplier_member_id,
            "company_name": hit.supplier_name,
            "country": hit.supplier_country,
            "verified": hit.supplier_verified,
        },
        "supplier_rating": {
            "average": decimal_str(hit.supplier_rating),
            "count": hit.supplier_rating_count,
        },
        "currency": hit.currency,
        "min_unit_price": decimal_str(hit.min_unit_price),
        "price_at_qty": decimal_str(hit.price_at_qty),
        "price_tiers": [{"min_qty": q, "unit_price": decimal_str(p)} for q, p in hit.price_tiers],
        "moq": hit.moq,
        "unit": hit.unit,
        "sample_available": hit.sample_available,
        "published_at": _timestamp(hit.published_at),
        "promoted": hit.promoted,
    }


def search_out(result: SearchResult) -> dict[str, Any]:
    url = _listing_urls()
    return {
        "count": result.count,
        "count_exact": result.count_exact,
        "page": result.page,
        "page_size": result.page_size,
        "max_page": settings.SEARCH_MAX_PAGE,
        "results": [hit_out(hit, url) for hit in result.results],
        "facets": {
            "category": {c.slug: c.count for c in result.category_facets},
            "country": dict(result.country_facets),
        },
    }


def _json(data: dict[str, Any]) -> HttpResponse:
    """Serialised as built: search_out already has SearchOut's shape (a test checks it), and
    validating twenty results again through the schema costs more than the search."""
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder), content_type="application/json; charset=utf-8"
    )


# --- Endpoints ----------------------------------------------------------------------------


SEARCH_PARAMETERS = [
    {
        "in": "query",
        "name": name,
        "required": False,
        "schema": {"type": "string"},
        "description": field.description,
    }
    for name, field in SearchParams.model_fields.items()
]


@router.get(
    "/listings",
    response=SearchOut,
    auth=_member_or_anonymous,
    openapi_extra={"parameters": SEARCH_PARAMETERS},
)
def search_listings(request: HttpRequest) -> HttpResponse:
    """Search published listings (see tradepost.catalog.search for what the numbers mean).
    The parameters (SearchParams) are read by search.parse_search_params, the same parser
    as the search page's."""
    ratelimit.check_request(request, "search")
    query = search.parse_search_params(request.GET)
    return _json(search_out(search.search(query)))


@router.get("/listings/{listing_id}", response=PublicListingOut, auth=_member_or_anonymous)
def get_listing(request: HttpRequest, listing_id: int) -> dict[str, Any]:
    """A published listing of an active supplier; 404 for anything else."""
    ratelimit.check_request(request, "listing")
    if not 0 < listing_id < 2**63:
        raise NotFound(selectors.LISTING_NOT_FOUND)
    listing = selectors.listing_published(listing_id=listing_id)
    profile = selectors.supplier_profile_of(listing.supplier)
    return {
        "id": listing.pk,
        "url": reverse("catalog:listing_detail", args=[listing.pk]),
        "title": listing.title,
        "description": listing.description,
        "category": {"slug": listing.category.slug, "name": listing.category.name},
        "category_path": list(selectors.category_path(listing.category)),
        "supplier": {
            "member_id": listing.supplier.member_id,
            "company_name": listing.supplier.company_name,
            "country": listing.supplier_country,
            "verified": bool(profile and profile.verified),
        },
        "currency": listing.currency,
        "min_unit_price": decimal_str(listing.min_unit_price),
        "price_tiers": [
            {"min_qty": t.min_qty, "unit_price": decimal_str(t.unit_price)}
            for t in listing.price_tiers.all()
        ],
        "moq": listing.moq,
        "unit": listing.unit,
        "keywords": listing.keywords or [],
        "attributes": listing.attributes or [],
        "lead_time_days": listing.lead_time_days,
        "port": listing.port,
        "incoterm": listing.incoterm,
        "sample_available": listing.sample_available,
        "ships_to": listing.ships_to or [],
        "images": [
            {"url": img.image.url, "width": img.width, "height": img.height}
            for img in listing.images.all()
        ],
        "published_at": listing.published_at,
    }
