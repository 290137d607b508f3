"""Pure decisions about maintenance windows and incidents (clause 9.1) and the service they
take away (clauses 2.4, 9.1). Plain data in, the decision and the clause out."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tradepost.policy.operations import ServiceLossPolicy

CLAUSE = "9.1"


class Phase(StrEnum):
    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    ENDED = "ended"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class WindowFacts:
    """What the rules need of a `ServiceWindow` (cached per process as it is)."""

    id: int
    kind: str
    cause: str
    title: str
    message: str
    starts_at: datetime
    ends_at: datetime | None
    ended_at: datetime | None
    read_only: bool
    status: str


def window_phase(window: WindowFacts, now: datetime) -> Phase:
    """Clause 9.1: a window is in progress from its start until staff end it (its actual end),
    also past its published end: an overrun is still a window. A cancelled one never runs."""
    if window.status == "cancelled":
        return Phase.CANCELLED
    if window.ended_at is not None and window.ended_at <= now:
        return Phase.ENDED
    if window.status == "completed":
        return Phase.ENDED
    if window.starts_at > now:
        return Phase.UPCOMING
    return Phase.IN_PROGRESS


@dataclass(frozen=True)
class ReadOnlyDecision:
    """Whether writes wait now, for which window, and how many seconds to say in Retry-After."""

    read_only: bool
    window: WindowFacts | None = None
    retry_after: int = 0
    clause: str = CLAUSE


WRITABLE = ReadOnlyDecision(read_only=False)


def read_only_now(
    windows: Iterable[WindowFacts], now: datetime, *, default_retry_after: int
) -> ReadOnlyDecision:
    """Clause 9.1 (i): while a read-only window is in progress, writes wait. Retry-After is
    the seconds to its published end, or `default_retry_after` once that end has passed or
    was never published; with several, the one that ends last decides."""
    active = [w for w in windows if w.read_only and window_phase(w, now) is Phase.IN_PROGRESS]
    if not active:
        return WRITABLE

    def seconds(window: WindowFacts) -> int:
        if window.ends_at is None or window.ends_at <= now:
            return default_retry_after
        return max(1, math.ceil((window.ends_at - now).total_seconds()))

    window = max(active, key=seconds)
    return ReadOnlyDecision(read_only=True, window=window, retry_after=seconds(window))


def banner_windows(
    windows: Iterable[WindowFacts], now: datetime, *, lead: timedelta
) -> list[WindowFacts]:
    """The windows the site-wide banner announces: in progress, or starting within `lead`."""
    shown = []
    for window in windows:
        phase = window_phase(window, now)
        if phase is Phase.IN_PROGRESS or (
            phase is Phase.UPCOMING and window.starts_at - now <= lead
        ):
            shown.append(window)
    return sorted(shown, key=lambda w: (w.starts_at, w.id))


def lost_interval(
    window: WindowFacts, now: datetime, policy: ServiceLossPolicy
) -> tuple[datetime, datetime] | None:
    """Clauses 2.4 and 9.1: the part of a window that counts as service lost to the platform,
    by its cause (`[service_loss]` in operations.toml): the whole window, only what ran past
    the published end ("maintenance past the published window"), or nothing. A maintenance
    window that left the site writable lost nothing; one still running counts up to `now`."""
    phase = window_phase(window, now)
    if phase in (Phase.CANCELLED, Phase.UPCOMING):
        return None
    if window.kind == "maintenance" and not window.read_only:
        return None
    part = policy.part(window.cause)
    end = window.ended_at if window.ended_at is not None and window.ended_at <= now else now
    if part == "none":
        return None
    start = window.starts_at
    if part == "overrun":
        if window.ends_at is None:
            return None
        start = max(start, window.ends_at)
    return (start, end) if end > start else None


def time_lost(
    intervals: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime
) -> timedelta:
    """The length of the union of `intervals` within [start, end): overlapping windows count
    once."""
    clipped = sorted(
        (max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)
    )
    total = timedelta(0)
    current: tuple[datetime, datetime] | None = None
    for a, b in clipped:
        if current is None or a > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (a, b)
        else:
            current = (current[0], max(current[1], b))
    if current is not None:
        total += current[1] - current[0]
    return total
