"""The home page: search, the category browser and the listing shelves."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tradepost.catalog import home_selectors
from tradepost.catalog.cards import listing_cards
from tradepost.members.selectors import member_for_user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    featured = home_selectors.featured_listings(limit=4)
    newest = home_selectors.newest_listings(limit=8, exclude=[row.pk for row in featured])
    categories = home_selectors.category_browser()
    member = member_for_user(request.user) if request.user.is_authenticated else None
    return render(
        request,
        "home.html",
        {
            "categories": categories,
            "category_options": [
                (node.slug, "\u2003" * depth + node.name) for node, depth in _walk(categories, 0)
            ],
            "newest": listing_cards(newest),
            "featured": listing_cards(featured),
            "member": member,
        },
    )


def _walk(
    nodes: list[home_selectors.CategoryNode], depth: int
) -> list[tuple[home_selectors.CategoryNode, int]]:
    out = []
    for node in nodes:
        out.append((node, depth))
        out += _walk(node.children, depth + 1)
    return out
