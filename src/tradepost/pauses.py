"""Background work pauses during a read-only maintenance window (clause 9.1) and resumes after.

The apps below `billing` run tasks that write (order timers, notice emails, rescreens), and may
not import `billing`, which keeps the windows. So they ask here: `billing` registers, from its
`AppConfig.ready()`, a callable answering until when writes wait (None: they do not). With
nothing registered (an app test without billing) nothing pauses.

`@pausable` goes under `@task()`: a task the worker picks during a read-only window is not run
but enqueued again, unchanged, to run after the window's published end (`run_after`), and the
worker records it as done with `{"deferred_until": ...}`. Its rows are the source of truth
anyway, so a task run later does exactly what it would have done. A backend that cannot defer
(the immediate one, which runs tasks inline in a request that was already allowed to write)
runs the task at once.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import ParamSpec, TypeVar

logger = logging.getLogger(__name__)

PausedUntil = Callable[[], datetime | None]

_sources: list[PausedUntil] = []

P = ParamSpec("P")
T = TypeVar("T")


def register(paused_until: PausedUntil) -> None:
    """Called once from an AppConfig.ready(); the same callable twice is registered once."""
    if paused_until not in _sources:
        _sources.append(paused_until)


def paused_until() -> datetime | None:
    """Until when background writes wait now (the latest any source says), or None."""
    ends = [end for source in _sources if (end := source()) is not None]
    return max(ends) if ends else None


def pausable(func: Callable[P, T]) -> Callable[P, T | dict[str, str]]:
    """Defer the task while writes wait (see the module's docstring)."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> T | dict[str, str]:
        until = paused_until()
        if until is None:
            return func(*args, **kwargs)
        task = getattr(importlib.import_module(func.__module__), func.__name__)
        if not task.get_backend().supports_defer:
            return func(*args, **kwargs)
        task.using(run_after=until).enqueue(*args, **kwargs)
        logger.info("Task %s deferred until %s (read-only window)", task.name, until)
        return {"deferred_until": until.isoformat()}

    return run
