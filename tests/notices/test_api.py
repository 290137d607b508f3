"""The member's notice inbox over the API: own notices only, 404 alike for others'."""

from datetime import timedelta

import pytest

from tests.conftest import ApiClient
from tests.factories import member_create
from tests.notices.conftest import T0, login_token
from tradepost.notices import services
from tradepost.notices.models import Notice


def _notice(member, subject):
    return services.notice_issue(
        member=member,
        kind="legal",
        channel="public_posting",
        subject=subject,
        body=f"Body of {subject}",
        by=None,
    )


def test_inbox_lists_only_the_members_own_notices(db, clock):
    alice, bob = member_create(country="DE"), member_create(country="FR")
    first = _notice(alice, "First")
    clock.advance(minutes=1)
    second = _notice(alice, "Second")
    _notice(bob, "For Bob")

    response = ApiClient(token=login_token(alice)).get("/notices")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [n["id"] for n in body["items"]] == [second.pk, first.pk]
    assert body["items"][1] == {
        "id": first.pk,
        "kind": "legal",
        "channel": "public_posting",
        "subject": "First",
        "created_at": "2026-03-02T09:00:00Z",
        "sent_at": "2026-03-02T09:00:00Z",
        "deemed_received_at": "2026-03-02T09:00:00Z",
        "deemed_rule": "public-posting",
        "deemed_clause": "11.2 (b)",
        "read_at": None,
        "terms_version_id": None,
    }


def test_opening_a_notice_marks_it_read(db, clock):
    alice = member_create(country="DE")
    notice = _notice(alice, "Warning")
    api = ApiClient(token=login_token(alice))
    clock.advance(minutes=3)

    response = api.get(f"/notices/{notice.pk}")

    assert response.status_code == 200
    assert response.json()["read_at"] == "2026-03-02T09:03:00Z"
    assert response.json()["body"] == "Body of Warning"
    assert response.json()["receipt_evidence"] == (
        "Posted on the public notice board, open to anyone without login or charge."
    )
    assert Notice.objects.get(pk=notice.pk).read_at == T0 + timedelta(minutes=3)


def test_someone_elses_notice_answers_like_a_missing_one(db, clock):
    alice, bob = member_create(country="DE"), member_create(country="FR")
    bobs = _notice(bob, "For Bob")
    api = ApiClient(token=login_token(alice))

    theirs = api.get(f"/notices/{bobs.pk}")
    missing = api.get(f"/notices/{bobs.pk + 1000}")

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert (
        theirs.json()
        == missing.json()
        == {"error": {"code": "not_found", "message": "Notice not found.", "fields": {}}}
    )
    assert Notice.objects.get(pk=bobs.pk).read_at is None


def test_the_inbox_needs_authentication(db):
    response = ApiClient().get("/notices")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=9223372036854775808", "limit"),
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("offset=1180591620717411303424", "offset"),
        ("offset=1000001", "offset"),
        ("offset=-1", "offset"),
    ],
)
def test_out_of_range_paging_answers_422(db, query, field):
    member = member_create()

    response = ApiClient(token=login_token(member)).get(f"/notices?{query}")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert list(response.json()["error"]["fields"]) == [field]


def test_paging_at_its_bounds_answers_200(db, clock):
    member = member_create()
    _notice(member, "One")
    api = ApiClient(token=login_token(member))

    first = api.get("/notices?limit=100&offset=0")
    far = api.get("/notices?limit=1&offset=1000000")

    assert first.json()["count"] == 1
    assert [n["subject"] for n in first.json()["items"]] == ["One"]
    assert far.json() == {"items": [], "count": 1}
