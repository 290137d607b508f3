"""Promoted search hits (clause 2.6): the registry through which Promotion Services place
listings in search without `catalog` importing `billing` (which sits above it).

`billing` registers one source in its AppConfig.ready(). Given the keys of a query (the
whole query's words, then each word or quoted phrase, normalised by `keyword_normalise`),
a source answers the listings to put first on the first page, in order: the Top Ranking
slots, then the Sponsored Listing ads, each with a click URL when a click is billed. With
nothing registered (an app test without billing), a search has no promoted hits and costs
no extra query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from tradepost.catalog.search.query import Term

_WORD = re.compile(r"[^\W_]+")
KEYWORD_MAX_CHARS = 80


@dataclass(frozen=True)
class Placement:
    """One promoted listing: `kind` says which service placed it; `click_url`, when set, is
    where its link goes (a Sponsored ad records and bills the click, then redirects)."""

    listing_id: int
    kind: Literal["top_ranking", "sponsored"]
    click_url: str = ""


PromotionSource = Callable[[tuple[str, ...]], list[Placement]]

_sources: list[PromotionSource] = []


def register(source: PromotionSource) -> None:
    """Called once from an AppConfig.ready(); registering the same callable twice is a no-op."""
    if source not in _sources:
        _sources.append(source)


def keyword_normalise(text: str) -> str:
    """A keyword as the search compares it: lower-case words, one space apart ("Steel
    FLANGE-dn50" -> "steel flange dn50")."""
    return " ".join(w.lower() for w in _WORD.findall(text or ""))[:KEYWORD_MAX_CHARS].strip()


def query_keys(terms: Sequence[Term]) -> tuple[str, ...]:
    """The keys a query matches a keyword by: all its words together, then each term."""
    if not terms:
        return ()
    whole = keyword_normalise(" ".join(" ".join(t.words) for t in terms))
    keys = [whole]
    for term in terms:
        key = keyword_normalise(" ".join(term.words))
        if key and key not in keys:
            keys.append(key)
    return tuple(k for k in keys if k)


def placements(keys: tuple[str, ...]) -> list[Placement]:
    """What the registered sources place for a query with these keys (none without keys)."""
    if not keys:
        return []
    found: list[Placement] = []
    seen: set[int] = set()
    for source in _sources:
        for placement in source(keys):
            if placement.listing_id not in seen:
                seen.add(placement.listing_id)
                found.append(placement)
    return found
