"""The search page: the same parameters and answers as GET /api/v1/listings."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tradepost import ratelimit
from tradepost.catalog import search, selectors
from tradepost.catalog.search.query import SORTS
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
    "sort",
)
SORT_LABELS = {
    "relevance": "Best match",
    "newest": "Newest",
    "price": "Price: low to high",
    "-price": "Price: high to low",
}


def _category_options() -> list[tuple[str, str]]:
    options: list[tuple[str, str]] = []

    def walk(nodes: list[dict], depth: int) -> None:
        for node in nodes:
            options.append((node["slug"], "\u2003" * depth + node["name"]))
            walk(node["children"], depth + 1)

    walk(selectors.category_tree(), 0)
    return options


def _link(params: QueryDict, **changes: str | None) -> str:
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode()


@require_GET
@ratelimit.page_rate_limited("search")
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    context: dict = {
        "values": {name: params.get(name, "") for name in FIELDS},
        "categories": _category_options(),
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "searched": any(params.get(name) for name in FIELDS),
    }
    try:
        query = search.parse_search_params(params)
        result = search.search(query)
    except InvalidInput as exc:
        context.update(error=exc.message, field_errors=exc.fields)
        return render(request, "catalog/search.html", context, status=exc.status)
    last_page = min(result.pages, settings.SEARCH_MAX_PAGE)
    page_link = params.copy()
    context.update(
        result=result,
        category_links=[
            (c, _link(params, category=c.slug), c.slug == query.category)
            for c in result.category_facets
        ],
        country_links=[
            (code, n, _link(params, country=code), code == query.country)
            for code, n in result.country_facets
        ],
        clear_category=_link(params, category=None) if query.category else "",
        clear_country=_link(params, country=None) if query.country else "",
        last_page=last_page,
        first_rank=(result.page - 1) * result.page_size + 1,
    )
    if result.page > 1:
        page_link["page"] = str(result.page - 1)
        context["previous_page"] = "?" + page_link.urlencode()
    if result.page < last_page:
        page_link["page"] = str(result.page + 1)
        context["next_page"] = "?" + page_link.urlencode()
    return render(request, "catalog/search.html", context)
