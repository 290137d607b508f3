"""Penalty points and IP strikes (clause 6.2): pure decisions over a member's records.

Clause 6.2: disciplinary actions as the platform deems appropriate; the policy data
(`policy/penalties.toml`) says which ones the points and strikes prescribe. Each decision
names the threshold (its id and clause) that decided it, or none.

Points: a record counts while `at` is within `lifetime_days` of now. Records that come from
established complaints (`capped`) count at most `same_day_cap` per calendar day (in the
policy's time zone), whatever their number; points staff add by hand are not capped. A
threshold is crossed when the live total before the new points is below it and the total
with them reaches it; when one record crosses several, the highest decides.

Strikes: a serious infringement of Third Party Rights (5.4) counts strikes, not points.
Complaints established within `group_days` of the first complaint of a strike are that same
strike; the next one after the window starts a new strike. A strike counts for
`lifetime_days`. The Nth live strike prescribes the threshold for N (the last threshold for
any N beyond it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tradepost.policy.penalties import (
    PointsPolicy,
    PointsThreshold,
    StrikesPolicy,
    StrikeThreshold,
)


@dataclass(frozen=True)
class PointRecord:
    points: int
    at: datetime
    capped: bool = True


@dataclass(frozen=True)
class PointsDecision:
    total_before: int
    total: int
    counted: int  # what the new record added to the live total (after the same-day cap)
    threshold: PointsThreshold | None
    rule: str  # the threshold id, or "points-none"
    clause: str
    expires_at: datetime


def _day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def is_live(at: datetime, *, now: datetime, lifetime_days: int) -> bool:
    return at <= now < at + timedelta(days=lifetime_days)


def points_total(records: Sequence[PointRecord], *, now: datetime, policy: PointsPolicy) -> int:
    """The member's live points: unexpired records, complaint points capped per day."""
    zone = ZoneInfo(policy.timezone)
    per_day: dict[date, int] = defaultdict(int)
    uncapped = 0
    for record in records:
        if not is_live(record.at, now=now, lifetime_days=policy.lifetime_days):
            continue
        if record.capped:
            per_day[_day(record.at, zone)] += record.points
        else:
            uncapped += record.points
    return uncapped + sum(min(policy.same_day_cap, n) for n in per_day.values())


def threshold_crossed(
    thresholds: Sequence[PointsThreshold], *, before: int, after: int
) -> PointsThreshold | None:
    crossed = [t for t in thresholds if before < t.points <= after]
    return crossed[-1] if crossed else None


def points_assess(
    records: Sequence[PointRecord], new: PointRecord, *, now: datetime, policy: PointsPolicy
) -> PointsDecision:
    """Clause 6.2: what adding `new` to the member's `records` does at `now`."""
    before = points_total(records, now=now, policy=policy)
    after = points_total([*records, new], now=now, policy=policy)
    threshold = threshold_crossed(policy.thresholds, before=before, after=after)
    return PointsDecision(
        total_before=before,
        total=after,
        counted=after - before,
        threshold=threshold,
        rule=threshold.id if threshold else "points-none",
        clause=threshold.clause if threshold else "6.2",
        expires_at=new.at + timedelta(days=policy.lifetime_days),
    )


@dataclass(frozen=True)
class StrikeDecision:
    new_strike: bool  # False: the complaint joins the member's latest strike
    strikes: int  # live strikes, the new one included
    threshold: StrikeThreshold | None
    rule: str
    clause: str
    expires_at: datetime | None = None
    joins: datetime | None = field(default=None)  # the strike joined (its first complaint)


def strike_threshold(thresholds: Sequence[StrikeThreshold], strikes: int) -> StrikeThreshold | None:
    reached = [t for t in thresholds if t.strikes <= strikes]
    return reached[-1] if reached else None


def strike_assess(
    strike_starts: Sequence[datetime], *, at: datetime, now: datetime, policy: StrikesPolicy
) -> StrikeDecision:
    """Clause 6.2: an IP complaint established at `at`, given when each of the member's
    strikes started. Within `group_days` of the latest strike's start it is that strike."""
    live = sorted(
        s for s in strike_starts if is_live(s, now=now, lifetime_days=policy.lifetime_days)
    )
    latest = max(strike_starts, default=None)
    if latest is not None and latest <= at < latest + timedelta(days=policy.group_days):
        return StrikeDecision(
            new_strike=False,
            strikes=len(live),
            threshold=None,
            rule="ip-strike-grouped",
            clause="6.2",
            joins=latest,
        )
    count = len(live) + 1
    threshold = strike_threshold(policy.thresholds, count)
    return StrikeDecision(
        new_strike=True,
        strikes=count,
        threshold=threshold,
        rule=threshold.id if threshold else "ip-strike-none",
        clause=threshold.clause if threshold else "6.2",
        expires_at=at + timedelta(days=policy.lifetime_days),
    )
