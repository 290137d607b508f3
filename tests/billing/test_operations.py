"""Maintenance windows and incidents (clause 9.1): the staff services with their audit rows,
read-only mode (writes 503 with Retry-After, reads work, nothing written), the status
endpoint, background work that pauses, and the time lost to the platform (2.4)."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import registration_payload, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.billing.models import ServiceWindow, WindowStatus
from tradepost.billing.selectors.operations import (
    open_windows,
    platform_time_lost,
    read_only_decision,
)
from tradepost.billing.services.operations import (
    service_window_cancel,
    service_window_create,
    service_window_end,
    service_window_update,
)
from tradepost.errors import Conflict, InvalidInput
from tradepost.members.models import Member

H = timedelta(hours=1)


def window(*, start=-1.0, end=1.0, read_only=True, kind="maintenance", cause="maintenance", **kw):
    now = kw.pop("now", None) or timezone.now()
    return service_window_create(
        kind=kind,
        cause=cause,
        title=kw.pop("title", "Database upgrade"),
        message=kw.pop("message", "We upgrade the database."),
        starts_at=now + start * H,
        ends_at=None if end is None else now + end * H,
        read_only=read_only,
        by=kw.pop("by", None),
        **kw,
    )


# --- Services -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_writes_the_audit_row_and_status_follows_the_start():
    staff = staff_create(superuser=True)

    later = window(start=2, end=3, by=staff, internal_note="db01 only")
    now = window(start=-1, end=1)

    entry = AuditEntry.objects.get(action="service_window.create", target_id=str(later.pk))
    assert entry.actor == staff
    assert entry.clause == "9.1"
    assert later.status == WindowStatus.SCHEDULED
    assert now.status == WindowStatus.IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"end": None}, "ends_at"),
        ({"start": 1, "end": 0.5}, "ends_at"),
        ({"title": " "}, "title"),
        ({"cause": "bad_luck"}, "cause"),
    ],
)
def test_create_refuses_invalid_fields(over, field):
    with pytest.raises(InvalidInput) as exc:
        window(**over)

    assert list(exc.value.fields) == [field]
    assert ServiceWindow.objects.count() == 0


@pytest.mark.django_db
def test_an_incident_needs_no_published_end():
    incident = window(kind="incident", cause="cyber_attack", end=None)

    assert incident.ends_at is None
    assert read_only_decision().read_only is True
    assert read_only_decision().retry_after == 300  # operations.toml default


@pytest.mark.django_db
def test_end_lifts_read_only_at_once_through_the_cache():
    w = window()
    assert read_only_decision().read_only is True

    service_window_end(window_id=w.pk, by=None)

    w.refresh_from_db()
    assert w.status == WindowStatus.COMPLETED
    assert w.ended_at is not None
    assert read_only_decision().read_only is False
    assert open_windows() == []
    assert AuditEntry.objects.filter(action="service_window.end").count() == 1


@pytest.mark.django_db
def test_cancel_only_before_the_start_and_end_only_after():
    upcoming = window(start=2, end=3)
    running = window(start=-1, end=1)

    with pytest.raises(Conflict):
        service_window_end(window_id=upcoming.pk, by=None)
    with pytest.raises(Conflict):
        service_window_cancel(window_id=running.pk, by=None)
    cancelled = service_window_cancel(window_id=upcoming.pk, by=None)

    assert cancelled.status == WindowStatus.CANCELLED
    assert [w.id for w in open_windows()] == [running.pk]


@pytest.mark.django_db
def test_update_publishes_a_new_end_and_keeps_the_before_in_the_audit():
    w = window(end=-0.5)  # overrunning
    new_end = timezone.now() + 2 * H

    service_window_update(window_id=w.pk, changes={"ends_at": new_end}, by=None)

    entry = AuditEntry.objects.get(action="service_window.update")
    assert entry.after["ends_at"] == str(new_end)
    assert entry.before["ends_at"] != entry.after["ends_at"]
    assert 7190 <= read_only_decision().retry_after <= 7200


@pytest.mark.django_db
def test_update_refuses_fields_not_editable():
    w = window()

    with pytest.raises(InvalidInput) as exc:
        service_window_update(window_id=w.pk, changes={"status": "completed"}, by=None)

    assert list(exc.value.fields) == ["status"]


@pytest.mark.django_db
def test_the_current_window_check_costs_at_most_one_query(django_assert_num_queries):
    window()
    open_windows()  # warm: a save forgot the cache, this read fills it

    with django_assert_num_queries(0):
        for _ in range(5):
            assert read_only_decision().read_only is True


# --- Read-only mode -------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_write_answers_503_maintenance_with_retry_after_and_writes_nothing():
    window(end=0.5)
    before = Member.objects.count()

    response = ApiClient().post("/members", registration_payload())

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "maintenance"
    assert "read-only" in error["message"]
    assert error["fields"] == {}
    assert 1790 <= int(response["Retry-After"]) <= 1800
    assert Member.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_every_write_method_waits(method):
    window()

    response = getattr(Client(), method)("/api/v1/listings/1")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "maintenance"


@pytest.mark.django_db
def test_page_write_answers_a_503_page_with_the_message_and_writes_nothing():
    window(title="Database upgrade", message="Back soon with a faster database.")
    before = Member.objects.count()

    response = Client().post("/register/", registration_payload())

    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.content.decode()
    assert "Database upgrade: the site is read-only for maintenance" in body
    assert "Back soon with a faster database." in body
    assert Member.objects.count() == before


@pytest.mark.django_db
def test_reads_keep_working_during_a_read_only_window():
    window()
    client = Client()

    assert client.get("/").status_code == 200
    assert client.get("/api/v1/status").status_code == 200
    assert client.get("/api/v1/categories").status_code == 200
    assert client.get("/status/").status_code == 200


@pytest.mark.django_db
def test_a_window_that_is_not_read_only_leaves_writes():
    window(read_only=False)

    response = ApiClient().post("/members", registration_payload())

    assert response.status_code == 201


@pytest.mark.django_db
def test_staff_end_the_window_from_the_console_during_read_only_mode():
    w = window()
    staff = staff_create(superuser=True)
    client = Client()
    client.force_login(staff)

    response = client.post(
        "/console/billing/servicewindow/",
        {"action": "end_now", "_selected_action": [w.pk]},
    )

    assert response.status_code == 302
    w.refresh_from_db()
    assert w.status == WindowStatus.COMPLETED
    assert ApiClient().post("/members", registration_payload()).status_code == 201


@pytest.mark.django_db
def test_other_console_writes_wait_even_for_staff():
    window()
    client = Client()
    client.force_login(staff_create(superuser=True))

    response = client.post("/console/members/member/", {"action": "change_status"})

    assert response.status_code == 503


@pytest.mark.django_db
def test_login_stays_writable():
    window()

    response = Client().post("/login/", {"login": "nobody", "password": "wrong"})

    assert response.status_code != 503


# --- Status endpoint ------------------------------------------------------------------------


@pytest.mark.django_db
def test_status_lists_current_scheduled_and_recent_with_published_fields_only():
    current = window(internal_note="secret: db01")
    scheduled = window(start=24, end=25, read_only=False, title="Network work")
    ended = window(start=-5, end=-4, title="Old")
    service_window_end(window_id=ended.pk, by=None)
    window(start=48, end=49, title="Called off")
    service_window_cancel(window_id=ServiceWindow.objects.get(title="Called off").pk, by=None)

    response = ApiClient().get("/status")

    assert response.status_code == 200
    body = response.json()
    assert body["read_only"] is True
    assert [w["id"] for w in body["current"]] == [current.pk]
    assert [w["id"] for w in body["scheduled"]] == [scheduled.pk]
    assert [w["id"] for w in body["recent"]] == [ended.pk]
    assert set(body["current"][0]) == {
        "id",
        "kind",
        "cause",
        "title",
        "message",
        "starts_at",
        "ends_at",
        "ended_at",
        "read_only",
        "status",
        "phase",
    }
    assert "secret" not in response.content.decode()
    assert body["scheduled"][0]["phase"] == "upcoming"


@pytest.mark.django_db
def test_status_with_nothing_scheduled():
    body = ApiClient().get("/status").json()

    assert body == {"read_only": False, "current": [], "scheduled": [], "recent": []}


# --- Background work ------------------------------------------------------------------------

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.django_db
@override_settings(TASKS=DUMMY)
def test_a_task_picked_during_a_read_only_window_is_deferred_to_its_end():
    from django_tasks import default_task_backend

    from tradepost.trade.tasks import idempotency_keys_purge_task

    w = window(end=0.5)

    result = idempotency_keys_purge_task.call()

    assert result == {"deferred_until": w.ends_at.isoformat()}
    [deferred] = default_task_backend.results
    assert deferred.task.name == "idempotency_keys_purge_task"
    assert deferred.task.run_after == w.ends_at
    assert deferred.args == []


@pytest.mark.django_db
@override_settings(TASKS=DUMMY)
def test_a_task_keeps_its_arguments_when_deferred():
    from django_tasks import default_task_backend

    from tradepost.trade.tasks import order_timers_run_task

    window()

    order_timers_run_task.call(12345)

    assert default_task_backend.results[0].args == [12345]


@pytest.mark.django_db
@override_settings(TASKS=DUMMY)
def test_tasks_run_when_no_read_only_window_is_in_progress():
    from django_tasks import default_task_backend

    from tradepost.trade.tasks import order_timers_run_task

    window(read_only=False)

    assert order_timers_run_task.call(12345) == "gone"
    assert default_task_backend.results == []


# --- Time lost to the platform (2.4, 9.1) ---------------------------------------------------


@pytest.mark.django_db
def test_platform_time_lost_counts_overruns_and_force_majeure_not_writable_maintenance():
    now = timezone.now()
    overrun = window(start=-10, end=-9, now=now)  # read-only, ended 2 h past its published end
    service_window_end(window_id=overrun.pk, by=None, now=now - 7 * H)
    window(start=-6, end=-5, read_only=False, now=now)  # writable: nothing lost
    incident = window(
        kind="incident", cause="force_majeure", start=-4, end=None, read_only=False, now=now
    )
    service_window_end(window_id=incident.pk, by=None, now=now - 3 * H)
    cancelled = window(start=1, end=2, now=now)
    service_window_cancel(window_id=cancelled.pk, by=None)

    lost = platform_time_lost(start=now - 24 * H, end=now, now=now)

    assert lost == 3 * H
    assert platform_time_lost(start=now - 8 * H, end=now - 3 * H, now=now) == 2 * H
    assert platform_time_lost(start=now, end=now - H, now=now) == timedelta(0)


@pytest.mark.django_db
def test_staff_schedule_a_window_in_the_console_through_the_service():
    staff = staff_create(superuser=True)
    client = Client()
    client.force_login(staff)
    start = timezone.now() + 24 * H

    page = client.get("/console/billing/servicewindow/add/")
    response = client.post(
        "/console/billing/servicewindow/add/",
        {
            "kind": "maintenance",
            "cause": "maintenance",
            "title": "Kernel update",
            "message": "A short restart.",
            "internal_note": "",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": start.strftime("%Y-%m-%d"),
            "ends_at_1": (start + H).strftime("%H:%M:%S"),
            "read_only": "on",
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    created = ServiceWindow.objects.get(title="Kernel update")
    assert created.created_by == staff
    assert AuditEntry.objects.get(action="service_window.create").target_id == str(created.pk)


@pytest.mark.django_db
def test_the_console_shows_a_window_without_a_published_end_on_the_form():
    client = Client()
    client.force_login(staff_create(superuser=True))
    start = timezone.now() + 24 * H

    response = client.post(
        "/console/billing/servicewindow/add/",
        {
            "kind": "maintenance",
            "cause": "maintenance",
            "title": "Kernel update",
            "message": "A short restart.",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 200
    assert "A maintenance window needs its published end." in response.content.decode()
    assert ServiceWindow.objects.count() == 0


def test_the_api_schema_documents_the_maintenance_503_on_writes_only():
    from tradepost.config.api import api

    paths = api.get_openapi_schema()["paths"]

    assert 503 in paths["/api/v1/members"]["post"]["responses"]
    assert 503 not in paths["/api/v1/status"]["get"]["responses"]


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_window_ended_early_lets_deferred_tasks_run_at_once():
    from django_tasks_db.models import DBTaskResult

    from tradepost.trade.tasks import idempotency_keys_purge_task

    w = window(end=0.5)
    idempotency_keys_purge_task.call()
    deferred = DBTaskResult.objects.get()
    assert deferred.run_after == w.ends_at

    service_window_end(window_id=w.pk, by=None)

    deferred.refresh_from_db()
    assert deferred.run_after <= timezone.now()
    assert DBTaskResult.objects.ready().count() == 1


@pytest.mark.django_db
def test_an_ended_window_keeps_its_times_in_the_console_and_its_text_stays_editable():
    w = window()
    service_window_end(window_id=w.pk, by=None)
    client = Client()
    client.force_login(staff_create(superuser=True))
    url = f"/console/billing/servicewindow/{w.pk}/change/"

    page = client.get(url)
    response = client.post(
        url, {"title": "Database upgrade", "message": "Done: faster now.", "internal_note": ""}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    w.refresh_from_db()
    assert w.message == "Done: faster now."
    assert w.status == WindowStatus.COMPLETED
    assert AuditEntry.objects.get(action="service_window.update").after["message"] == (
        "Done: faster now."
    )
