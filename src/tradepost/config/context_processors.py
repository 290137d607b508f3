"""What every page's frame (base.html: header, search box, footer) needs from the request."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from tradepost.catalog import selectors as catalog_selectors
from tradepost.http import request_site_family
from tradepost.policy import load_site_policy

HEADER_CATEGORIES_KEY = "frame:header-categories"
HEADER_CATEGORIES_SECONDS = 300


def header_categories() -> list[dict[str, str]]:
    """The top-level categories for the header's search select, cached so a page pays no query
    for them (categories come from policy/categories.toml and change with a deploy)."""
    cached = cache.get(HEADER_CATEGORIES_KEY)
    if cached is None:
        cached = [{"slug": c["slug"], "name": c["name"]} for c in catalog_selectors.category_tree()]
        cache.set(HEADER_CATEGORIES_KEY, cached, HEADER_CATEGORIES_SECONDS)
    return cached


def site_frame(request: HttpRequest) -> dict[str, object]:
    """Clause 2.1: the brand of the site family the host serves (sites.toml), else the default."""
    family = request_site_family(request)
    return {
        "site_family": family,
        "site_brand": family.brand if family else load_site_policy().default_brand,
        "header_categories": header_categories(),
    }
