"""The public status page and the site-wide banner (clause 9.1)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tradepost.billing.services.operations import service_window_create

H = timedelta(hours=1)


def window(*, start: float, end: float, read_only=False, title="Database upgrade", **kw):
    now = timezone.now()
    return service_window_create(
        kind=kw.pop("kind", "maintenance"),
        cause=kw.pop("cause", "maintenance"),
        title=title,
        message=kw.pop("message", "We upgrade the database."),
        starts_at=now + start * H,
        ends_at=now + end * H,
        read_only=read_only,
        by=None,
        **kw,
    )


@pytest.mark.django_db
def test_banner_announces_a_window_within_the_lead_time():
    window(start=20, end=21, read_only=True)

    body = Client().get("/").content.decode()

    assert 'id="service-banner"' in body
    assert 'role="status"' in body
    assert "Database upgrade" in body
    assert "The site will be read-only during it." in body
    assert 'href="/status/"' in body


@pytest.mark.django_db
def test_no_banner_before_the_lead_time():
    window(start=24 * 5, end=24 * 5 + 1)

    body = Client().get("/").content.decode()

    assert 'id="service-banner"' not in body


@pytest.mark.django_db
def test_banner_during_a_read_only_window_says_changes_wait():
    window(start=-1, end=1, read_only=True, title="Storage migration")

    body = Client().get("/about/").content.decode()

    assert "Storage migration" in body
    assert "In progress: the site is read-only" in body


@pytest.mark.django_db
def test_status_page_lists_what_is_in_progress_and_scheduled():
    window(start=-1, end=1, kind="incident", cause="third_party", title="Payment provider slow")
    window(start=30, end=31, title="Network work", internal_note="switch 3")

    response = Client().get("/status/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Payment provider slow" in body
    assert "Third-party problem" in body
    assert "Network work" in body
    assert "switch 3" not in body
    assert "All services are running normally." not in body


@pytest.mark.django_db
def test_status_page_when_all_is_well():
    body = Client().get("/status/").content.decode()

    assert "All services are running normally." in body
    assert "No maintenance is scheduled." in body
