"""Screening members (clause 5.13): hits queued, holds, decisions, false-positive memory,
rescreening from a cursor. Hits use listed names, non-hits clearly different names, so these
hold for the interim exact matcher and the fuzzy one alike."""

from pathlib import Path

import pytest

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tests.members.conftest import login_token
from tradepost import gates
from tradepost.audit.models import AuditEntry
from tradepost.compliance.models import HitStatus, RescreenCursor, ScreeningHit
from tradepost.compliance.screening import (
    HitAlreadyDecided,
    hit_clear,
    hit_confirm,
    members_rescreen,
)
from tradepost.compliance.services import sanctions_import
from tradepost.errors import InvalidInput
from tradepost.members.services.profile import member_update_profile
from tradepost.trust.models.actions import Action, ActionKind, ActionStatus
from tradepost.trust.models.cases import Case

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
LISTED = "NORTHWIND REGIONS TRADING LLC"


@pytest.fixture
def sdn():
    return sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))


@pytest.fixture
def officer():
    return staff_create(username="officer", role="Compliance officer")


def _hold(member):
    return Action.objects.get(member=member, kind=ActionKind.RESTRICT, clause="5.13")


def test_registering_a_listed_company_queues_a_hit_and_holds_the_member(sdn):
    member = member_create(company_name=LISTED)

    hit = ScreeningHit.objects.get(member=member)
    assert (hit.status, hit.subject, hit.list_source, hit.entry_source_id) == (
        "open",
        "company",
        "ofac-sdn",
        "1002",
    )
    assert hit.holds is True
    assert hit.hold_action == _hold(member)
    assert _hold(member).status == ActionStatus.IN_FORCE
    for feature in ("new_listings", "orders", "messaging"):
        assert gates.feature_allowed(member, feature).allowed is False
    assert AuditEntry.objects.get(action="screening.hit_raised").member_id == member.member_id


def test_a_clearly_different_name_raises_nothing(sdn):
    member = member_create(company_name="Blue Meadow Bakery GmbH")

    assert ScreeningHit.objects.filter(member=member).count() == 0
    assert gates.compliance_review_pending(member) is False


def test_members_me_says_pending_review_without_naming_the_entry(sdn):
    member = member_create(company_name=LISTED)

    body = ApiClient(token=login_token(member)).get("/members/me")

    assert body.status_code == 200
    assert body.json()["compliance_review"] is True
    assert "1002" not in body.content.decode()
    assert "ofac" not in body.content.decode().lower()


def test_confirm_opens_a_case_on_5_13_proposing_termination(sdn, officer):
    member = member_create(company_name=LISTED)
    hit = ScreeningHit.objects.get(member=member)

    hit = hit_confirm(hit=hit, by=officer, reason="Same registration number as the entry.")

    case = Case.objects.get(member=member)
    assert case.grounds == ["5.13"]
    assert hit.case == case
    termination = Action.objects.get(member=member, kind=ActionKind.TERMINATE)
    assert (termination.status, termination.clause) == (ActionStatus.PENDING_APPROVAL, "5.13")
    assert _hold(member).status == ActionStatus.IN_FORCE
    assert AuditEntry.objects.get(action="screening.hit_confirmed").actor == officer


def test_deciding_twice_is_a_conflict_and_a_reason_is_required(sdn, officer):
    member = member_create(company_name=LISTED)
    hit = ScreeningHit.objects.get(member=member)
    with pytest.raises(InvalidInput) as empty:
        hit_clear(hit=hit, by=officer, reason="  ")
    hit_clear(hit=hit, by=officer, reason="Different company, other country.")

    with pytest.raises(HitAlreadyDecided) as twice:
        hit_confirm(hit=hit, by=officer, reason="Changed my mind.")

    assert (empty.value.status, twice.value.status) == (422, 409)
    assert twice.value.code == "hit_already_decided"


def test_clear_lifts_the_hold_and_is_not_raised_again_on_rescreen(sdn, officer):
    member = member_create(company_name=LISTED)
    hit_clear(hit=ScreeningHit.objects.get(member=member), by=officer, reason="Not them.")

    members_rescreen(restart=True)

    assert _hold(member).status == ActionStatus.LIFTED
    assert gates.compliance_review_pending(member) is False
    assert ScreeningHit.objects.filter(member=member, status=HitStatus.OPEN).count() == 0


def test_a_changed_company_name_alerts_again(sdn, officer):
    member = member_create(company_name=LISTED)
    hit_clear(hit=ScreeningHit.objects.get(member=member), by=officer, reason="Not them.")

    member_update_profile(
        member=member, by=member.user, changes={"company_name": "Northwind Trade Co."}, ip=None
    )

    again = ScreeningHit.objects.get(member=member, status=HitStatus.OPEN)
    assert again.subject_value == "Northwind Trade Co."
    assert again.entry_source_id == "1002"


def test_rescreen_resumes_from_its_cursor(sdn):
    members = [member_create(company_name=f"Clean Company {n}") for n in range(3)]
    first = members_rescreen(batch=1, limit=2, restart=True)
    assert (first.last_member_pk, first.screened, first.finished_at) == (members[1].pk, 2, None)

    second = members_rescreen(batch=1)

    assert second.screened == 3
    assert second.finished_at is not None
    assert RescreenCursor.objects.get().last_member_pk == members[2].pk


def test_a_delta_rescreen_screens_only_against_what_a_version_changed(sdn, tmp_path):
    """Clause 5.13: after a new version, members are screened against its new and changed
    entries only; an entry the version left alone raises nothing again."""
    from tradepost.compliance.models import ListVersion

    member = member_create(company_name=LISTED)
    hit = ScreeningHit.objects.get(member=member)
    hit_clear(hit=hit, by=staff_create(username="o2", role="Compliance officer"), reason="Bakery.")
    other = member_create(company_name="Quayside Lantern Exports")
    assert not ScreeningHit.objects.filter(member=other).exists()

    # The next version adds an entry named like `other`, and leaves 1002 as it was.
    import shutil

    directory = tmp_path / "v2"
    shutil.copytree(SAMPLES / "ofac-sdn", directory)
    sdn_csv = directory / "sdn.csv"
    row = '9901,"QUAYSIDE LANTERN EXPORTS LTD",-0- ,"SDGT"' + ",-0- " * 8 + "\r\n"
    sdn_csv.write_bytes(sdn_csv.read_bytes().rstrip(b"\x1a") + row.encode())
    result = sanctions_import(fmt="ofac-csv", paths=sorted(directory.glob("*.csv")))
    assert (result.version, result.added, result.changed) == (2, 1, 0)
    version = ListVersion.objects.get(number=2)

    cursor = members_rescreen(versions=[version.pk])

    assert cursor.versions == [version.pk] and cursor.finished_at is not None
    new = ScreeningHit.objects.get(member=other)
    assert (new.entry_source_id, new.list_version) == ("9901", 2)
    assert ScreeningHit.objects.filter(member=member).count() == 1  # the cleared one only


def test_a_delta_request_during_a_full_run_keeps_the_run_full(sdn):
    members = [member_create(company_name=f"Harbour Goods {n}") for n in range(3)]
    members_rescreen(batch=1, limit=1, restart=True)

    cursor = members_rescreen(versions=[999], batch=1, limit=1)

    assert cursor.versions == []  # the full run covers any version
    assert cursor.last_member_pk == members[0].pk


def test_the_account_page_tells_a_held_member_why(sdn, client):
    held = member_create(company_name=LISTED)
    free = member_create(company_name="Quayside Lantern Exports")

    client.force_login(held.user)
    page = client.get("/account/").content.decode()
    client.force_login(free.user)
    other = client.get("/account/").content.decode()

    assert "restricted pending a compliance review" in page
    assert "1002" not in page and "ofac" not in page.lower()  # never the list entry
    assert "restricted pending a compliance review" not in other
