"""What a search answers: the page of listings, the count and the facet counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection
from django.utils.dateparse import parse_datetime

from tradepost.catalog.models import ListingStatus
from tradepost.catalog.search import keys
from tradepost.catalog.search.query import SearchQuery
from tradepost.members.models import MemberStatus

PUBLIC = ListingStatus.PUBLISHED


@dataclass(frozen=True)
class ListingHit:
    id: int
    title: str
    category_slug: str
    category_name: str
    supplier_member_id: str
    supplier_name: str
    supplier_country: str
    supplier_verified: bool
    currency: str
    min_unit_price: Decimal | None
    moq: int
    unit: str
    sample_available: bool
    published_at: datetime | None
    price_tiers: tuple[tuple[int, Decimal], ...]
    price_at_qty: Decimal | None = None
    supplier_rating: Decimal | None = None  # clause 3.6: average of counted feedback, 1-5
    supplier_rating_count: int = 0
    # Clause 2.6: placed by a Promotion Service ("top_ranking" or "sponsored"); a Sponsored
    # ad's link goes through its click URL.
    promoted: bool = False
    promotion: str = ""
    click_url: str = ""


@dataclass(frozen=True)
class CategoryCount:
    slug: str
    name: str
    parent_slug: str | None
    count: int


@dataclass
class SearchResult:
    """`count` and the facets cover the search window (see the package docstring); when more
    listings match than the window holds, `count_exact` is False and `count` is a lower bound."""

    query: SearchQuery
    count: int
    count_exact: bool
    page: int
    page_size: int
    results: list[ListingHit]
    category_facets: list[CategoryCount] = field(default_factory=list)
    country_facets: list[tuple[str, int]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def price_at(tiers: tuple[tuple[int, Decimal], ...], qty: int) -> Decimal | None:
    """The unit price of the tier that applies at `qty` (the highest min_qty not above it)."""
    applicable = [price for min_qty, price in tiers if min_qty <= qty]
    return applicable[-1] if applicable else None


_HYDRATE = """SELECT d.docid, l.id, l.status, m.status, m.is_supplier, l.title, c.slug, c.name,
    m.member_id, m.company_name, l.supplier_country, p.verified, l.currency, {price},
    l.moq, l.unit, l.sample_available, l.published_at,
    (SELECT {ladder} FROM catalog_pricetier t WHERE t.listing_id = l.id),
    {rating}, r.count
FROM catalog_search_doc d
JOIN catalog_listing l ON l.id = d.listing_id
JOIN members_member m ON m.id = l.supplier_id
JOIN catalog_category c ON c.id = l.category_id
LEFT JOIN catalog_supplierprofile p ON p.member_id = l.supplier_id
LEFT JOIN catalog_supplierrating r ON r.member_id = l.supplier_id
WHERE d.{key} IN ({marks})"""
_LADDER = {
    "sqlite": "group_concat(t.min_qty || ':' || t.unit_price, ' ')",  # in index order
    "postgresql": "string_agg(t.min_qty || ':' || t.unit_price, ' ' ORDER BY t.min_qty)",
}


def _slug_of(nodes: dict[int, tuple[str, str, int | None]], pk: int | None) -> str | None:
    return nodes[pk][0] if pk is not None and pk in nodes else None


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _average(value: object) -> Decimal | None:
    """A stored average as one decimal place (SQLite hands back 5 for 5.0)."""
    number = _decimal(value)
    return None if number is None else number.quantize(Decimal("0.1"))


def _ladder(text: str | None) -> tuple[tuple[int, Decimal], ...]:
    """ "10:9.5 100:7.25" -> ((10, Decimal("9.5")), (100, Decimal("7.25")))."""
    if not text:
        return ()
    ladder = []
    for step in text.split(" "):
        qty, _, price = step.partition(":")
        ladder.append((int(qty), Decimal(price)))
    ladder.sort()
    return tuple(ladder)


def hydrate(docids: list[int], *, qty: int | None, by_listing: bool = False) -> list[ListingHit]:
    """The listings of a page of docids (listing ids with `by_listing`), in that order;
    re-checks they are public.

    One statement of plain SQL, a row per listing: the ORM would cost more than the search.
    Only the keys are in the WHERE clause, since with status filters too SQLite's planner
    (without ANALYZE statistics) scans every published listing instead of twenty keys."""
    if not docids:
        return []
    sqlite = connection.vendor == "sqlite"
    sql = _HYDRATE.format(
        price="CAST(l.min_unit_price AS TEXT)" if sqlite else "l.min_unit_price",
        rating="CAST(r.average AS TEXT)" if sqlite else "r.average",
        ladder=_LADDER[connection.vendor],
        marks=",".join(["%s"] * len(docids)),
        key="listing_id" if by_listing else "docid",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, docids)
        rows = {row[1] if by_listing else row[0]: row[1:] for row in cursor.fetchall()}
    hits = []
    for docid in docids:
        row = rows.get(docid)
        if row is None or (row[1], row[2], bool(row[3])) != (PUBLIC, MemberStatus.ACTIVE, True):
            continue
        pk = row[0]
        title, slug, name, member_id, company, country, verified, currency, price = row[4:13]
        moq, unit, sample, published_at, ladder_text, rating, ratings = row[13:]
        if isinstance(published_at, str):
            published_at = parse_datetime(published_at)
        if published_at is not None and published_at.tzinfo is None:
            published_at = published_at.replace(tzinfo=UTC)  # SQLite keeps UTC, naive
        ladder = _ladder(ladder_text)
        hits.append(
            ListingHit(
                id=pk,
                title=title,
                category_slug=slug,
                category_name=name,
                supplier_member_id=member_id,
                supplier_name=company,
                supplier_country=country,
                supplier_verified=bool(verified),
                currency=currency,
                min_unit_price=_decimal(price),
                moq=moq,
                unit=unit,
                sample_available=bool(sample),
                published_at=published_at,
                price_tiers=ladder,
                price_at_qty=price_at(ladder, qty) if qty is not None else None,
                supplier_rating=_average(rating),
                supplier_rating_count=ratings or 0,
            )
        )
    return hits


def facets(cells: list[tuple[int, int, int]]) -> tuple[list[CategoryCount], list[tuple[str, int]]]:
    """Listings per category (each also counts for every ancestor) and per supplier country."""
    countries: Counter[str] = Counter()
    leaf_counts: Counter[int] = Counter()
    for category_id, country, n in cells:
        if country:
            countries[keys.country_of(country)] += n
        if category_id:
            leaf_counts[category_id] += n
    by_category: Counter[int] = Counter()
    nodes: dict[int, tuple[str, str, int | None]] = {}
    if leaf_counts:
        ids = list(leaf_counts)
        marks = ",".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH RECURSIVE up(id, slug, name, parent_id) AS (
                    SELECT id, slug, name, parent_id FROM catalog_category WHERE id IN ({marks})
                    UNION SELECT c.id, c.slug, c.name, c.parent_id
                    FROM catalog_category c JOIN up ON c.id = up.parent_id
                ) SELECT id, slug, name, parent_id FROM up""",
                ids,
            )
            nodes = {pk: (slug, name, parent) for pk, slug, name, parent in cursor.fetchall()}
        for leaf, n in leaf_counts.items():
            seen: set[int] = set()
            node: int | None = leaf
            while node is not None and node in nodes and node not in seen:
                seen.add(node)
                by_category[node] += n
                node = nodes[node][2]
    category_facets = [
        CategoryCount(
            slug=nodes[pk][0],
            name=nodes[pk][1],
            parent_slug=_slug_of(nodes, nodes[pk][2]),
            count=n,
        )
        for pk, n in sorted(by_category.items(), key=lambda item: (-item[1], nodes[item[0]][0]))
    ]
    return category_facets, sorted(countries.items(), key=lambda item: (-item[1], item[0]))
