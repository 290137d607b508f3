"""Readers of the published sanctions-list formats. Each turns the files it is given into a
`ParsedList` of plain data, touching no database; `services.sanctions_import` applies it.

A malformed file raises `ImportFileError` naming the file and the line (CSV, JSON lines) or the
element (XML) that broke it."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from tradepost.errors import InvalidInput

Progress = Callable[[str], None]


class ImportFileError(InvalidInput):
    """A list file could not be read as its format. Nothing is imported."""

    code = "sanctions_file_malformed"

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        super().__init__(
            _("%(file)s, %(where)s: %(problem)s")
            % {"file": Path(path).name, "where": where, "problem": problem},
            extra={"file": str(path), "where": where},
        )


@dataclass
class ParsedAlias:
    name: str
    alias_type: str = "aka"
    quality: str = "strong"
    script: str = ""

    def as_tuple(self) -> tuple[str, str, str, str]:
        return (self.name, self.alias_type, self.quality, self.script)


@dataclass
class ParsedEntry:
    source_id: str
    kind: str
    name: str
    aliases: list[ParsedAlias] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    remarks: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedList:
    source: str
    title: str
    published: date | None
    entries: list[ParsedEntry]
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n


def script_of(text: str) -> str:
    """The dominant non-Latin script of a name ("" for Latin or no letters): Cyrillic, Arabic,
    Han, Hiragana, Katakana, Hangul, Greek, Hebrew ... taken from the Unicode character names."""
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        try:
            script = unicodedata.name(char).split(" ", 1)[0]
        except ValueError:
            continue
        if script == "CJK":
            script = "HAN"
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ""
    best = max(counts, key=lambda k: counts[k])
    return "" if best == "LATIN" else best.lower()


def clean(text: str | None) -> str:
    """Collapse whitespace; None and OFAC's null `-0-` become ""."""
    if text is None:
        return ""
    text = " ".join(text.split())
    return "" if text in ("-0-", "-0") else text


def add_unique(values: list[Any], value: Any) -> None:
    if value and value not in values:
        values.append(value)
