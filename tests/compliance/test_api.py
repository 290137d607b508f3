"""POST /api/v1/staff/screening/check: compliance staff only, the hits best first."""

from pathlib import Path

import pytest

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tradepost.compliance.services import sanctions_import
from tradepost.members.services import api_token_create

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
URL = "/staff/screening/check"


@pytest.fixture
def officer() -> ApiClient:
    sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))
    sanctions_import(fmt="ftm", paths=[SAMPLES / "screening-sample" / "entities.ftm.json"])
    user = staff_create(username="officer", role="Compliance officer")
    return ApiClient(token=api_token_create(user=user, name="t")[1])


def test_compliance_staff_get_the_hits_best_first(officer):
    response = officer.post(
        URL,
        {"name": "KHOROSHEV Dmitriy", "kind": "person", "country": "RU", "birth_date": "1993"},
    )

    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits[0] == {
        "list": "ftm:screening-sample",
        "list_version": 1,
        "entry_id": "tp-khoroshev",
        "name": "Dmitry Yuryevich KHOROSHEV",
        # "Dmitriy" is how the Cyrillic alias transliterates: it is the closer name.
        "matched_alias": "Дмитрий Юрьевич Хорошев",
        "score": hits[0]["score"],
        "reasons": hits[0]["reasons"],
    }
    assert 0.8 <= hits[0]["score"] <= 1
    assert hits[0]["reasons"][0].endswith("after transliteration")
    assert hits[0]["reasons"][1:] == ["country matches", "birth year differs by 1"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_a_transliterated_alias_is_named(officer):
    response = officer.post(URL, {"name": "ПЕТРОВ Иван Сергеевич"})

    hit = response.json()["hits"][0]
    assert (hit["list"], hit["entry_id"]) == ("ofac-sdn", "1001")
    assert hit["matched_alias"] == "ПЕТРОВ Иван Сергеевич"


def test_no_hits_is_an_empty_list(officer):
    response = officer.post(URL, {"name": "Trading Solutions Ltd", "kind": "company"})

    assert (response.status_code, response.json()) == (200, {"hits": []})


def test_a_member_is_refused():
    client = ApiClient(token=api_token_create(user=member_create().user, name="t")[1])

    response = client.post(URL, {"name": "Ivan Petrov"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_only"


def test_staff_without_the_permission_are_refused():
    user = staff_create(username="agent", role="Support agent")
    client = ApiClient(token=api_token_create(user=user, name="t")[1])

    response = client.post(URL, {"name": "Ivan Petrov"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_permission_denied"


def test_anonymous_callers_must_sign_in():
    response = ApiClient().post(URL, {"name": "Ivan Petrov"})

    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Ivan Petrov", "kind": "vessel"}, "kind"),
        ({"name": ""}, "name"),
        ({"kind": "person"}, "name"),
        ({"name": "Ivan Petrov", "birth_date": "17 Apr 1970"}, "birth_date"),
        ({"name": "Ivan Petrov", "birth_date": "1970-02-30"}, "birth_date"),
    ],
)
def test_invalid_input_is_a_422_naming_the_field(officer, body, field):
    response = officer.post(URL, body)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in error["fields"]
