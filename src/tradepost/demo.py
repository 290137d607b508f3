"""Demo parts of the apps above `trade`, where `tradepost demo_data` lives (trade cannot import
them): each registers, from its AppConfig.ready(), a loader that adds what is missing and
answers how many parts it added, and a report of where its tour is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPart:
    name: str
    load: Callable[[], int]
    report: Callable[[str], list[str]]


_parts: list[DemoPart] = []


def register(part: DemoPart) -> None:
    """Called once from an AppConfig.ready(); a part of the same name is registered once."""
    if all(existing.name != part.name for existing in _parts):
        _parts.append(part)


def parts() -> list[DemoPart]:
    return list(_parts)
