"""Splitting a Terms document into its dated parts (each part is one version)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

_PART = re.compile(
    r"^Part\s+(?P<part>[A-Z])\s*:\s*(?P<label>.*?)\s*-?\s*effective as of\s+(?P<date>.+?)\s*$",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)\b", re.IGNORECASE)

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


def parse_effective_date(text: str) -> date:
    """Dates as the seed writes them: "October 17, 2020", "May 6th, 2020"."""
    cleaned = _ORDINAL.sub(r"\1", text.replace("*", "")).strip().rstrip(".")
    for fmt in ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {text!r}")


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


def bundled_parts() -> list[DocumentPart]:
    text = resources.files("tradepost.terms").joinpath("documents", BUNDLED_DOCUMENT).read_text()
    return split_parts(text)
