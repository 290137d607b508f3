"""Search over published listings (clause 3.2 limits its depth), on SQLite FTS5 or PostgreSQL.

The backend follows the database in use (`connection.vendor`). What goes in the index:

- A listing is searchable while it is published and its supplier is an active member with
  the supplier role. The catalog services call `index_listing` in the transaction of every
  change; `trust.services.member_change_status` calls `supplier_visibility_changed`, so a
  suspended or terminated supplier's listings vanish in the same transaction and return, in
  their old place, on reinstatement. A disciplinary action that hides a supplier from search
  (clause 6.2 iv) is asked through `tradepost.gates` at every indexing: its listings keep
  their rows but are not visible. Before a search, expired actions are tidied up
  (`gates.expire_due`), so an ended restriction shows the listings again. Whatever the
  caller passes, the index reads the current rows, so a call is never wrong, only
  sometimes unnecessary.

What a search answers (the same on both backends):

- Words match title, keywords or description (stemmed; a quoted phrase matches in order).
  Category (with every category below it), supplier country, verified supplier and samples
  are exact-match filters: the index intersects them with the words, or, when most
  listings pass a filter, checks it on each match's docid (keys.py, sqlite.py, postgres.py).
- The window: a search reads the first `SEARCH_WINDOW` (300) of those matches in its order,
  or as many as the requested page needs (at most SEARCH_MAX_PAGE x SEARCH_PAGE_SIZE,
  1,000). By relevance the order is three tiers: listings with every term in the title,
  then with every term in title or keywords, then the rest (title > keywords >
  description), newest first within each; otherwise it is newest first. The tiers are plain
  index scans in docid order, so nothing is scored per match and a broad search is served
  by its newest title matches alone. Price, MOQ and default-currency filters, price
  sorting, `count` and the facet counts work within the window, so no search reads more
  than the window however broad it is. When more listings match, `count_exact` is False
  and `count` counts the window only (a lower bound).
- Supplier rating (clause 3.6): `min_rating` keeps listings whose supplier's average is at
  least that, and `sort=rating` puts the best average first (then the most ratings, then
  window order; unrated last). Both work within the window, like price, on the ratings
  trade keeps in `catalog.SupplierRating` (joined by primary key for the window's listings).
- Facets count the listings of the result (all filters applied) per category, a listing
  counting for its category and each ancestor, i.e. what choosing that filter would give,
  and per supplier country.
- Price: without `qty`, a listing's lowest unit price; with `qty`, the unit price of the tier
  that applies at that quantity, and listings whose MOQ is above `qty` are left out. Price
  filters and sorting compare one currency (`currency`, default SEARCH_PRICE_CURRENCY).
"""

from __future__ import annotations

import dataclasses
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from tradepost import gates
from tradepost.catalog import promotions
from tradepost.catalog.search import keys
from tradepost.catalog.search.plan import Plan, hits_from_window
from tradepost.catalog.search.query import SearchQuery, parse_search_params
from tradepost.catalog.search.results import ListingHit, SearchResult, facets, hydrate
from tradepost.errors import InvalidInput

__all__ = [
    "ListingHit",
    "SearchQuery",
    "SearchResult",
    "index_listing",
    "parse_search_params",
    "rebuild_index",
    "search",
    "supplier_changed",
    "supplier_visibility_changed",
    "unindex_listing",
]


def backend() -> ModuleType:
    if connection.vendor == "postgresql":
        from tradepost.catalog.search import postgres

        return postgres
    from tradepost.catalog.search import sqlite

    return sqlite


def index_listing(listing: Any) -> None:
    """Upsert the listing into the index if it is published and its supplier active, else
    remove it. Reads the listing's current rows; call it after saving, in the transaction."""
    if getattr(listing, "pk", None) is None:
        return
    _reindex([listing.pk])


def _reindex(listing_ids: list[int]) -> None:
    """Index the listings, then hide those whose supplier an action hides (6.2 iv)."""
    with transaction.atomic():
        engine = backend()
        engine.reindex(listing_ids)
        suppliers = gates.search_hidden_suppliers()
        if suppliers:
            engine.hide(_listings_of(suppliers, listing_ids))


def _listings_of(suppliers: set[int], listing_ids: list[int] | None = None) -> list[int]:
    from tradepost.catalog.models import Listing, ListingStatus

    rows = Listing.objects.filter(supplier_id__in=suppliers, status=ListingStatus.PUBLISHED)
    if listing_ids is not None:
        rows = rows.filter(pk__in=listing_ids)
    return list(rows.values_list("pk", flat=True).order_by("pk"))


def unindex_listing(listing_id: int) -> None:
    with transaction.atomic():
        backend().unindex([listing_id])


def supplier_changed(*, member_pk: int) -> None:
    """Re-read every listing of a supplier: after a change of status, role, verification."""
    from tradepost.catalog.models import Listing, ListingStatus

    published = Listing.objects.filter(supplier_id=member_pk, status=ListingStatus.PUBLISHED)
    _reindex(list(published.values_list("pk", flat=True).order_by("pk")))


def supplier_visibility_changed(*, member_pk: int, visible: bool) -> None:
    """Clauses 4.5, 6.2 (i): a suspended or terminated supplier's listings vanish from search
    at once (`visible=False`) and return on reinstatement. The index reads the member's
    status from the database, so call this after saving it."""
    supplier_changed(member_pk=member_pk)


def rebuild_index() -> int:
    """Build the whole index from the listing tables (bulk). Returns the listings indexed."""
    with transaction.atomic():
        engine = backend()
        count = engine.rebuild()
        suppliers = gates.search_hidden_suppliers()
        if not suppliers:
            return count
        hidden = _listings_of(suppliers)
        engine.hide(hidden)
        return count - len(hidden)


def _category_ids(slug: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """WITH RECURSIVE below(id) AS (
                SELECT id FROM catalog_category WHERE slug = %s
                UNION SELECT c.id FROM catalog_category c JOIN below ON c.parent_id = below.id
            ) SELECT id FROM below""",
            [slug],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        raise InvalidInput(
            "The search has invalid parameters.", fields={"category": ["Unknown category."]}
        )
    return ids


def search(query: SearchQuery) -> SearchResult:
    """One page of published listings for `query`, with count and facets (see above)."""
    gates.expire_due()
    page_size = settings.SEARCH_PAGE_SIZE
    # Most listings are priced in the default currency: checking it within the window is
    # cheaper than intersecting the index with a tag nearly every listing carries.
    currency = query.price_currency
    common = currency == settings.SEARCH_PRICE_CURRENCY
    plan = Plan(
        terms=query.terms,
        filters=keys.Filters(
            category_ids=tuple(_category_ids(query.category)) if query.category else None,
            country=query.country,
            verified=query.verified,
            sample=query.sample,
            currency=None if common else currency,
        ),
        currency=currency if common else None,
        min_price=query.min_price,
        max_price=query.max_price,
        qty=query.qty,
        moq_max=query.moq_max,
        sort=query.sort,
        min_rating=query.min_rating,
        offset=(query.page - 1) * page_size,
        limit=page_size,
        window=max(settings.SEARCH_WINDOW, query.page * page_size),
    )
    hits = hits_from_window(plan, backend())
    results = hydrate(hits.docids, qty=query.qty)
    if query.page == 1:
        results = _with_promoted(query, results)
    category_facets, country_facets = facets(hits.facet_cells)
    return SearchResult(
        query=query,
        count=hits.count,
        count_exact=hits.exact,
        page=query.page,
        page_size=page_size,
        results=results,
        category_facets=category_facets,
        country_facets=country_facets,
    )


def _passes_filters(query: SearchQuery, hit: ListingHit) -> bool:
    """The buyer's exact-match filters hold for a promoted listing too (clause 2.6 places
    content, it does not override what the buyer asked for). Category and price filters
    are not re-checked here."""
    if query.country and hit.supplier_country != query.country:
        return False
    if query.verified and not hit.supplier_verified:
        return False
    if query.sample and not hit.sample_available:
        return False
    if query.currency and hit.currency != query.currency:
        return False
    if query.min_rating is not None:
        return hit.supplier_rating is not None and hit.supplier_rating >= query.min_rating
    return True


def _with_promoted(query: SearchQuery, results: list[ListingHit]) -> list[ListingHit]:
    """Clause 2.6: the Promotion Services' listings first (Top Ranking slots, then Sponsored
    ads), marked promoted, and not again among the organic hits below them."""
    placed = promotions.placements(promotions.query_keys(query.terms))
    if not placed:
        return results
    ids = [p.listing_id for p in placed]
    by_id = {hit.id: hit for hit in hydrate(ids, qty=query.qty, by_listing=True)}
    promoted = [
        dataclasses.replace(
            by_id[p.listing_id], promoted=True, promotion=p.kind, click_url=p.click_url
        )
        for p in placed
        if p.listing_id in by_id and _passes_filters(query, by_id[p.listing_id])
    ]
    shown = {hit.id for hit in promoted}
    return promoted + [hit for hit in results if hit.id not in shown]
