"""The cache behind the acceptance gates, so a sensitive action's common case costs no query.

What is cached:
- per site: the Terms version in force and the site's acceptance mode;
- per site and service: the Additional Agreement versions in force;
- per member: the newest Terms version they accepted, the agreement versions they accepted;
- per login: the member it belongs to (for the banner on every page).

An entry about what is in force carries the window in which it holds and is read again
once `timezone.now()` leaves it, so a version binds from its effective date whatever the TTL.
A change (an import, a console edit, an acceptance) forgets the entries it affects, at once
and again on commit. With a per-process cache (locmem), other processes see a console change
within CACHE_SECONDS. Per-member entries only ever record acceptances, which are never
withdrawn, and a gate re-reads the database before it refuses, so a stale entry can delay a
change of what is required by at most CACHE_SECONDS but never refuses a member wrongly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

T = TypeVar("T")

CACHE_SECONDS = 300
MEMBER_CACHE_SECONDS = 24 * 60 * 60
_PREFIX = "tradepost:terms:"


def site_terms_key(site: str) -> str:
    return f"{_PREFIX}site:{site}"


def agreements_key(site: str, service: str) -> str:
    return f"{_PREFIX}agreements:{site}:{service}"


def member_terms_key(member_pk: int) -> str:
    return f"{_PREFIX}member:{member_pk}:terms"


def member_agreements_key(member_pk: int) -> str:
    return f"{_PREFIX}member:{member_pk}:agreements"


def member_of_user_key(user_pk: int) -> str:
    return f"{_PREFIX}user:{user_pk}:member"


def day_start(day: date) -> datetime:
    """The moment a version effective on `day` starts to bind (clause 1.3), in local time."""
    return timezone.make_aware(datetime.combine(day, time.min))


def in_window(
    key: str,
    *,
    now: datetime,
    load: Callable[[], tuple[T, datetime | None, datetime | None]],
) -> T:
    """The cached value for `key` if `now` lies in its window, else `load()`ed and cached.

    `load` answers (value, valid_from, valid_until); None leaves that side open.
    """
    entry = cache.get(key)
    if entry is not None:
        value, valid_from, valid_until = entry
        if (valid_from is None or valid_from <= now) and (valid_until is None or now < valid_until):
            return value
    value, valid_from, valid_until = load()
    seconds = CACHE_SECONDS
    if valid_until is not None:
        seconds = max(1, min(seconds, int((valid_until - now).total_seconds())))
    cache.set(key, (value, valid_from, valid_until), seconds)
    return value


def get(key: str) -> Any:
    return cache.get(key)


def put(key: str, value: object, *, seconds: int = MEMBER_CACHE_SECONDS) -> None:
    cache.set(key, value, seconds)


def forget(*keys: str) -> None:
    """Drop entries now (this transaction's later reads) and again on commit (reads that
    refilled them from the database before the change was visible)."""
    cache.delete_many(list(keys))
    transaction.on_commit(lambda: cache.delete_many(list(keys)), robust=True)
