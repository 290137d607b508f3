"""Reads for the home page: the category browser and the listing shelves. Never write."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from tradepost.catalog.models import Category, Listing, ListingImage, ListingStatus
from tradepost.members.models import MemberStatus


@dataclass
class CategoryNode:
    slug: str
    name: str
    count: int = 0
    children: list[CategoryNode] = field(default_factory=list)


def public_listings() -> QuerySet[Listing]:
    """Listings buyers may see (as `selectors.listing_published`), ready for cards."""
    return (
        Listing.objects.filter(
            status=ListingStatus.PUBLISHED,
            supplier__status=MemberStatus.ACTIVE,
            supplier__is_supplier=True,
        )
        .select_related("category", "supplier")
        .prefetch_related("price_tiers")
    )


def category_browser() -> list[CategoryNode]:
    """The active category tree with the number of public listings in each (a parent counts
    its descendants'), leaving out branches without listings. Two queries; not cached, so a
    listing shows in its category as soon as it is published."""
    counts = dict(
        Listing.objects.filter(
            status=ListingStatus.PUBLISHED,
            supplier__status=MemberStatus.ACTIVE,
            supplier__is_supplier=True,
        )
        .values_list("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    nodes = list(
        Category.objects.filter(is_active=True)
        .order_by("position", "id")
        .values_list("pk", "slug", "name", "parent_id")
    )
    by_parent: dict[int | None, list[tuple[int, str, str]]] = {}
    for pk, slug, name, parent_id in nodes:
        by_parent.setdefault(parent_id, []).append((pk, slug, name))

    def build(parent_id: int | None, seen: frozenset[int]) -> list[CategoryNode]:
        out = []
        for pk, slug, name in by_parent.get(parent_id, []):
            if pk in seen:
                continue
            node = CategoryNode(slug=slug, name=name, children=build(pk, seen | {pk}))
            node.count = counts.get(pk, 0) + sum(child.count for child in node.children)
            if node.count:
                out.append(node)
        return out

    return build(None, frozenset())


def newest_listings(*, limit: int = 8, exclude: list[int] | None = None) -> list[Listing]:
    """The newest public listings, leaving out those the page already shows."""
    qs = public_listings()
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    return list(qs.order_by("-published_at", "-id")[:limit])


def featured_listings(*, limit: int = 4) -> list[Listing]:
    """Featured, until paid promotion exists (issue 13): the newest public listings of
    verified suppliers that have a picture."""
    qs = public_listings().filter(
        Exists(ListingImage.objects.filter(listing_id=OuterRef("pk"))),
        supplier__supplier_profile__verified=True,
    )
    return list(qs.order_by("-published_at", "-id")[:limit])
