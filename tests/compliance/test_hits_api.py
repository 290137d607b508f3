"""The compliance review queue over the staff API (clause 5.13): GET
/api/v1/staff/screening/hits, POST .../{id}/confirm and .../{id}/clear {"reason"}."""

from pathlib import Path

import pytest

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tests.members.conftest import login_token
from tradepost.compliance.models import ListVersion, ScreeningHit
from tradepost.compliance.services import sanctions_import
from tradepost.members.services import api_token_create
from tradepost.trust.models.cases import Case

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
# A noisy form of the listed "NORTHWIND REGIONS TRADING LLC": word order, case, legal form.
NOISY = "Northwind Regions Trading Co., Ltd."


@pytest.fixture
def listed_member():
    sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))
    return member_create(company_name=NOISY)


def _staff(username: str, role: str) -> ApiClient:
    user = staff_create(username=username, role=role)
    return ApiClient(token=api_token_create(user=user, name="t")[1])


def test_a_noisy_alias_at_registration_is_in_the_queue_and_the_member_sees_the_hold(
    listed_member,
):
    officer = _staff("officer", "Compliance officer")

    response = officer.get(f"/staff/screening/hits?member_id={listed_member.member_id}")

    assert response.status_code == 200
    [hit] = response.json()["items"]
    assert (hit["status"], hit["list"], hit["entry_id"], hit["subject"]) == (
        "open",
        "ofac-sdn",
        "1002",
        "company",
    )
    assert hit["score"] >= 0.8 and hit["reasons"]
    me = ApiClient(token=login_token(listed_member)).get("/members/me").json()
    assert me["compliance_review"] is True
    assert "1002" not in str(me) and "ofac" not in str(me).lower()


def test_confirm_opens_a_case_and_a_second_decision_is_a_conflict(listed_member):
    officer = _staff("officer", "Compliance officer")
    hit = ScreeningHit.objects.get(member=listed_member)

    response = officer.post(f"/staff/screening/hits/{hit.pk}/confirm", {"reason": "Same LLC."})
    again = officer.post(f"/staff/screening/hits/{hit.pk}/clear", {"reason": "Changed my mind"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decided_by"]) == ("confirmed", "officer")
    assert Case.objects.filter(member=listed_member, grounds=["5.13"]).exists()
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "hit_already_decided"
    assert officer.get("/staff/screening/hits?status=open").json()["items"] == []


def test_clear_lifts_the_hold_and_needs_a_reason(listed_member):
    officer = _staff("officer", "Compliance officer")
    hit = ScreeningHit.objects.get(member=listed_member)

    empty = officer.post(f"/staff/screening/hits/{hit.pk}/clear", {"reason": "  "})
    cleared = officer.post(f"/staff/screening/hits/{hit.pk}/clear", {"reason": "A bakery."})

    assert empty.status_code == 422
    assert cleared.status_code == 200 and cleared.json()["status"] == "cleared"
    me = ApiClient(token=login_token(listed_member)).get("/members/me").json()
    assert me["compliance_review"] is False


def test_the_queue_is_for_compliance_staff_only(listed_member):
    hit = ScreeningHit.objects.get(member=listed_member)
    support = _staff("agent", "Support agent")
    member = ApiClient(token=login_token(member_create(company_name="Blue Meadow Bakery")))

    assert ApiClient().get("/staff/screening/hits").status_code == 401
    assert member.get("/staff/screening/hits").status_code == 403
    assert support.post(f"/staff/screening/hits/{hit.pk}/clear", {"reason": "x"}).status_code == 403
    officer = _staff("officer", "Compliance officer")
    assert officer.post("/staff/screening/hits/999999/clear", {"reason": "x"}).status_code == 404
    assert officer.get("/staff/screening/hits?status=maybe").status_code == 422


def test_the_rescreen_command_resumes_from_its_cursor(listed_member):
    from io import StringIO

    from django.core.management import call_command

    member_create(company_name="Blue Meadow Bakery")
    ScreeningHit.objects.all().delete()
    first, second = StringIO(), StringIO()

    call_command("sanctions", "rescreen", "--batch", "1", "--limit", "1", "--restart", stdout=first)
    call_command("sanctions", "rescreen", stdout=second)

    assert "paused" in first.getvalue() and "1 members screened" in first.getvalue()
    assert "finished" in second.getvalue() and "2 members screened" in second.getvalue()
    assert list(ScreeningHit.objects.values_list("member", flat=True)) == [listed_member.pk]


def test_the_console_queue_lists_open_hits_and_clears_one_with_a_reason(listed_member):
    from django.test import Client

    officer = staff_create(username="officer", role="Compliance officer")
    client = Client()
    client.force_login(officer, backend="tradepost.members.backends.MemberLoginBackend")
    hit = ScreeningHit.objects.get(member=listed_member)
    url = "/console/compliance/screeninghit/"

    page = client.get(url)
    asked = client.post(url, {"action": "clear", "_selected_action": [hit.pk]})
    done = client.post(
        url,
        {"action": "clear", "_selected_action": [hit.pk], "apply": "1", "reason": "A bakery."},
        follow=True,
    )

    assert page.status_code == 200 and NOISY in page.content.decode()
    assert asked.status_code == 200 and "reason" in asked.content.decode().lower()
    assert done.status_code == 200 and "Clear done" in done.content.decode()
    hit.refresh_from_db()
    assert (hit.status, hit.decision_reason, hit.decided_by) == ("cleared", "A bakery.", officer)


def test_a_new_list_version_queues_a_rescreen_that_finds_an_existing_member(
    django_capture_on_commit_callbacks,
):
    from django_tasks_db.models import DBTaskResult

    member = member_create(company_name=NOISY)  # registered before the list exists
    assert ScreeningHit.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))
    [queued] = DBTaskResult.objects.filter(status="READY")

    from tradepost.compliance.tasks import rescreen_members

    kwargs = queued.args_kwargs["kwargs"]
    result = rescreen_members.call(**kwargs)
    assert queued.task_path.endswith("rescreen_members")
    assert kwargs == {"versions": [ListVersion.objects.get().pk]}  # against what it changed
    assert result["finished"] is True and result["screened"] >= 1
    assert ScreeningHit.objects.get().member == member


def test_the_console_queue_says_when_a_later_version_delisted_the_entry(listed_member):
    from django.test import Client

    officer = staff_create(username="officer", role="Compliance officer")
    client = Client()
    client.force_login(officer, backend="tradepost.members.backends.MemberLoginBackend")
    hit = ScreeningHit.objects.get(member=listed_member)
    first = ListVersion.objects.get()
    later = ListVersion.objects.create(
        sanctions_list=first.sanctions_list, number=2, content_hash="x" * 64
    )
    url = "/console/compliance/screeninghit/"

    before = client.get(url).content.decode()
    hit.entry.removed_in = later
    hit.entry.save(update_fields=["removed_in"])
    after = client.get(url).content.decode()
    delisted = client.get(url + "?delisted=yes").content.decode()
    listed = client.get(url + "?delisted=no").content.decode()

    assert "removed in version 2" not in before
    assert "removed in version 2" in after and NOISY in delisted
    assert NOISY not in listed
    hit.refresh_from_db()
    assert hit.status == "open"  # a delisting is not a clearance: the officer decides
