"""Pure decisions about messages: what screening's matches mean for a message (clause 5.6 f),
whether a send fits the mailbox (clause 4.2), and a supplier's response rate and time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from tradepost.policy.trade import MessageAction, MessagingPolicy

_SEVERITY: dict[str, int] = {"deliver": 0, "warn": 1, "hold": 2}


@dataclass(frozen=True)
class ScreeningOutcome:
    """What happens to a message, the rule (id or kind) that decided it, and why."""

    action: MessageAction
    rule: str
    clause: str
    matched: tuple[str, ...]


def message_screening_outcome(
    matches: Iterable[tuple[str, str]], policy: MessagingPolicy
) -> ScreeningOutcome:
    """Clause 5.6 (f): each (rule id, rule kind) screening matched takes the action its rule id
    or else its kind names in the messaging policy, else `default_action`; the strictest wins.
    No match: delivered, decided by no rule."""
    action: MessageAction = "deliver"
    rule = ""
    matched: list[str] = []
    for rule_id, kind in matches:
        if rule_id not in matched:
            matched.append(rule_id)
        key = next((k for k in (rule_id, kind) if k in policy.screening), "default_action")
        this = policy.screening.get(key, policy.default_action)
        if not rule or _SEVERITY[this] > _SEVERITY[action]:
            action, rule = this, key
    return ScreeningOutcome(
        action=action, rule=rule, clause=policy.clause if matched else "", matched=tuple(matched)
    )


@dataclass(frozen=True)
class QuotaDecision:
    """Clause 4.2: whether `adding` bytes fit a mailbox of `quota` bytes holding `used`."""

    allowed: bool
    used: int
    adding: int
    quota: int
    clause: str = "4.2"


def mailbox_quota_check(*, used: int, adding: int, quota: int) -> QuotaDecision:
    return QuotaDecision(allowed=used + adding <= quota, used=used, adding=adding, quota=quota)


@dataclass(frozen=True)
class ResponseStats:
    """A supplier's inquiries counted, the share answered in time (None with none counted)
    and the median time to the first answer (None with no answer)."""

    counted: int
    answered_in_time: int
    rate: float | None
    median_response: timedelta | None


def response_stats(
    inquiries: Sequence[tuple[datetime, datetime | None]],
    *,
    now: datetime,
    within: timedelta,
) -> ResponseStats:
    """Share of inquiries answered within `within`, and the median first-response time.

    An inquiry counts once its outcome is known: answered, or unanswered for longer than
    `within` (a fresh one still has time, so it is not yet a miss)."""
    counted = 0
    in_time = 0
    delays: list[timedelta] = []
    for created_at, answered_at in inquiries:
        if answered_at is not None:
            delay = max(answered_at - created_at, timedelta(0))
            delays.append(delay)
            counted += 1
            in_time += delay <= within
        elif now - created_at > within:
            counted += 1
    return ResponseStats(
        counted=counted,
        answered_in_time=in_time,
        rate=in_time / counted if counted else None,
        median_response=(
            timedelta(seconds=median(d.total_seconds() for d in delays)) if delays else None
        ),
    )
