"""Screening a name against the sanctions lists (clauses 5.6 (k), 5.13).

INTERIM exact matcher: a name hits an entry when, casefolded, with punctuation dropped,
whitespace collapsed and word order ignored, it equals the entry's primary name or one of its
aliases. Removed entries never hit. Every hit scores 1.0. This module is replaced by the fuzzy
matcher (same `Hit` and `screen_name` interface); callers must not rely on exactness.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import date

from tradepost.compliance.models import Alias, Entry

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    list: str
    list_version: int
    entry_id: str
    name: str
    matched_alias: str
    score: float
    reasons: builtins.list[str]  # `list` is the field above, hence builtins


def normalise_name(name: str) -> tuple[str, ...]:
    """The words of a name, casefolded and sorted: `PETROV, Ivan` == `ivan  petrov`."""
    return tuple(sorted(_WORD.findall(name.casefold())))


def screen_name(
    name: str,
    *,
    kind: str = "any",
    country: str | None = None,
    birth_date: date | None = None,
    limit: int = 10,
    min_score: float | None = None,
) -> list[Hit]:
    """Clause 5.13: the listed parties `name` matches, best first (here: all score 1.0).

    `country` and `birth_date` are accepted for the fuzzy matcher's interface and ignored."""
    wanted = normalise_name(name)
    if not wanted or limit <= 0 or (min_score is not None and min_score > 1.0):
        return []
    entries = Entry.objects.filter(removed_in__isnull=True).select_related("sanctions_list")
    if kind != "any":
        entries = entries.filter(kind=kind)
    matched: dict[int, tuple[Entry, str]] = {}
    for entry in entries.only("id", "name", "source_id", "sanctions_list__source").iterator():
        if normalise_name(entry.name) == wanted:
            matched[entry.id] = (entry, entry.name)
    aliases = Alias.objects.filter(entry__in=entries).exclude(entry_id__in=matched)
    for alias in aliases.select_related("entry__sanctions_list").iterator():
        if alias.entry_id not in matched and normalise_name(alias.name) == wanted:
            matched[alias.entry_id] = (alias.entry, alias.name)
    hits = []
    for entry, matched_name in sorted(
        matched.values(), key=lambda pair: (pair[0].sanctions_list.source, pair[0].source_id)
    ):
        version = entry.sanctions_list.current_version
        hits.append(
            Hit(
                list=entry.sanctions_list.source,
                list_version=version.number if version else 0,
                entry_id=entry.source_id,
                name=entry.name,
                matched_alias=matched_name,
                score=1.0,
                reasons=["exact name match"],
            )
        )
    return hits[:limit]
