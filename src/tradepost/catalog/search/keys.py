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
CATEGORY_SHIFT = 10
CATEGORY_MASK = (1 << 20) - 1
COUNTRY_MASK = (1 << 10) - 1
FACET_MASK = (1 << SEQ_SHIFT) - 1  # category and country together
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


def docid_for(*, seq: int, category_id: int, country: str) -> int:
    category = category_id if 0 < category_id <= CATEGORY_MASK else 0
    return (SEQ_TOP - seq) << SEQ_SHIFT | category << CATEGORY_SHIFT | country_code(country)


def seq_of(docid: int) -> int:
    return SEQ_TOP - (docid >> SEQ_SHIFT)


def category_of(docid: int) -> int:
    return (docid >> CATEGORY_SHIFT) & CATEGORY_MASK


def country_code_of(docid: int) -> int:
    return docid & COUNTRY_MASK


@dataclass(frozen=True)
class DocFacts:
    """What the index knows about a listing besides its text."""

    category_id: int
    country: str
    verified: bool
    sample: bool
    currency: str

    def tags(self) -> list[str]:
        tags = [
            ALL_TAG,
            f"c{self.category_id}",
            f"v{int(self.verified)}",
            f"s{int(self.sample)}",
            f"m{self.currency.lower()}",
        ]
        if self.country:
            tags.append(f"k{self.country.lower()}")
        return tags


def filter_tags(
    *,
    category_ids: list[int] | None,
    country: str | None,
    verified: bool | None,
    sample: bool | None,
    currency: str | None,
) -> list[list[str]]:
    """The exact-match filters as tag clauses: every clause must hold, any tag of a clause."""
    clauses: list[list[str]] = []
    if category_ids is not None:
        clauses.append([f"c{pk}" for pk in category_ids])
    if country:
        clauses.append([f"k{country.lower()}"])
    if verified is not None:
        clauses.append([f"v{int(verified)}"])
    if sample is not None:
        clauses.append([f"s{int(sample)}"])
    if currency:
        clauses.append([f"m{currency.lower()}"])
    return clauses
