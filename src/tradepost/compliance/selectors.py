"""Reads of the sanctions lists."""

from __future__ import annotations

from typing import Any

from tradepost.compliance.models import ListVersion, SanctionsList


def lists_current() -> list[dict[str, Any]]:
    """The version in force of each list: source, version, published, entries, aliases."""
    out = []
    for sanctions_list in SanctionsList.objects.order_by("source"):
        version: ListVersion | None = sanctions_list.versions.order_by("-number").first()
        if version is None:
            continue
        out.append(
            {
                "source": sanctions_list.source,
                "version": version.number,
                "published": version.published.isoformat() if version.published else None,
                "entries": version.entry_count,
                "aliases": version.alias_count,
            }
        )
    return out
