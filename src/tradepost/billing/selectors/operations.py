"""Reads of maintenance windows and incidents (clause 9.1): the cached list the middleware and
the banner check on every request, the status page, and the time lost to the platform."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from tradepost.billing.models import ServiceWindow, WindowStatus
from tradepost.billing.rules import operations as rules
from tradepost.billing.rules.operations import Phase, ReadOnlyDecision, WindowFacts
from tradepost.policy.operations import load_operations_policy

OPEN_WINDOWS_KEY = "billing:operations:open-windows"


def window_facts(window: ServiceWindow) -> WindowFacts:
    return WindowFacts(
        id=window.pk,
        kind=window.kind,
        cause=window.cause,
        title=window.title,
        message=window.message,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        ended_at=window.ended_at,
        read_only=window.read_only,
        status=window.status,
    )


def open_windows() -> list[WindowFacts]:
    """The windows not ended or cancelled, cached per process for `[read_only]
    cache_seconds` (the services forget the cache on every change): a request pays no query
    for them, or one when the cache has expired."""
    cached = cache.get(OPEN_WINDOWS_KEY)
    if cached is None:
        rows = ServiceWindow.objects.filter(
            status__in=[WindowStatus.SCHEDULED, WindowStatus.IN_PROGRESS]
        ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=timezone.now()))
        cached = [window_facts(w) for w in rows]
        cache.set(OPEN_WINDOWS_KEY, cached, load_operations_policy().read_only.cache_seconds)
    return cached


def open_windows_forget() -> None:
    cache.delete(OPEN_WINDOWS_KEY)


def read_only_decision(now: datetime | None = None) -> ReadOnlyDecision:
    """Clause 9.1: whether writes wait now (read-only mode), and the Retry-After to give."""
    return rules.read_only_now(
        open_windows(),
        now or timezone.now(),
        default_retry_after=load_operations_policy().read_only.retry_after_seconds,
    )


def writes_paused_until() -> datetime | None:
    """For `tradepost.pauses`: the end background writes wait for while a read-only window is
    in progress (its published end, or a retry later when that has passed or is unknown)."""
    now = timezone.now()
    decision = read_only_decision(now)
    if not decision.read_only or decision.window is None:
        return None
    end = decision.window.ends_at
    return end if end is not None and end > now else now + timedelta(seconds=decision.retry_after)


def banner_windows(now: datetime | None = None) -> list[WindowFacts]:
    """The windows the site-wide banner shows: in progress, or starting within the lead."""
    lead = timedelta(hours=load_operations_policy().banner.lead_hours)
    return rules.banner_windows(open_windows(), now or timezone.now(), lead=lead)


def window_public(window: WindowFacts, now: datetime) -> dict[str, Any]:
    """The published fields of a window (never the staff's internal note)."""
    return {
        "id": window.id,
        "kind": window.kind,
        "cause": window.cause,
        "title": window.title,
        "message": window.message,
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "ended_at": window.ended_at,
        "read_only": window.read_only,
        "status": window.status,
        "phase": rules.window_phase(window, now).value,
    }


def status_overview(now: datetime | None = None) -> dict[str, Any]:
    """The status page and `GET /api/v1/status`: what is in progress now, what is scheduled,
    and what ended in the last `[status] history_days`."""
    now = now or timezone.now()
    since = now - timedelta(days=load_operations_policy().status.history_days)
    rows = (
        ServiceWindow.objects.exclude(status=WindowStatus.CANCELLED)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        .order_by("starts_at", "id")
    )
    current, scheduled, recent = [], [], []
    for row in rows:
        facts = window_facts(row)
        phase = rules.window_phase(facts, now)
        public = window_public(facts, now)
        if phase is Phase.IN_PROGRESS:
            current.append(public)
        elif phase is Phase.UPCOMING:
            scheduled.append(public)
        elif phase is Phase.ENDED and (facts.ended_at or facts.ends_at or now) >= since:
            recent.append(public)
    recent.reverse()
    decision = rules.read_only_now(
        [window_facts(r) for r in rows],
        now,
        default_retry_after=load_operations_policy().read_only.retry_after_seconds,
    )
    return {
        "read_only": decision.read_only,
        "current": current,
        "scheduled": scheduled,
        "recent": recent,
    }


def platform_time_lost(*, start: datetime, end: datetime, now: datetime | None = None) -> timedelta:
    """Clauses 2.4 and 9.1: the service time lost to platform-caused windows within
    [start, end) (maintenance past its published end, force majeure, cyber attacks, ... as
    `[service_loss]` says), overlaps counted once, so the subscriptions helper can extend a
    paid period by it. A suspension the member caused (5.9) is not a window and is not here."""
    now = now or timezone.now()
    if end <= start:
        return timedelta(0)
    policy = load_operations_policy().service_loss
    rows = (
        ServiceWindow.objects.exclude(status=WindowStatus.CANCELLED)
        .filter(starts_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
    )
    intervals = [
        interval
        for row in rows
        if (interval := rules.lost_interval(window_facts(row), now, policy)) is not None
    ]
    return rules.time_lost(intervals, start, end)
