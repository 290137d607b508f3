"""Background tasks of the compliance app (django-tasks). Thin: each calls one service.

The cursor row is the source of truth, not the queue: a rescreen task that is lost or fails
leaves the cursor where it stopped, and `tradepost sanctions rescreen` continues from there.
"""

from __future__ import annotations

from django_tasks import task

from tradepost.pauses import pausable


@task()
@pausable
def rescreen_members(versions: list[int] | None = None) -> dict:
    """Clause 5.13: after a new list version, screen every member again from the start,
    against what `versions` (list version ids) added or changed; with none, against
    everything in force."""
    from tradepost.compliance.screening import members_rescreen

    cursor = members_rescreen(versions=versions or None, restart=not versions)
    return {
        "screened": cursor.screened,
        "finished": cursor.finished_at is not None,
        "versions": cursor.versions,
    }
