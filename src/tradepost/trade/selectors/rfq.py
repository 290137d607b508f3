"""Reading RFQs and quotations. Every read by id goes through `rfq_for_member` or
`quotation_for_member`, which answer the same 404 for "not there" and "not yours".
Callers apply `services.rfq.rfqs_expire_due` first (selectors never write)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tradepost.catalog.models import Category, Listing, ListingStatus
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.trade.models.rfq import Quotation, Rfq, RfqStatus
from tradepost.trust.selectors.links import cluster_member_pks


def supplier_category_ids(supplier: Member) -> set[int]:
    """The categories a supplier lists products in (its published listings' categories, as
    the catalog records them), with their parent categories, so an RFQ posted on a broader
    category reaches the suppliers of its sub-categories too."""
    leaf_ids = set(
        Listing.objects.filter(supplier=supplier, status=ListingStatus.PUBLISHED)
        .values_list("category_id", flat=True)
        .distinct()
    )
    ids = set(leaf_ids)
    frontier = leaf_ids
    while frontier:
        parents = set(
            Category.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        frontier = parents - ids
        ids |= parents
    return ids


def _rfqs() -> QuerySet[Rfq]:
    return Rfq.objects.select_related("category", "buyer").prefetch_related("attachments")


def rfqs_of_buyer(*, buyer: Member) -> QuerySet[Rfq]:
    """The buyer's own RFQs, newest first."""
    return _rfqs().filter(buyer=buyer).order_by("-created_at", "-id")


def rfq_board(
    *,
    supplier: Member,
    category: str = "",
    destination: str = "",
    now: datetime | None = None,
) -> QuerySet[Rfq]:
    """The RFQ board: open RFQs, deadline not passed, in the supplier's categories, less its
    own and its related accounts' RFQs (which it may not quote); soonest deadline first.
    `category` (a slug, with its sub-categories) and `destination` (ISO code) narrow it."""
    now = now or timezone.now()
    qs = (
        _rfqs()
        .filter(
            status=RfqStatus.OPEN,
            deadline__gt=now,
            category_id__in=supplier_category_ids(supplier),
        )
        .exclude(buyer_id__in=cluster_member_pks(supplier.pk))
    )
    if category:
        qs = qs.filter(
            Q(category__slug=category)
            | Q(category__parent__slug=category)
            | Q(category__parent__parent__slug=category)
        )
    if destination:
        qs = qs.filter(destination_country=destination.upper())
    return qs.order_by("deadline", "id")


def rfq_board_categories(*, supplier: Member) -> list[tuple[str, str]]:
    """(slug, name) of the supplier's categories, for the board's filter."""
    return list(
        Category.objects.filter(pk__in=supplier_category_ids(supplier))
        .order_by("name")
        .values_list("slug", "name")
    )


def id_in_range(value: int) -> bool:
    """A key the database can hold (a larger one would overflow before it is compared)."""
    return 0 < value < 2**63


def rfq_for_member(*, member: Member, rfq_id: int, now: datetime | None = None) -> Rfq:
    """The buyer's own RFQ; for a supplier, an RFQ it quoted or may see on its board."""
    rfq = _rfqs().filter(pk=rfq_id).first() if id_in_range(rfq_id) else None
    if rfq is None:
        raise NotFound("RFQ not found.")
    if rfq.buyer_id == member.pk:
        return rfq
    if Quotation.objects.filter(rfq=rfq, supplier=member).exists():
        return rfq
    if member.is_supplier and rfq_board(supplier=member, now=now).filter(pk=rfq.pk).exists():
        return rfq
    raise NotFound("RFQ not found.")


def quotations_visible(*, rfq: Rfq, member: Member) -> QuerySet[Quotation]:
    """All quotations of the RFQ for its buyer, side by side (lowest unit price first); only
    its own for a supplier."""
    qs = Quotation.objects.filter(rfq=rfq).select_related("supplier", "supplier__supplier_profile")
    if rfq.buyer_id != member.pk:
        qs = qs.filter(supplier=member)
    return qs.order_by("unit_price", "id")


def quotation_for_member(*, member: Member, quotation_id: int) -> Quotation:
    """A quotation for the supplier who sent it or the buyer of its RFQ; else 404."""
    if not id_in_range(quotation_id):
        raise NotFound("Quotation not found.")
    quotation = (
        Quotation.objects.select_related("rfq", "rfq__category", "supplier")
        .filter(pk=quotation_id)
        .filter(Q(supplier=member) | Q(rfq__buyer=member))
        .first()
    )
    if quotation is None:
        raise NotFound("Quotation not found.")
    return quotation


def own_quotation(*, rfq: Rfq, supplier: Member) -> Quotation | None:
    return Quotation.objects.filter(rfq=rfq, supplier=supplier).first()


def quotation_counts(*, rfq_ids: list[int]) -> dict[int, int]:
    """How many quotations each RFQ has."""
    rows = (
        Quotation.objects.filter(rfq_id__in=rfq_ids)
        .values("rfq_id")
        .annotate(n=Count("id"))
        .values_list("rfq_id", "n")
    )
    return dict(rows)
