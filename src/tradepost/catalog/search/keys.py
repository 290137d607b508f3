"""The index's document keys and filter tags, shared by both backends (pure).

A listing's document id (`docid`) packs three numbers so the index alone answers the common
questions without a lookup per matching listing:

    docid = (SEQ_TOP - seq) << 30 | category_id << 10 | country code

`seq` grows each time a listing is published, so "newest first" is "lowest docid first", the
order in which both indexes return matches fastest (FTS5 walks its lists forwards). Category
and supplier country are read back from the docid to count facets. A listing keeps its `seq`
while hidden (e.g. while its supplier is suspended), so it returns to its place.

The exact-match filters (category, country, verified supplier, samples, currency) are
indexed as tags beside the text, so the index intersects them with the words.
"""

from __future__ import annotations

from dataclasses import dataclass

SEQ_SHIFT = 30
SEQ_TOP = (1 << 33) - 1
CATEGORY_SHIFT = 12
CATEGORY_MASK = (1 << 18) - 1
COUNTRY_SHIFT = 2
COUNTRY_MASK = (1 << 10) - 1
VERIFIED_BIT = 1 << 1
SAMPLE_BIT = 1
LOW_MASK = (1 << SEQ_SHIFT) - 1  # everything below seq
FACET_MASK = LOW_MASK & ~(VERIFIED_BIT | SAMPLE_BIT)  # category and country
ALL_TAG = "all"


def country_code(country: str) -> int:
    """ "CN" -> a number below 1024; 0 for blank or anything that is not two letters A-Z."""
    cc = (country or "").upper()
    if len(cc) != 2 or not all("A" <= ch <= "Z" for ch in cc):
        return 0
    return (ord(cc[0]) - 64) * 27 + (ord(cc[1]) - 64)


def country_of(code: int) -> str:
    if code <= 0:
        return ""
    first, second = divmod(code, 27)
    return chr(first + 64) + chr(second + 64)


def docid_for(*, seq: int, category_id: int, country: str, verified: bool, sample: bool) -> int:
    category = category_id if 0 < category_id <= CATEGORY_MASK else 0
    return (
        (SEQ_TOP - seq) << SEQ_SHIFT
        | category << CATEGORY_SHIFT
        | country_code(country) << COUNTRY_SHIFT
        | (VERIFIED_BIT if verified else 0)
        | (SAMPLE_BIT if sample else 0)
    )


def seq_of(docid: int) -> int:
    return SEQ_TOP - (docid >> SEQ_SHIFT)


def category_of(docid: int) -> int:
    return (docid >> CATEGORY_SHIFT) & CATEGORY_MASK


def country_code_of(docid: int) -> int:
    return (docid >> COUNTRY_SHIFT) & COUNTRY_MASK


@dataclass(frozen=True)
class DocFacts:
    """What the index knows about a listing besides its text."""

    category_id: int
    country: str
    verified: bool
    sample: bool
    currency: str

    def tags(self) -> list[str]:
        """The SQLite index's tags; only true flags are tagged (false is "NOT the tag")."""
        tags = [ALL_TAG, f"c{self.category_id}", f"m{self.currency.lower()}"]
        if self.country:
            tags.append(f"k{self.country.lower()}")
        if self.verified:
            tags.append("v1")
        if self.sample:
            tags.append("s1")
        return tags


@dataclass(frozen=True)
class Filters:
    """A search's exact-match filters. Each backend chooses how to apply each one: as index
    tags intersected with the words, or (SQLite) as a check of the docid's bits."""

    category_ids: tuple[int, ...] | None = None
    country: str | None = None
    verified: bool | None = None
    sample: bool | None = None
    currency: str | None = None  # a currency other than the default one (a rare tag)
