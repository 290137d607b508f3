"""The search page: the same parameters and answers as GET /api/v1/listings, for people.

Results come first, as listing cards; the filters sit in a sidebar; every filter in use shows
as a chip that removes it. The URL keeps only the parameters in use: a form submitted with
empty fields is redirected to the same search without them.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext, to_locale
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tradepost import ratelimit
from tradepost.catalog import search, selectors
from tradepost.catalog.cards import country_name, listing_cards
from tradepost.catalog.forms import country_choices
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.catalog.search.query import MAX_QUANTITY, MIN_RATINGS, SORTS
from tradepost.errors import InvalidInput

FIELDS = (
    "q",
    "category",
    "min_price",
    "max_price",
    "qty",
    "moq_max",
    "country",
    "verified",
    "sample",
    "currency",
    "min_rating",
    "sort",
)
LABELS = {
    "q": _("Keywords"),
    "category": _("Category"),
    "min_price": _("Lowest price"),
    "max_price": _("Highest price"),
    "qty": _("Quantity"),
    "moq_max": _("Largest minimum order"),
    "country": _("Supplier country"),
    "verified": _("Verified suppliers only"),
    "sample": _("Samples available"),
    "currency": _("Currency"),
    "min_rating": _("Supplier rating"),
    "sort": _("Sort by"),
    "page": _("Page"),
}
SORT_LABELS = {
    "relevance": _("Best match"),
    "newest": _("Newest"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
    "rating": _("Best-rated suppliers"),
}


def rating_label(n: int) -> str:
    """Clause 3.6: a minimum supplier rating as the filter offers it."""
    if n == 5:
        return gettext("5 stars only")
    return gettext("%(n)s stars and up") % {"n": n}


@dataclass(frozen=True)
class Chip:
    label: str
    href: str


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…")
    href: str
    current: bool


def _locale() -> str:
    return to_locale(get_language() or "en")


def category_options() -> list[tuple[str, str]]:
    """(slug, indented name) for every active category, for a <select>."""
    options: list[tuple[str, str]] = []

    def walk(nodes: list[dict], depth: int) -> None:
        for node in nodes:
            options.append((node["slug"], "\u2003" * depth + node["name"]))
            walk(node["children"], depth + 1)

    walk(selectors.category_tree(), 0)
    return options


def currencies_in_use() -> list[str]:
    """ISO 4217 codes of published listings, and the default comparison currency."""
    in_use = (
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .values_list("currency", flat=True)
        .distinct()
    )
    return sorted({settings.SEARCH_PRICE_CURRENCY, *in_use})


def _link(params: QueryDict, **changes: str | None) -> str:
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode() if query else reverse("catalog:search")


def _without_empty(params: QueryDict) -> QueryDict | None:
    """The parameters without the empty ones, in their order; None when none is empty."""
    if all(value.strip() for _, values in params.lists() for value in values):
        return None
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        for value in values:
            if value.strip():
                kept.appendlist(name, value)
    return kept


def _chips(params: QueryDict, categories: dict[str, str]) -> list[Chip]:
    chips = []
    for name in FIELDS:
        value = params.get(name, "").strip()
        if not value or name == "sort":
            continue
        if name in ("verified", "sample"):
            text = str(LABELS[name])
        elif name == "category":
            text = f"{LABELS[name]}: {categories.get(value, value).strip()}"
        elif name == "country":
            text = f"{LABELS[name]}: {country_name(value.upper())}"
        elif name in ("qty", "moq_max") and value.isascii() and value.isdigit():
            text = f"{LABELS[name]}: {format_decimal(int(value), locale=_locale())}"
        elif name == "min_rating" and value in {str(n) for n in MIN_RATINGS}:
            text = f"{LABELS[name]}: {rating_label(int(value))}"
        elif name == "q":
            text = f"“{value}”"
        else:
            text = f"{LABELS[name]}: {value}"
        chips.append(Chip(label=text, href=_link(params, **{name: None})))
    return chips


def _page_links(params: QueryDict, page: int, last: int) -> list[PageLink]:
    """1 … 4 5 [6] 7 8 … 50: the first, the last and two either side of the current page."""
    wanted = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    links: list[PageLink] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            links.append(PageLink(number=None, href="", current=False))
        links.append(
            PageLink(number=number, href=_page_href(params, number), current=number == page)
        )
        previous = number
    return links


def _field_errors(exc: InvalidInput) -> dict[str, list[str]]:
    """The parser's messages in plain words for the form (its field names are the API's)."""
    plain = {
        "country": gettext("Choose a country from the list."),
        "currency": gettext("Choose a currency from the list."),
        "sort": gettext("Choose an order from the list."),
        "min_rating": gettext("Choose a rating from the list."),
        "category": gettext("Choose a category from the list."),
        "verified": gettext("Tick the box or leave it empty."),
        "sample": gettext("Tick the box or leave it empty."),
    }
    errors: dict[str, list[str]] = {}
    for name, messages in (exc.fields or {}).items():
        if name in plain:
            errors[name] = [plain[name]]
        elif name == "page":
            errors[name] = [
                gettext(
                    "Results stop at page %(max)s: add keywords or filters to narrow the search."
                )
                % {"max": settings.SEARCH_MAX_PAGE}
            ]
        elif name in ("qty", "moq_max"):
            errors[name] = [
                gettext("Enter a whole number from 1 to %(max)s.")
                % {"max": format_decimal(MAX_QUANTITY, locale=_locale())}
            ]
        elif name == "min_price" and "above" in " ".join(messages):
            errors[name] = [gettext("The lowest price is above the highest price.")]
        else:
            errors[name] = [m.replace("Give ", "Enter ") for m in messages]
    return errors


@require_GET
@ratelimit.page_rate_limited("search")
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    stripped = _without_empty(params)
    if stripped is not None:
        target = reverse("catalog:search")
        return redirect(f"{target}?{stripped.urlencode()}" if stripped else target)
    categories = category_options()
    category_names = dict(categories)
    countries = country_choices()
    values = {name: params.get(name, "") for name in FIELDS}
    context: dict = {
        "values": values,
        "categories": categories,
        "countries": countries,
        "currencies": currencies_in_use(),
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "min_ratings": [(str(n), rating_label(n)) for n in sorted(MIN_RATINGS, reverse=True)],
        "searched": any(params.get(name) for name in FIELDS),
        "chips": _chips(params, category_names),
        "clear_all": _link(params, **{n: None for n in FIELDS if n not in ("q", "sort")}),
        "labels": LABELS,
        "hidden_for_sort": [(n, v) for n, v in values.items() if v and n != "sort"],
        "default_currency": settings.SEARCH_PRICE_CURRENCY,
    }
    try:
        query = search.parse_search_params(params)
        result = search.search(query)
    except InvalidInput as exc:
        errors = _field_errors(exc)
        context.update(
            field_errors=errors,
            error_list=[
                (name, LABELS.get(name, name), m) for name, ms in errors.items() for m in ms
            ],
        )
        return render(request, "catalog/search.html", context, status=exc.status)
    last_page = min(result.pages, settings.SEARCH_MAX_PAGE)
    context.update(
        query=query,
        result=result,
        cards=listing_cards(result.results, qty=query.qty),
        qty_number=format_decimal(query.qty, locale=_locale()) if query.qty else "",
        category_links=[
            (c, _link(params, category=c.slug), c.slug == query.category)
            for c in result.category_facets
            if c.parent_slug is None or c.slug == query.category or c.parent_slug == query.category
        ],
        country_links=[
            (code, country_name(code), n, _link(params, country=code), code == query.country)
            for code, n in result.country_facets
        ],
        last_page=last_page,
        first_rank=(result.page - 1) * result.page_size + 1,
        last_rank=(result.page - 1) * result.page_size + len(result.results),
        page_links=_page_links(params, result.page, last_page) if last_page > 1 else [],
    )
    if result.page > 1:
        context["previous_page"] = _page_href(params, result.page - 1)
    if result.page < last_page:
        context["next_page"] = _page_href(params, result.page + 1)
    return render(request, "catalog/search.html", context)


def _page_href(params: QueryDict, number: int) -> str:
    query = params.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = str(number)
    return "?" + query.urlencode() if query else reverse("catalog:search")


def listings_index(request: HttpRequest) -> HttpResponse:
    """/listings/ is the search, with whatever it was asked."""
    target = reverse("catalog:search")
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target, permanent=True)
