"""Splitting a Terms document into its dated parts (each part is one version).

A lenient splitter kept for callers that only need the parts' bodies; `parsing` reads the
clauses and refuses what it cannot place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from importlib import resources

from tradepost.terms.parsing import PART_HEADER as _PART
from tradepost.terms.parsing import parse_effective_date

__all__ = [
    "BUNDLED_DOCUMENT",
    "DocumentPart",
    "bundled_parts",
    "parse_effective_date",
    "split_parts",
]

BUNDLED_DOCUMENT = "terms-of-use-2020.md"


@dataclass(frozen=True)
class DocumentPart:
    part: str
    label: str
    effective_date: date
    body: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode()).hexdigest()


def split_parts(text: str) -> list[DocumentPart]:
    """Split on "Part X: ... effective as of <date>" heading lines."""
    parts: list[DocumentPart] = []
    current: dict | None = None
    lines: list[str] = []
    for line in text.splitlines():
        plain = line.replace("*", "").strip()
        match = _PART.match(plain)
        if match:
            if current:
                parts.append(DocumentPart(body="\n".join(lines).strip(), **current))
            current = {
                "part": match["part"],
                "label": f"Part {match['part']}: {match['label'].rstrip(' -')}".strip(),
                "effective_date": parse_effective_date(match["date"]),
            }
            lines = []
        elif current:
            lines.append(line)
    if current:
        parts.append(DocumentPart(body="\n".join(lines).strip(), **current))
    return parts


def bundled_text() -> str:
    return resources.files("tradepost.terms").joinpath("documents", BUNDLED_DOCUMENT).read_text()


def bundled_parts() -> list[DocumentPart]:
    return split_parts(bundled_text())
