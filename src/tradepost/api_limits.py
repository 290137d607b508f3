"""The limits services enforce, published in the OpenAPI document.

Services validate input with their own clear messages (`title is too long (at most 200
characters)`); the API schemas keep only a hard cap that stops absurd bodies early. So that
clients (and the schemathesis run) see the real bounds, a field names them here and they go
into its JSON schema through `json_schema_extra`; validation itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_KEYWORDS = {
    "max_length": "maxLength",
    "min_length": "minLength",
    "max_items": "maxItems",
    "min_items": "minItems",
    "ge": "minimum",
    "le": "maximum",
    "pattern": "pattern",
    "enum": "enum",
    "format": "format",
    "items": "items",
}

COUNTRY_PATTERN = "^[A-Za-z]{2}$"
# Required text: at least one character that is not white space (services strip it).
NOT_BLANK = r"\S"


def limits(**keywords: Any) -> dict[str, Any]:
    """JSON-schema keywords for `Field(json_schema_extra=...)`: `limits(max_length=200)`."""
    out: dict[str, Any] = {}
    for name, value in keywords.items():
        out[_KEYWORDS[name]] = value
    return out


def string_items(
    *, max_length: int | None = None, pattern: str | None = None, enum: Iterable[str] | None = None
) -> dict[str, Any]:
    """The `items` schema of a list of strings."""
    item: dict[str, Any] = {"type": "string"}
    if max_length is not None:
        item["maxLength"] = max_length
    if pattern is not None:
        item["pattern"] = pattern
    if enum is not None:
        item["enum"] = sorted(enum)
    return item
