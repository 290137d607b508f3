from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.conftest import ApiClient
from tests.factories import PASSWORD, staff_create
from tradepost.members.models import Member, User
from tradepost.terms.models import TermsVersion

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.notices.mail.FailingEmailBackend"
REFUSING = "tests.notices.mail.RefusingEmailBackend"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    """`django.utils.timezone.now` under the test's control (services, worker and queue)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock(T0)
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run every ready task as `tradepost db_worker` does (its Worker.run_task), in this
    process, until none is ready; tasks they queue on commit run too. Answers how many ran."""

    def run() -> int:
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="pytest",
            excluded_queue_names=[],
        )
        ran = 0
        while (result := DBTaskResult.objects.ready().first()) is not None:
            with django_capture_on_commit_callbacks(execute=True):
                result.claim(worker.worker_id)
                worker.run_task(result)
            ran += 1
        return ran

    return run


def login_token(member: Member) -> str:
    response = ApiClient().post("/auth/login", {"login": member.member_id, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def member_client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user, backend=LOGIN_BACKEND)
    return client


@pytest.fixture
def legal(db) -> User:
    return staff_create(username="counsel", superuser=True)


def terms_version_create(*, site: str = "alibaba", effective: date = date(2026, 4, 1)):
    return TermsVersion.objects.create(
        site=site,
        label="Part A: New version",
        effective_date=effective,
        body="1.1 Updated terms.",
        body_sha256="0" * 64,
    )
