"""Notice pages: the member's inbox and the public notice board (11.2 b)."""

from django.test import Client

from tests.factories import member_create
from tests.notices.conftest import member_client, terms_version_create
from tradepost.notices import services
from tradepost.notices.models import Notice
from tradepost.terms.services import terms_version_announce


def _notice(member, subject, channel="courier"):
    return services.notice_issue(
        member=member, kind="legal", channel=channel, subject=subject, body="Text.", by=None
    )


def test_inbox_page_shows_the_members_own_notices(db):
    alice, bob = member_create(country="DE"), member_create(country="FR")
    _notice(alice, "Demand for Alice")
    _notice(bob, "Demand for Bob")

    response = member_client(alice).get("/notices/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Demand for Alice" in page
    assert "Demand for Bob" not in page
    assert [n.subject for n in response.context["page"].object_list] == ["Demand for Alice"]
    assert response.context["unread"] == 1


def test_detail_page_marks_read_and_hides_other_members_notices(db):
    alice, bob = member_create(country="DE"), member_create(country="FR")
    own = _notice(alice, "Demand for Alice")
    theirs = _notice(bob, "Demand for Bob")
    client = member_client(alice)

    mine = client.get(f"/notices/{own.pk}/")
    other = client.get(f"/notices/{theirs.pk}/")
    missing = client.get(f"/notices/{theirs.pk + 1000}/")

    assert mine.status_code == 200
    assert "Not yet deemed received: nothing shows it was sent." in mine.content.decode()
    assert Notice.objects.get(pk=own.pk).read_at is not None
    assert (other.status_code, missing.status_code) == (404, 404)
    assert Notice.objects.get(pk=theirs.pk).read_at is None


def test_inbox_asks_anonymous_visitors_to_log_in(db):
    response = Client().get("/notices/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/notices/"


def test_public_board_is_open_without_login(db):
    member_create(country="DE")
    campaign = terms_version_announce(version_pk=terms_version_create().pk)
    private = _notice(member_create(country="FR"), "Private demand")

    board = Client().get("/notices/public/")
    detail = Client().get(f"/notices/public/{campaign.posting_id}/")
    hidden = Client().get(f"/notices/public/{private.pk}/")

    assert board.status_code == 200
    assert [n.pk for n in board.context["page"].object_list] == [campaign.posting_id]
    assert "Amended Terms of Use for the Alibaba Sites, effective 1 April 2026" in (
        board.content.decode()
    )
    assert detail.status_code == 200
    assert "Every user of the Alibaba Sites" in detail.content.decode()
    assert hidden.status_code == 404


def test_public_board_without_trailing_slash_redirects(db):
    response = Client().get("/notices/public")

    assert response.status_code == 301
    assert response["Location"] == "/notices/public/"
