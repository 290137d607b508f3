"""The member's own account: profile edits (5.2, 2.1, 4.1) and business referees (5.8)."""

import pytest

from tests.conftest import ApiClient
from tests.factories import PASSWORD, member_create, registration_payload
from tests.members.conftest import login_token
from tradepost.members.models import BusinessReferee, Member, MemberIdentifier, ProfileRevision

pytestmark = pytest.mark.django_db


# --- Profile edits (clause 5.2) ---------------------------------------------------------------


def test_edit_is_saved_and_kept_as_a_revision(member_api, member):
    old_name = member.company_name

    r = member_api.patch("/members/me", {"company_name": "Renamed Trading GmbH"})

    assert r.status_code == 200
    assert r.json()["company_name"] == "Renamed Trading GmbH"
    revision = ProfileRevision.objects.get()
    assert revision.member == member
    assert revision.changes == {"company_name": [old_name, "Renamed Trading GmbH"]}
    assert revision.changed_by == member.user
    assert revision.ip == "198.51.100.10"
    member.refresh_from_db()
    assert member.company_name == "Renamed Trading GmbH"


def test_edit_of_several_fields_records_only_real_changes(member_api, member):
    r = member_api.patch(
        "/members/me",
        {
            "company_name": member.company_name,
            "contact_name": "Mei Chen",
            "roles": ["supplier"],
            "address": "1 New Street\nBerlin",
        },
    )

    assert r.status_code == 200
    assert ProfileRevision.objects.get().changes == {
        "contact_name": [member.contact_name, "Mei Chen"],
        "roles": [["buyer", "supplier"], ["supplier"]],
        "address": [member.address, "1 New Street\nBerlin"],
    }


def test_revisions_are_listed_newest_first(member_api, member):
    member_api.patch("/members/me", {"contact_name": "First"})
    member_api.patch("/members/me", {"contact_name": "Second"})

    r = member_api.get("/members/me/revisions")

    assert r.status_code == 200
    assert [rev["changes"]["contact_name"][1] for rev in r.json()] == ["Second", "First"]
    assert {rev["changed_by"] for rev in r.json()} == {member.member_id}


def test_changing_country_re_decides_the_contracting_entity(member_api, member):
    r = member_api.patch("/members/me", {"country": "cn"})

    assert r.status_code == 200
    entity = r.json()["contracting_entity"]
    assert entity["name"] == "Hangzhou Alibaba Advertising Co., Ltd."
    assert entity["clause"] == "2.1 para 1"
    assert ProfileRevision.objects.get().changes == {
        "country": ["DE", "CN"],
        "contracting_entity": ["alibaba_sg", "hangzhou"],
    }
    member.refresh_from_db()
    assert (member.contracting_entity, member.contracting_rule) == (
        "hangzhou",
        "from-mainland-china",
    )
    assert member.member_id.startswith("de")


def test_changing_access_country_applies_clause_2_1_para_3_b(member):
    member.refresh_from_db()
    client = ApiClient(token=login_token(member))
    client.patch("/members/me", {"country": "CN"})

    r = client.patch("/members/me", {"access_country": "RU"})

    assert r.json()["contracting_entity"]["name"] == (
        "Alibaba.com Singapore E-Commerce Private Limited"
    )
    assert r.json()["contracting_entity"]["clause"] == "2.1 para 3 (b)"
    assert ProfileRevision.objects.first().changes == {
        "access_country": ["DE", "RU"],
        "contracting_entity": ["hangzhou", "alibaba_sg"],
    }


@pytest.mark.parametrize(
    ("field", "value_of"),
    [
        ("email", lambda other: other.email.upper()),
        ("email", lambda other: other.email.replace("@", "+new@")),
        ("phone", lambda other: "0" + other.phone.removeprefix("+49")),
        ("registration_number", lambda other: "hrb-777"),
    ],
)
def test_taking_another_members_identifier_is_409(member_api, member, field, value_of):
    other = member_create(country="DE", registration_number="HRB 777")
    before = getattr(member, field)

    r = member_api.patch("/members/me", {field: value_of(other)})

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "duplicate_account"
    assert list(r.json()["error"]["fields"]) == [field]
    member.refresh_from_db()
    assert getattr(member, field) == before
    assert ProfileRevision.objects.count() == 0


def test_changing_email_moves_login_and_frees_the_old_identity(api, member_api, member):
    old_email = member.email

    r = member_api.patch("/members/me", {"email": "new.address@example.org"})

    assert r.status_code == 200
    member.refresh_from_db()
    assert member.user.email == "new.address@example.org"
    assert MemberIdentifier.objects.get(member=member, kind="email").value == (
        "new.address@exarnple.org"  # the confusables skeleton of the mailbox
    )
    login = api.post("/auth/login", {"login": "new.address@example.org", "password": PASSWORD})
    assert login.status_code == 200
    old = api.post("/auth/login", {"login": old_email, "password": PASSWORD})
    assert old.status_code == 401
    again = api.post("/members", registration_payload(email=old_email))
    assert again.status_code == 201


def test_changing_the_case_of_ones_own_email_is_allowed(member_api, member):
    member_api.patch("/members/me", {"email": "sales@example.com"})

    r = member_api.patch("/members/me", {"email": "Sales+B2B@EXAMPLE.com"})

    assert r.status_code == 200
    assert r.json()["email"] == "Sales+B2B@example.com"
    assert MemberIdentifier.objects.get(member=member, kind="email").value == (
        "sales@exarnple.corn"  # the confusables skeleton of the mailbox
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "+1 999 555 0100"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"country": "XX"}, "country"),
        ({"access_country": "ZZ"}, "access_country"),
        ({"business_type": "consumer"}, "business_type"),
        ({"company_name": ""}, "company_name"),
        ({"company_name": "Nul\x00"}, "company_name"),
        ({"company_name": "x" * 201}, "company_name"),
        ({"roles": []}, "roles"),
        ({"roles": ["seller"]}, "roles"),
        ({"registration_number": "R" * 61}, "registration_number"),
        ({"address": 5}, "address"),
    ],
)
def test_invalid_edit_is_422_and_changes_nothing(member_api, member, body, field):
    r = member_api.patch("/members/me", body)

    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"
    assert list(r.json()["error"]["fields"]) == [field]
    assert ProfileRevision.objects.count() == 0
    assert Member.objects.get().updated_at == member.updated_at


@pytest.mark.parametrize(
    "body",
    [{}, {"member_id": "de0000000001", "status": "terminated", "site": "aliexpress"}],
    ids=["empty", "unknown-fields"],
)
def test_empty_or_unknown_body_is_a_no_op(member_api, member, body):
    r = member_api.patch("/members/me", body)

    assert r.status_code == 200
    assert r.json()["member_id"] == member.member_id
    assert r.json()["status"] == "active"
    assert r.json()["site"] == "alibaba"
    assert ProfileRevision.objects.count() == 0


def test_null_values_are_ignored(member_api, member):
    r = member_api.patch("/members/me", {"company_name": None, "contact_name": "Changed"})

    assert r.status_code == 200
    assert ProfileRevision.objects.get().changes == {
        "contact_name": [member.contact_name, "Changed"]
    }


def test_clearing_the_registration_number_frees_it(member_api, api):
    member_api.patch("/members/me", {"registration_number": "HRB 4242"})

    r = member_api.patch("/members/me", {"registration_number": ""})

    assert r.status_code == 200
    assert MemberIdentifier.objects.filter(kind="registration_number").count() == 0
    again = api.post("/members", registration_payload(registration_number="HRB4242"))
    assert again.status_code == 201


def test_profile_needs_authentication(api, member):
    r = api.patch("/members/me", {"company_name": "Hijack Ltd"})

    assert r.status_code == 401
    assert ProfileRevision.objects.count() == 0


# --- Business referees (clause 5.8) -----------------------------------------------------------


def test_add_referee_with_consent_records_when(member_api, member):
    r = member_api.post(
        "/members/me/referees",
        {
            "name": "Lee Wong",
            "company": "Wong Logistics",
            "email": "lee@wong.example",
            "phone": "030 9018 2222",
            "relationship": "Customer since 2019",
            "consent_given": True,
        },
    )

    assert r.status_code == 201
    body = r.json()
    referee = BusinessReferee.objects.get()
    assert referee.member == member
    assert body["id"] == referee.pk
    assert body["phone"] == "+493090182222"
    assert body["consent_given"] is True
    assert referee.consent_recorded_at is not None
    assert body["consent_recorded_at"] is not None


def test_add_referee_without_consent_keeps_no_consent_time(member_api):
    r = member_api.post("/members/me/referees", {"name": "Ana Silva", "consent_given": False})

    assert r.status_code == 201
    assert r.json()["consent_given"] is False
    assert r.json()["consent_recorded_at"] is None
    assert BusinessReferee.objects.get().consent_recorded_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "consent_given": True}, "name"),
        ({"name": "Lee", "consent_given": "yes"}, "consent_given"),
        ({"name": "Lee"}, "consent_given"),
        ({"name": "Lee", "email": "nope", "consent_given": True}, "email"),
        ({"name": "Lee", "phone": "123", "consent_given": True}, "phone"),
        ({"name": "Lee\x00", "consent_given": True}, "name"),
        ({"name": "Lee", "company": "x" * 201, "consent_given": True}, "company"),
    ],
)
def test_invalid_referee_is_422(member_api, body, field):
    r = member_api.post("/members/me/referees", body)

    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == [field]
    assert BusinessReferee.objects.count() == 0


def test_referees_are_listed_in_order_added(member_api):
    for name in ("Alpha", "Bravo", "Charlie"):
        member_api.post("/members/me/referees", {"name": name, "consent_given": True})

    r = member_api.get("/members/me/referees")

    assert r.status_code == 200
    assert [ref["name"] for ref in r.json()] == ["Alpha", "Bravo", "Charlie"]


def test_at_most_twenty_referees(member_api):
    for n in range(20):
        member_api.post("/members/me/referees", {"name": f"Ref {n}", "consent_given": True})

    r = member_api.post("/members/me/referees", {"name": "One too many", "consent_given": True})

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"
    assert BusinessReferee.objects.count() == 20


def test_delete_own_referee(member_api):
    created = member_api.post("/members/me/referees", {"name": "Lee", "consent_given": True})

    r = member_api.delete(f"/members/me/referees/{created.json()['id']}")

    assert r.status_code == 200
    assert r.json() == {"ok": True}
    assert BusinessReferee.objects.count() == 0
    assert member_api.get("/members/me/referees").json() == []


def test_deleting_another_members_referee_is_404(member_api):
    other = member_create()
    other_api = ApiClient(token=login_token(other))
    theirs = other_api.post("/members/me/referees", {"name": "Theirs", "consent_given": True})

    r = member_api.delete(f"/members/me/referees/{theirs.json()['id']}")

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert BusinessReferee.objects.get().name == "Theirs"
    assert member_api.get("/members/me/referees").json() == []


def test_deleting_a_missing_referee_is_404_alike(member_api):
    r = member_api.delete("/members/me/referees/987654")

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
