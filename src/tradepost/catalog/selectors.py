"""Reads about the catalog. Never write."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from tradepost import gates
from tradepost.catalog import rules
from tradepost.catalog.models import (
    Category,
    Certification,
    FavouriteListing,
    FavouriteSupplier,
    Listing,
    ListingPolicyVersion,
    ListingStatus,
    ListingTransition,
    SavedSearch,
    SupplierProfile,
)
from tradepost.catalog.policy import (
    ListingPolicy,
    load_bundled_listing_policy,
    load_categories,
    load_membership_tiers,
    parse_listing_policy,
)
from tradepost.catalog.screening import ListingContent
from tradepost.errors import NotFound
from tradepost.members.models import BusinessReferee, Member, MemberStatus, User

LISTING_NOT_FOUND = "Listing not found."


# --- Access helpers (404 alike for "not there" and "not yours") ---------------------------


def listing_for_member(*, member: Member, listing_id: int) -> Listing:
    listing = (
        _listing_detail_qs().filter(pk=listing_id, supplier_id=member.pk).first()
        if isinstance(listing_id, int)
        else None
    )
    if listing is None:
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def listing_published(*, listing_id: int, for_order: bool = False) -> Listing:
    """A listing buyers may see: published, by an active supplier. `for_order` loads only
    what an order takes from it (the supplier and the price tiers), not its page's images
    and history."""
    qs = (
        Listing.objects.select_related("supplier").prefetch_related("price_tiers")
        if for_order
        else _listing_detail_qs()
    )
    listing = qs.filter(
        pk=listing_id,
        status=ListingStatus.PUBLISHED,
        supplier__status=MemberStatus.ACTIVE,
        supplier__is_supplier=True,
    ).first()
    if listing is None:
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def listing_public_page(*, listing_id: int) -> Listing:
    """A published listing with what its public page shows, in four queries whatever its
    number of images and tiers: the listing with its category path (three levels), supplier
    and supplier profile; its tiers; its images."""
    listing = (
        Listing.objects.select_related("category__parent__parent", "supplier__supplier_profile")
        .prefetch_related("price_tiers", "images")
        .filter(
            pk=listing_id,
            status=ListingStatus.PUBLISHED,
            supplier__status=MemberStatus.ACTIVE,
            supplier__is_supplier=True,
        )
        .first()
    )
    if listing is None:
        raise NotFound(LISTING_NOT_FOUND)
    return listing


def category_ancestry(category: Category) -> list[Category]:
    """The category and its parents, root first, from what `select_related` loaded."""
    chain: list[Category] = []
    node: Category | None = category
    while node is not None and len(chain) < 3:
        chain.append(node)
        node = node.parent if node.parent_id else None
    return list(reversed(chain))


def _listing_detail_qs() -> QuerySet[Listing]:
    return Listing.objects.select_related(
        "category", "category__parent", "supplier"
    ).prefetch_related(
        "price_tiers",
        "images",
        Prefetch(
            "transitions",
            queryset=ListingTransition.objects.select_related("by").order_by("-at", "-id"),
        ),
    )


def listings_for_member(*, member: Member, status: str | None = None) -> QuerySet[Listing]:
    qs = (
        Listing.objects.filter(supplier_id=member.pk)
        .select_related("category")
        .prefetch_related("price_tiers", "images")
        .order_by("-updated_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def published_listings_of_supplier(*, member: Member) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(supplier_id=member.pk, status=ListingStatus.PUBLISHED)
        .select_related("category")
        .prefetch_related("price_tiers", "images")
        .order_by("-published_at", "-id")
    )


def moderation_queue() -> QuerySet[Listing]:
    """Listings screening held for staff, oldest first (6.1)."""
    return (
        Listing.objects.filter(status=ListingStatus.PENDING_REVIEW)
        .select_related("supplier", "category")
        .order_by("updated_at", "id")
    )


# --- Categories -----------------------------------------------------------------------------


def category_tree() -> list[dict]:
    """Active categories as a tree: [{slug, name, children: [...]}], in file order."""
    nodes = list(Category.objects.filter(is_active=True).order_by("position", "id"))
    by_parent: dict[int | None, list[Category]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def build(parent_id: int | None) -> list[dict]:
        return [
            {"slug": n.slug, "name": n.name, "children": build(n.pk)}
            for n in by_parent.get(parent_id, [])
        ]

    return build(None)


def leaf_category_slugs() -> set[str]:
    """Active categories without active children: the only ones a listing may use."""
    active = Category.objects.filter(is_active=True)
    parents = set(active.exclude(parent=None).values_list("parent_id", flat=True))
    return {slug for pk, slug in active.values_list("pk", "slug") if pk not in parents}


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Leaf categories grouped under their top-level parent, for a <select>."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []

    def leaves(node: dict, trail: list[str]) -> list[tuple[str, str]]:
        if not node["children"]:
            return [(node["slug"], " › ".join([*trail, node["name"]]))]
        out: list[tuple[str, str]] = []
        for child in node["children"]:
            out += leaves(child, [*trail, node["name"]] if trail else [])
        return out

    for top in category_tree():
        groups.append((top["name"], leaves(top, [])))
    return groups


def category_path(category: Category) -> tuple[str, ...]:
    """Slugs from the root down to `category`."""
    path: list[str] = []
    node: Category | None = category
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        path.append(node.slug)
        node = node.parent
    return tuple(reversed(path))


# --- Policy -------------------------------------------------------------------------------


def listing_policy_in_force() -> ListingPolicy:
    """The active console version of the listing policy, else the bundled file."""
    row = (
        ListingPolicyVersion.objects.filter(is_active=True)
        .values_list("pk", "sha256", "version")
        .first()
    )
    if row is None:
        return load_bundled_listing_policy()
    return _parse_console_policy(*row)


@lru_cache(maxsize=8)
def _parse_console_policy(pk: int, sha256: str, version: str) -> ListingPolicy:
    """The version's document is read (and parsed) once per content: every order, message
    and listing screening reads the policy in force."""
    document = ListingPolicyVersion.objects.values_list("document", flat=True).get(pk=pk)
    return parse_listing_policy(
        document, source=f"console version {version}", known_categories=load_categories().slugs()
    )


def listing_content(listing: Listing, *, profile: SupplierProfile | None = None) -> ListingContent:
    """What screening reads of a listing (and of its supplier's profile)."""
    if profile is None:
        profile = SupplierProfile.objects.filter(member_id=listing.supplier_id).first()
    return ListingContent(
        title=listing.title,
        description=listing.description,
        keywords=tuple(listing.keywords or ()),
        attributes=tuple((a.get("key", ""), a.get("value", "")) for a in listing.attributes or ()),
        port=listing.port,
        category_path=category_path(listing.category),
        category_name=listing.category.name,
        ships_to=tuple(listing.ships_to or ()),
        export_markets=tuple(profile.export_markets or ()) if profile else (),
        supplier_country=listing.supplier.country,
    )


# --- Supplier profiles and caps -----------------------------------------------------------


def supplier_profile_of(member: Member) -> SupplierProfile | None:
    return SupplierProfile.objects.filter(member=member).prefetch_related("certifications").first()


def supplier_listing_cap(*, member: Member, profile: SupplierProfile | None = None) -> dict:
    """Clause 6.2 (iii): the supplier's cap, where it comes from, and the slots in use."""
    tiers = load_membership_tiers()
    if profile is None:
        profile = SupplierProfile.objects.filter(member=member).first()
    tier_key = profile.membership_tier if profile else tiers.default_tier
    tier = tiers.tiers.get(tier_key) or tiers.tiers[tiers.default_tier]
    override = profile.listing_cap_override if profile else None
    cap = rules.listing_cap(tier_cap=tier.cap, override=override)
    # A disciplinary action may cap the listings lower still (6.2 iii).
    limit = gates.listing_cap(member)
    if limit is not None and (cap is None or limit.cap < cap):
        cap = limit.cap
    return {
        "tier": tier_key,
        "tier_name": tier.name,
        "cap": cap,
        "overridden": override is not None,
        "action_id": limit.action_id if limit is not None and cap == limit.cap else None,
        "in_use": Listing.objects.filter(supplier=member, status__in=rules.CAP_COUNTED).count(),
    }


def supplier_public(*, member_id: str) -> dict:
    """A supplier's public profile page: only active suppliers; referees only with consent."""
    member = Member.objects.filter(
        member_id=member_id, is_supplier=True, status=MemberStatus.ACTIVE
    ).first()
    if member is None:
        raise NotFound("Supplier not found.")
    profile = supplier_profile_of(member)
    referees = BusinessReferee.objects.filter(member=member, consent_given=True).order_by(
        "created_at", "id"
    )
    return {
        "member": member,
        "profile": profile,
        "certifications": list(profile.certifications.all()) if profile else [],
        "referees": list(referees),
        "listings": list(published_listings_of_supplier(member=member)[:60]),
    }


STOREFRONT_PAGE_SIZE = 12


def supplier_storefront(*, member_id: str, q: str = "", page: int | str = 1) -> dict:
    """A supplier's storefront: the profile, its certifications, consented referees, and a
    page of their published listings (filtered by `q` in the title or description).
    A constant number of queries whatever the number of listings."""
    member = (
        Member.objects.select_related("supplier_profile")
        .filter(member_id=member_id, is_supplier=True, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise NotFound("Supplier not found.")
    profile = getattr(member, "supplier_profile", None)
    referees = BusinessReferee.objects.filter(member=member, consent_given=True).order_by(
        "created_at", "id"
    )
    listings = (
        Listing.objects.filter(supplier_id=member.pk, status=ListingStatus.PUBLISHED)
        .select_related("category", "supplier")
        .prefetch_related("price_tiers")
        .order_by("-published_at", "-id")
    )
    q = q.strip()[:100]
    if q:
        listings = listings.filter(Q(title__icontains=q) | Q(description__icontains=q))
    paginator = Paginator(listings, STOREFRONT_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    return {
        "member": member,
        "profile": profile,
        "certifications": list(profile.certifications.all()) if profile else [],
        "referees": list(referees),
        "page": page_obj,
        "listings": list(page_obj.object_list),
        "q": q,
        "total": Listing.objects.filter(
            supplier_id=member.pk, status=ListingStatus.PUBLISHED
        ).count()
        if q
        else paginator.count,
    }


# --- Uploaded files (tradepost.catalog.media) ----------------------------------------------

LISTING_IMAGE_DIR = "listings/"
SUPPLIER_IMAGE_DIR = "suppliers/"
CERTIFICATION_DIR = "certifications/"


def certification_document_for_viewer(*, user: User | AnonymousUser, name: str) -> Certification:
    """A certification document, to its supplier and to staff only; NotFound alike for a
    document that is not there and one that is not theirs (no probing)."""
    if user.is_authenticated:
        cert = Certification.objects.filter(document=name).select_related("profile__member").first()
        if cert is not None and (user.is_staff or cert.profile.member.user_id == user.pk):
            return cert
    raise NotFound("File not found.")


# --- The member's workspace ---------------------------------------------------------------

ATTENTION_STATUSES = (ListingStatus.PENDING_REVIEW, ListingStatus.REJECTED)


def listing_status_counts(*, member: Member) -> dict[str, int]:
    """How many of the supplier's listings are in each status: one query."""
    counts = {status.value: 0 for status in ListingStatus}
    rows = (
        Listing.objects.filter(supplier_id=member.pk)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def listings_needing_attention(*, member: Member, limit: int = 10) -> list[Listing]:
    """Held for review or refused, most recently changed first."""
    return list(
        Listing.objects.filter(supplier_id=member.pk, status__in=ATTENTION_STATUSES)
        .select_related("category")
        .order_by("-updated_at", "-id")[:limit]
    )


def favourite_listings_of(*, member: Member, limit: int | None = None) -> list[FavouriteListing]:
    """The member's saved listings that buyers can still see, newest first."""
    qs = (
        FavouriteListing.objects.filter(member=member, listing__status=ListingStatus.PUBLISHED)
        .select_related("listing", "listing__category", "listing__supplier")
        .prefetch_related("listing__price_tiers", "listing__images")
        .order_by("-created_at", "-id")
    )
    return list(qs[:limit] if limit else qs)


def favourite_suppliers_of(*, member: Member, limit: int | None = None) -> list[FavouriteSupplier]:
    qs = (
        FavouriteSupplier.objects.filter(member=member, supplier__status=MemberStatus.ACTIVE)
        .select_related("supplier", "supplier__supplier_profile")
        .annotate(
            published=Count(
                "supplier__listings",
                filter=Q(supplier__listings__status=ListingStatus.PUBLISHED),
            )
        )
        .order_by("-created_at", "-id")
    )
    return list(qs[:limit] if limit else qs)


def favourite_counts(*, member: Member) -> dict[str, int]:
    return {
        "listings": FavouriteListing.objects.filter(
            member=member, listing__status=ListingStatus.PUBLISHED
        ).count(),
        "suppliers": FavouriteSupplier.objects.filter(
            member=member, supplier__status=MemberStatus.ACTIVE
        ).count(),
    }


def is_favourite_listing(*, member: Member | None, listing_id: int) -> bool:
    if member is None:
        return False
    return FavouriteListing.objects.filter(member=member, listing_id=listing_id).exists()


def is_favourite_supplier(*, member: Member | None, supplier_id: int) -> bool:
    if member is None:
        return False
    return FavouriteSupplier.objects.filter(member=member, supplier_id=supplier_id).exists()


def saved_searches_of(*, member: Member, limit: int | None = None) -> list[SavedSearch]:
    qs = SavedSearch.objects.filter(member=member).order_by("-created_at", "-id")
    return list(qs[:limit] if limit else qs)
