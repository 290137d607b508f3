"""Rights claims (clauses 5.4, 6.1 iv): the counter-notice deadline in working days.

Working days are Monday to Friday, less the policy's holidays, in the policy's time zone.
The supplier has until the end of the Kth working day after the day of the claim: a claim on
a Friday with K = 3 may be answered until the end of Wednesday.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_days_after(day: date, days: int, holidays: Collection[date] = ()) -> date:
    """The `days`-th working day after `day` (not counting `day` itself)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    current, counted = day, 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            counted += 1
    return current


def counter_notice_deadline(
    filed_at: datetime, *, working_days: int, zone: str, holidays: Collection[date] = ()
) -> datetime:
    """The last instant a counter-notice is on time: the end of the last working day."""
    tz = ZoneInfo(zone)
    last_day = working_days_after(filed_at.astimezone(tz).date(), working_days, holidays)
    return datetime.combine(last_day, time.max, tzinfo=tz)


def counter_notice_on_time(*, deadline: datetime, now: datetime) -> bool:
    return now <= deadline


def working_days_left(
    *, now: datetime, deadline: datetime, zone: str, holidays: Collection[date] = ()
) -> int:
    """The working days still open for a counter-notice, today included when it is one: 1 on
    the deadline's own day, 0 once the deadline has passed."""
    if now > deadline:
        return 0
    tz = ZoneInfo(zone)
    day, last = now.astimezone(tz).date(), deadline.astimezone(tz).date()
    left = 0
    while day <= last:
        left += is_working_day(day, holidays)
        day += timedelta(days=1)
    return left
