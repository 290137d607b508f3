"""Staff actions on maintenance windows and incidents (clause 9.1): schedule or open one,
change what it says, end it, cancel it. Each writes its audit row; every change forgets the
cached list of open windows so read-only mode and the banner follow at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost.audit.services import audit_record
from tradepost.billing.models import ServiceWindow, WindowCause, WindowKind, WindowStatus
from tradepost.billing.selectors.operations import open_windows_forget
from tradepost.errors import Conflict, InvalidInput, NotFound

CLAUSE = "9.1"
EDITABLE = (
    "kind",
    "cause",
    "title",
    "message",
    "internal_note",
    "starts_at",
    "ends_at",
    "read_only",
)


TEXT_FIELDS = ("title", "message", "internal_note")


def _snapshot(window: ServiceWindow) -> dict[str, Any]:
    return {name: getattr(window, name) for name in (*EDITABLE, "status", "ended_at")}


def service_window_check(window: ServiceWindow) -> None:
    errors: dict[str, list[str]] = {}
    if window.kind not in WindowKind.values:
        errors["kind"] = [_("Choose maintenance or incident.")]
    if window.cause not in WindowCause.values:
        errors["cause"] = [_("Choose a cause that clause 9.1 names.")]
    if not (window.title or "").strip():
        errors["title"] = [_("Give the window a title.")]
    if not (window.message or "").strip():
        errors["message"] = [_("Write the message members will read.")]
    if window.kind == WindowKind.MAINTENANCE and window.ends_at is None:
        errors["ends_at"] = [_("A maintenance window needs its published end.")]
    if window.ends_at is not None and window.starts_at and window.ends_at <= window.starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    if errors:
        raise InvalidInput(_("The window has invalid fields."), fields=errors)


def _locked(window_id: int) -> ServiceWindow:
    window = ServiceWindow.objects.select_for_update().filter(pk=window_id).first()
    if window is None:
        raise NotFound(_("No such window."))
    return window


def _changed() -> None:
    open_windows_forget()
    transaction.on_commit(open_windows_forget)


def _deferred_tasks_resume(*, deferred_to: datetime | None, now: datetime) -> int:
    """Background work paused by this window (`tradepost.pauses`) waits for its published
    end; a window ended early lets it run now. The database backend's waiting rows deferred
    to exactly that end are brought forward; other backends keep their own schedule."""
    if deferred_to is None or deferred_to <= now:
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after=deferred_to).update(
        run_after=now
    )


@transaction.atomic
def service_window_create(
    *,
    kind: str,
    cause: str,
    title: str,
    message: str,
    starts_at: datetime,
    ends_at: datetime | None,
    read_only: bool = False,
    internal_note: str = "",
    by: Any,
    now: datetime | None = None,
) -> ServiceWindow:
    """Clause 9.1: schedule a maintenance window, or open an incident (in progress from
    `starts_at`). Published on the status page at once, on the banner from the lead time."""
    now = now or timezone.now()
    window = ServiceWindow(
        kind=kind,
        cause=cause,
        title=(title or "").strip(),
        message=(message or "").strip(),
        internal_note=(internal_note or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        read_only=read_only,
        status=WindowStatus.IN_PROGRESS if starts_at <= now else WindowStatus.SCHEDULED,
        created_at=now,
        created_by=by if getattr(by, "pk", None) else None,
        updated_at=now,
        updated_by=by if getattr(by, "pk", None) else None,
    )
    service_window_check(window)
    window.save()
    audit_record(
        actor=by,
        action="service_window.create",
        target_type="billing.servicewindow",
        target_id=window.pk,
        clause=CLAUSE,
        after=_snapshot(window),
    )
    _changed()
    return window


@transaction.atomic
def service_window_update(
    *, window_id: int, changes: dict[str, Any], by: Any, now: datetime | None = None
) -> ServiceWindow:
    """Change what a window says or when it runs (a new published end for an overrun)."""
    now = now or timezone.now()
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed."), fields={k: [_("Not editable.")] for k in unknown}
        )
    window = _locked(window_id)
    if window.status in (WindowStatus.COMPLETED, WindowStatus.CANCELLED) and (
        set(changes) - set(TEXT_FIELDS)
    ):
        raise Conflict(_("An ended or cancelled window keeps its times; edit only its text."))
    before = _snapshot(window)
    for name, value in changes.items():
        setattr(window, name, value.strip() if isinstance(value, str) else value)
    service_window_check(window)
    if window.status == WindowStatus.SCHEDULED and window.starts_at <= now:
        window.status = WindowStatus.IN_PROGRESS
    window.updated_at, window.updated_by = now, by if getattr(by, "pk", None) else None
    window.save()
    audit_record(
        actor=by,
        action="service_window.update",
        target_type="billing.servicewindow",
        target_id=window.pk,
        clause=CLAUSE,
        before=before,
        after=_snapshot(window),
    )
    _changed()
    return window


@transaction.atomic
def service_window_end(*, window_id: int, by: Any, now: datetime | None = None) -> ServiceWindow:
    """End a window now: read-only mode lifts, the banner goes, paused work resumes."""
    now = now or timezone.now()
    window = _locked(window_id)
    if window.status in (WindowStatus.COMPLETED, WindowStatus.CANCELLED):
        raise Conflict(_("This window has already ended or was cancelled."))
    if window.starts_at > now:
        raise Conflict(_("This window has not started; cancel it instead."))
    before = _snapshot(window)
    window.status, window.ended_at = WindowStatus.COMPLETED, now
    window.updated_at, window.updated_by = now, by if getattr(by, "pk", None) else None
    window.save()
    if window.read_only:
        _deferred_tasks_resume(deferred_to=window.ends_at, now=now)
    audit_record(
        actor=by,
        action="service_window.end",
        target_type="billing.servicewindow",
        target_id=window.pk,
        clause=CLAUSE,
        before=before,
        after=_snapshot(window),
    )
    _changed()
    return window


@transaction.atomic
def service_window_cancel(*, window_id: int, by: Any, now: datetime | None = None) -> ServiceWindow:
    """Call off a window that has not started."""
    now = now or timezone.now()
    window = _locked(window_id)
    if window.status != WindowStatus.SCHEDULED or window.starts_at <= now:
        raise Conflict(_("Only a window that has not started can be cancelled; end it instead."))
    before = _snapshot(window)
    window.status = WindowStatus.CANCELLED
    window.updated_at, window.updated_by = now, by if getattr(by, "pk", None) else None
    window.save()
    audit_record(
        actor=by,
        action="service_window.cancel",
        target_type="billing.servicewindow",
        target_id=window.pk,
        clause=CLAUSE,
        before=before,
        after=_snapshot(window),
    )
    _changed()
    return window
