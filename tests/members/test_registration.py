"""Registration through POST /api/v1/members (clauses 1.2, 2.1, 4.1, 4.2, 5.1, 5.11)."""

import hashlib
import itertools
import json
import re
import threading

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import ApiClient
from tests.factories import PASSWORD, member_create, phone_for, registration_payload
from tradepost.errors import Conflict, InvalidInput
from tradepost.members import services
from tradepost.members.models import (
    DuplicateSignal,
    Member,
    MemberIdentifier,
    SecondAccountApproval,
    SignalOutcome,
    User,
)
from tradepost.terms.models import AcceptanceMethod, TermsAcceptance, TermsVersion
from tradepost.terms.registration import RegistrationInput, member_register

pytestmark = pytest.mark.django_db

FORMATTING_MESSAGE = (
    "The text contains invisible or text-direction formatting characters ({}); "
    "names and titles must read as they are written."
)

SINGAPORE = {
    "name": "Alibaba.com Singapore E-Commerce Private Limited",
    "registration_number": "200720572D",
    "governing_law": (
        "Laws of the Hong Kong Special Administrative Region, "
        "without regard to its conflict of law provisions"
    ),
    "courts": (
        "Hong Kong courts (exclusive jurisdiction, "
        "except as otherwise stipulated under applicable law)"
    ),
    "notice_address": (
        "Alibaba.com Singapore E-Commerce Private Limited, 26/F Tower One, Times Square, "
        "1 Matheson Street, Causeway Bay, Hong Kong, Attn: Legal Department"
    ),
}
HANGZHOU = {
    "name": "Hangzhou Alibaba Advertising Co., Ltd.",
    "registration_number": "",
    "governing_law": "Laws of the People's Republic of China",
    "courts": "Yuhang Basic People's Court of Hangzhou, PRC (exclusive jurisdiction)",
    "notice_address": (
        "Hangzhou Alibaba Advertising Co. Ltd, 26/F Tower One, Times Square, "
        "1 Matheson Street, Causeway Bay, Hong Kong, Attn: Legal Department"
    ),
}
HONG_KONG = {
    "name": "Alibaba.com Hong Kong Limited",
    "registration_number": "",
    "governing_law": SINGAPORE["governing_law"],
    "courts": SINGAPORE["courts"],
    "notice_address": (
        "Alibaba.com Hong Kong Limited, 26/F Tower One, Times Square, "
        "1 Matheson Street, Causeway Bay, Hong Kong, Attn: Legal Department"
    ),
}
ALIEXPRESS_RUSSIA = {
    "name": "AliExpress Russia Holding Private Limited",
    "registration_number": "201917627W",
    "governing_law": (
        "Laws of the Russian Federation, without regard to its conflict of law provisions"
    ),
    "courts": (
        "Courts of Russia (exclusive jurisdiction, "
        "except as otherwise stipulated under applicable law)"
    ),
    "notice_address": (
        "AliExpress Russia Holding Private Limited, 8 Shenton Way, #45-01 AXA Tower, "
        "Singapore 068811, Attn: Legal Department"
    ),
}


def _counts() -> tuple[int, int, int, int]:
    return (
        Member.objects.count(),
        User.objects.count(),
        MemberIdentifier.objects.count(),
        TermsAcceptance.objects.count(),
    )


# --- Happy path ---------------------------------------------------------------------------


def test_register_creates_member_and_answers_201(api):
    payload = registration_payload(country="DE", company_name="Rheinmetall Widgets GmbH")

    r = api.post("/members", payload)

    assert r.status_code == 201
    body = r.json()
    member = Member.objects.get()
    assert body["member_id"] == member.member_id
    assert re.fullmatch(r"de\d{10}", member.member_id)
    assert body["status"] == "active"
    assert body["site"] == "alibaba"
    assert body["company_name"] == "Rheinmetall Widgets GmbH"
    assert body["country"] == "DE"
    assert body["email"] == payload["email"]
    assert body["contracting_entity"] == {**SINGAPORE, "clause": "2.1 para 3 (a)"}


def test_register_stores_the_password_as_argon2_only(api):
    api.post("/members", registration_payload())

    user = User.objects.get()
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_register_records_acceptance_of_the_terms_in_force(api):
    api.post("/members", registration_payload(site="aliexpress"))

    acceptance = TermsAcceptance.objects.get()
    in_force = TermsVersion.objects.filter(site="aliexpress").order_by("-effective_date").first()
    assert acceptance.member == Member.objects.get()
    assert acceptance.version == in_force
    assert acceptance.version.effective_date.isoformat() == "2020-10-17"
    assert acceptance.method == AcceptanceMethod.REGISTRATION
    assert acceptance.ip == "198.51.100.10"
    assert acceptance.text_sha256 == hashlib.sha256(in_force.body.encode()).hexdigest()


def test_register_records_the_registration_address():
    r = ApiClient(remote_addr="2001:db8::7").post("/members", registration_payload())

    assert r.status_code == 201
    assert Member.objects.get().registration_ip == "2001:db8::7"


def test_roles_default_to_buyer_and_supplier(api):
    r = api.post("/members", registration_payload())

    assert r.json()["roles"] == ["buyer", "supplier"]
    member = Member.objects.get()
    assert (member.is_buyer, member.is_supplier) == (True, True)


def test_roles_can_be_only_supplier(api):
    r = api.post("/members", registration_payload(roles=["supplier"]))

    assert r.json()["roles"] == ["supplier"]
    member = Member.objects.get()
    assert (member.is_buyer, member.is_supplier) == (False, True)


@pytest.mark.parametrize("roles", [[], ["admin"], ["buyer", "owner"]])
def test_roles_must_be_buyer_or_supplier(api, roles):
    r = api.post("/members", registration_payload(roles=roles))

    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["roles"]


def test_access_country_defaults_to_country(api):
    r = api.post("/members", registration_payload(country="GB"))

    assert r.json()["access_country"] == "GB"
    assert Member.objects.get().access_country == "GB"


def test_lower_case_country_code_is_accepted(api):
    payload = registration_payload(country="CN")
    payload["country"] = "cn"

    r = api.post("/members", payload)

    assert r.status_code == 201
    assert r.json()["country"] == "CN"
    assert r.json()["member_id"].startswith("cn")


def test_me_returns_the_same_fields_as_registration(api):
    registered = api.post("/members", registration_payload()).json()
    token = ApiClient().post(
        "/auth/login", {"login": registered["member_id"], "password": PASSWORD}
    )

    r = ApiClient(token=token.json()["token"]).get("/members/me")

    assert r.status_code == 200
    assert r.json() == registered


# --- Clause 2.1 end to end ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "country", "access_country", "entity", "clause"),
    [
        ("alibaba", "CN", None, HANGZHOU, "2.1 para 1"),
        ("alibaba", "HK", None, HONG_KONG, "2.1 para 2"),
        ("alibaba", "MO", None, HONG_KONG, "2.1 para 2"),
        ("alibaba", "DE", None, SINGAPORE, "2.1 para 3 (a)"),
        ("alibaba", "CN", "RU", SINGAPORE, "2.1 para 3 (b)"),
        (
            "aliexpress",
            "RU",
            None,
            ALIEXPRESS_RUSSIA,
            "2.1 para 4 (AliExpress Relevant Jurisdiction User)",
        ),
        (
            "aliexpress",
            "DE",
            "KZ",
            ALIEXPRESS_RUSSIA,
            "2.1 para 4 (AliExpress Relevant Jurisdiction User)",
        ),
    ],
)
def test_contracting_entity_of_each_clause_2_1_branch(
    api, site, country, access_country, entity, clause
):
    payload = registration_payload(site=site, country=country, phone=phone_for(country, 7))
    if access_country:
        payload["access_country"] = access_country

    r = api.post("/members", payload)

    assert r.status_code == 201
    assert r.json()["contracting_entity"] == {**entity, "clause": clause}
    assert r.json()["access_country"] == (access_country or country)


# --- Clause 4.1: one user, one account ------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "kind"),
    [
        ({"email": "Jane.Doe@Example.com"}, {"email": "jane.doe@example.COM"}, "email"),
        ({"email": "jane.doe@example.com"}, {"email": "JANE.DOE@example.com"}, "email"),
        ({"email": "sales@example.com"}, {"email": "sales+alibaba@example.com"}, "email"),
        ({"email": "jane.doe@gmail.com"}, {"email": "janedoe@gmail.com"}, "email"),
        ({"email": "jane.doe@gmail.com"}, {"email": "J.a.n.e.Doe+b2b@googlemail.com"}, "email"),
        ({"phone": "+49 30 90180001"}, {"phone": "030 9018 0001"}, "phone"),
        ({"phone": "+49 30 90180001"}, {"phone": "(030) 90-18-00-01"}, "phone"),
        ({"phone": "+49 30 90180001"}, {"phone": "0049 30 90180001"}, "phone"),
        (
            {"registration_number": "HRB 12345 B"},
            {"registration_number": "hrb-12345-b"},
            "registration_number",
        ),
        (
            {"registration_number": "HRB12345B"},
            {"registration_number": " h.r.b 12345/b "},
            "registration_number",
        ),
        (
            {"registration_number": "HRB12345B"},
            {"registration_number": "\uff28\uff32\uff22 \uff11\uff12\uff13\uff14\uff15 b"},
            "registration_number",
        ),
        # Look-alike letters (UTS #39 confusables): Cyrillic Н, О, В for Latin H, O, B.
        (
            {"registration_number": "HRB 85818"},
            {"registration_number": "\u041dRB 85818"},
            "registration_number",
        ),
        (
            {"registration_number": "HRB 85818"},
            {"registration_number": "\u043drb 85818"},
            "registration_number",
        ),
        (
            {"registration_number": "HRB 10"},
            {"registration_number": "HR\u0412 1\u041e"},
            "registration_number",
        ),
        ({"email": "sales@example.com"}, {"email": "sales@ex\u0430mple.com"}, "email"),
        ({"email": "sales@example.com"}, {"email": "sales@\uff45xample.com"}, "email"),
    ],
)
def test_duplicate_registration_is_refused_and_signalled(api, first, second, kind):
    existing = member_create(country="DE", **first)
    before = _counts()

    r = api.post("/members", registration_payload(country="DE", **second))

    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "duplicate_account"
    assert list(error["fields"]) == [kind]
    assert "clause 4.1" in error["message"]
    assert "matches" not in error
    assert _counts() == before
    signal = DuplicateSignal.objects.get()
    assert signal.kind == kind
    assert signal.existing_member == existing
    assert signal.outcome == SignalOutcome.REFUSED
    assert signal.new_member is None
    assert signal.ip == "198.51.100.10"
    assert "password" not in signal.attempt


def test_look_alike_registration_number_is_refused_by_the_service():
    existing = member_create(country="DE", registration_number="HRB 85818")
    payload = registration_payload(country="DE", registration_number="\u041dRB 85818")

    with pytest.raises(services.DuplicateAccount) as caught:
        member_register(data=RegistrationInput(**payload), ip="203.0.113.8")

    assert caught.value.code == "duplicate_account"
    assert caught.value.fields == {
        "registration_number": [
            "This business registration number already belongs to a member account."
        ]
    }
    assert Member.objects.count() == 1
    signal = DuplicateSignal.objects.get()
    assert signal.existing_member == existing
    assert signal.value == "DE:HRB858l8"


def test_registration_numbers_that_only_differ_in_a_dropped_letter_are_not_duplicates(api):
    """The old filter dropped non-Latin letters, so "НRB 1" and "RB 1" were one number."""
    member_create(country="DE", registration_number="RB 85818")

    r = api.post(
        "/members", registration_payload(country="DE", registration_number="\u041dRB 85818")
    )

    assert r.status_code == 201


def test_duplicate_on_every_identifier_records_one_signal_each(api):
    existing = member_create(registration_number="HRB 1")
    payload = registration_payload(
        email=existing.email, phone=existing.phone, registration_number="hrb1"
    )

    r = api.post("/members", payload)

    assert r.status_code == 409
    assert sorted(r.json()["error"]["fields"]) == ["email", "phone", "registration_number"]
    assert sorted(DuplicateSignal.objects.values_list("kind", flat=True)) == [
        "email",
        "phone",
        "registration_number",
    ]


def test_same_registration_number_in_another_country_is_not_a_duplicate(api):
    member_create(country="DE", registration_number="12345")

    r = api.post(
        "/members",
        registration_payload(country="GB", phone=phone_for("GB", 3), registration_number="12345"),
    )

    assert r.status_code == 201
    assert DuplicateSignal.objects.count() == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("jane.doe@example.com", "janedoe@example.com"),
        ("+sales@example.com", "+support@example.com"),
        ("sales@example.com", "sales@example.org"),
    ],
)
def test_different_mailboxes_are_not_duplicates(api, first, second):
    member_create(email=first)

    r = api.post("/members", registration_payload(email=second))

    assert r.status_code == 201


def _refused_signal(api, **identifiers) -> DuplicateSignal:
    r = api.post("/members", registration_payload(**identifiers))
    assert r.status_code == 409
    return DuplicateSignal.objects.get()


def test_staff_approval_allows_one_second_account(api, staff):
    existing = member_create(email="owner@example.com")
    signal = _refused_signal(api, email="Owner+second@example.com")

    approval = services.second_account_approve(
        signal=signal, by=staff, reason="Separate legal entity, same owner (ticket 42)."
    )
    r = api.post("/members", registration_payload(email="owner+second@example.com"))

    assert r.status_code == 201
    second = Member.objects.get(member_id=r.json()["member_id"])
    approval.refresh_from_db()
    assert approval.email == "owner@exarnple.corn"  # the identity: its confusables skeleton
    assert approval.used_by == second
    assert approval.used_at is not None
    approved = DuplicateSignal.objects.get(outcome=SignalOutcome.APPROVED)
    assert approved.existing_member == existing
    assert approved.new_member == second
    assert approved.kind == "email"
    assert approved.attempt == {"approval": approval.pk}


def test_an_approval_is_used_once(api, staff):
    member_create(email="owner@example.com")
    signal = _refused_signal(api, email="owner@example.com")
    services.second_account_approve(signal=signal, by=staff, reason="Approved once.")
    assert api.post("/members", registration_payload(email="owner@example.com")).status_code == 201
    before = _counts()

    r = api.post("/members", registration_payload(email="owner@example.com"))

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "duplicate_account"
    assert _counts() == before
    assert SecondAccountApproval.objects.get().used_by is not None


def test_an_approval_for_one_identifier_does_not_cover_another_members(api, staff):
    member_create(email="owner@example.com")
    other = member_create(phone="+49 30 90185555")
    signal = _refused_signal(api, email="owner@example.com")
    services.second_account_approve(signal=signal, by=staff, reason="Same owner.")
    before = _counts()

    r = api.post(
        "/members", registration_payload(email="owner@example.com", phone="+49 30 90185555")
    )

    assert r.status_code == 409
    assert sorted(r.json()["error"]["fields"]) == ["email", "phone"]
    assert _counts() == before
    assert SecondAccountApproval.objects.get().used_by is None
    assert DuplicateSignal.objects.filter(existing_member=other).count() == 1


def test_approving_the_same_attempt_twice_gives_one_approval(api, staff):
    member_create(email="owner@example.com")
    signal = _refused_signal(api, email="owner@example.com")

    first = services.second_account_approve(signal=signal, by=staff, reason="Approved.")
    again = services.second_account_approve(signal=signal, by=staff, reason="Clicked twice.")

    assert again == first
    assert SecondAccountApproval.objects.get().reason == "Approved."


def test_an_approved_registration_cannot_be_approved_again(api, staff):
    member_create(email="owner@example.com")
    signal = _refused_signal(api, email="owner@example.com")
    services.second_account_approve(signal=signal, by=staff, reason="Approved.")
    api.post("/members", registration_payload(email="owner@example.com"))
    approved = DuplicateSignal.objects.get(outcome=SignalOutcome.APPROVED)

    with pytest.raises(Conflict):
        services.second_account_approve(signal=approved, by=staff, reason="Again.")

    assert SecondAccountApproval.objects.count() == 1


def test_an_expired_approval_does_not_count(api, staff):
    member_create(email="owner@example.com")
    signal = _refused_signal(api, email="owner@example.com")
    approval = services.second_account_approve(signal=signal, by=staff, reason="Approved.")
    SecondAccountApproval.objects.filter(pk=approval.pk).update(expires_at=approval.created_at)

    r = api.post("/members", registration_payload(email="owner@example.com"))

    assert r.status_code == 409


@pytest.mark.parametrize("reason", ["", "   ", "bad\x00reason"])
def test_an_approval_needs_a_reason(api, staff, reason):
    member_create(email="owner@example.com")
    signal = _refused_signal(api, email="owner@example.com")

    with pytest.raises(InvalidInput) as excinfo:
        services.second_account_approve(signal=signal, by=staff, reason=reason)

    assert list(excinfo.value.fields) == ["reason"]
    assert SecondAccountApproval.objects.count() == 0


def test_approval_with_a_long_registration_number_is_stored(api, staff):
    number = "A" * 60
    member_create(registration_number=number)
    signal = _refused_signal(api, registration_number=number.lower())

    approval = services.second_account_approve(signal=signal, by=staff, reason="Group company.")
    r = api.post("/members", registration_payload(registration_number=number))

    approval.refresh_from_db()
    assert approval.registration_number == f"DE:{number}"
    assert r.status_code == 201


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="the in-memory SQLite test database locks tables across threads instead of waiting",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("bundled_terms")
def test_concurrent_duplicate_registrations_create_one_member():
    payloads = [registration_payload(email="race@example.com") for _ in range(4)]
    barrier = threading.Barrier(len(payloads))
    statuses: list[int] = []

    def register(payload):
        try:
            barrier.wait(timeout=10)
            statuses.append(ApiClient().post("/members", payload).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [201, 409, 409, 409]
    assert Member.objects.count() == 1
    assert MemberIdentifier.objects.filter(kind="email").count() == 1
    assert DuplicateSignal.objects.filter(outcome=SignalOutcome.REFUSED).count() == 3


# --- Attestations (1.2, 5.1 b, 5.11) and Terms acceptance (1.1) ------------------------------


@pytest.mark.parametrize("field", ["attest_legal_age", "attest_business_use", "accept_terms"])
def test_each_attestation_is_required(api, field):
    before = _counts()

    r = api.post("/members", registration_payload(**{field: False}))

    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_input"
    assert list(error["fields"]) == [field]
    assert len(error["fields"][field]) == 1
    assert _counts() == before


# --- Passwords (4.2, ASVS 2.1) --------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "abcdefghij1",  # 11 characters
        "password1234",  # common
        "483920175629",  # all numeric
        "x" * 200 + "Y7" * 30,  # 260 characters
        "correct horse\ud800battery",  # not encodable
        "tab\tand nul\x00 inside it",
    ],
    ids=["11-chars", "common", "numeric", "over-256", "surrogate", "nul"],
)
def test_weak_or_unusable_passwords_are_refused(api, password):
    before = _counts()

    r = api.post("/members", registration_payload(password=password))

    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["password"]
    assert _counts() == before


@pytest.mark.parametrize(
    "password",
    [
        "k3v-Mq9z!rTw",  # exactly 12
        "the quick brown fox jumps over the lazy dog and keeps on running far",  # 68
        "Zz9" * 85 + "a",  # 256
        "пароль-надёжный-2024",
    ],
    ids=["12-chars", "passphrase-68", "256-chars", "cyrillic"],
)
def test_acceptable_passwords_register_and_log_in_unchanged(api, password):
    r = api.post("/members", registration_payload(password=password))
    assert r.status_code == 201

    login = api.post("/auth/login", {"login": r.json()["member_id"], "password": password})

    assert login.status_code == 200
    near_miss = api.post("/auth/login", {"login": r.json()["member_id"], "password": password[:-1]})
    assert near_miss.json()["error"]["code"] == "invalid_credentials"


def test_password_similar_to_email_is_refused(api):
    r = api.post(
        "/members",
        registration_payload(email="longcompanyname@example.com", password="longcompanyname"),
    )

    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["password"]


# --- Bad input never 500s and never half-creates a member -------------------------------------


REQUIRED = [
    "site",
    "company_name",
    "business_type",
    "country",
    "address",
    "contact_name",
    "email",
    "phone",
    "password",
    "attest_legal_age",
    "attest_business_use",
    "accept_terms",
]


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_field_is_422_naming_it(api, field):
    payload = registration_payload()
    del payload[field]
    before = _counts()

    r = api.post("/members", payload)

    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"
    assert list(r.json()["error"]["fields"]) == [field]
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "Germany"}, "country"),
        ({"country": ""}, "country"),
        ({"access_country": "ZZ"}, "access_country"),
        ({"site": "taobao"}, "site"),
        ({"site": "Alibaba"}, "site"),
        ({"business_type": "consumer"}, "business_type"),
        ({"phone": "12"}, "phone"),
        ({"phone": "not a phone"}, "phone"),
        ({"phone": "+49 30"}, "phone"),
        ({"phone": "+1 999 555 0100"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "jane@exa mple.com"}, "email"),
        ({"email": "x" * 250 + "@example.com"}, "email"),
        ({"company_name": ""}, "company_name"),
        ({"company_name": "   "}, "company_name"),
        ({"company_name": "A" * 201}, "company_name"),
        ({"company_name": "A" * 1001}, "company_name"),
        ({"company_name": "Bad\ud800Name"}, "company_name"),
        ({"company_name": "Nul\x00Name"}, "company_name"),
        ({"company_name": "Bell\x07Name"}, "company_name"),
        ({"contact_name": "Line\nbreak"}, "contact_name"),
        ({"address": "Street\x00 1"}, "address"),
        ({"address": "\ud83d"}, "address"),
        ({"registration_number": "R" * 61}, "registration_number"),
        ({"registration_number": "\x00"}, "registration_number"),
        ({"attest_legal_age": "yes"}, "attest_legal_age"),
        ({"attest_legal_age": 1}, "attest_legal_age"),
        ({"accept_terms": None}, "accept_terms"),
        ({"company_name": 12345}, "company_name"),
        ({"roles": "buyer"}, "roles"),
        ({"email": ["a@example.com"]}, "email"),
    ],
)
def test_bad_field_is_422_naming_it(api, overrides, field):
    payload = {**registration_payload(), **overrides}
    before = _counts()

    r = api.post("/members", payload)

    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"
    assert list(r.json()["error"]["fields"]) == [field]
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "field", "codes"),
    [
        ({"company_name": "Acme \u202egnp.exe Ltd"}, "company_name", "U+202E"),
        ({"company_name": "Acme\u2066 Ltd\u2069"}, "company_name", "U+2066, U+2069"),
        ({"contact_name": "Ann\u200bLee"}, "contact_name", "U+200B"),
        ({"contact_name": "Ann Lee\u200f"}, "contact_name", "U+200F"),
        ({"company_name": "Acme\ufeff Ltd"}, "company_name", "U+FEFF"),
        ({"registration_number": "HRB\u202a 1"}, "registration_number", "U+202A"),
    ],
)
def test_names_with_invisible_formatting_characters_are_refused(api, overrides, field, codes):
    before = _counts()

    r = api.post("/members", registration_payload(**overrides))

    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {field: [FORMATTING_MESSAGE.format(codes)]}
    assert _counts() == before


def test_a_leading_byte_order_mark_is_dropped_from_a_name(api):
    r = api.post("/members", registration_payload(company_name="\ufeffAcme Trading GmbH"))

    assert r.status_code == 201
    assert Member.objects.get().company_name == "Acme Trading GmbH"


def test_multiline_address_is_kept_with_line_breaks_unified(api):
    r = api.post("/members", registration_payload(address="Unit 5\nHarbour Road\r\nHong Kong"))

    assert r.status_code == 201
    assert Member.objects.get().address == "Unit 5\nHarbour Road\nHong Kong"


def test_text_is_nfc_normalised_and_stripped(api):
    r = api.post("/members", registration_payload(company_name="  Cafe\u0301 Import GmbH  "))

    assert r.status_code == 201
    assert Member.objects.get().company_name == "Caf\u00e9 Import GmbH"


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b'{"site": "alibaba",', 400, "malformed_request"),
        (b"", 422, "invalid_input"),
        (b"not json", 400, "malformed_request"),
        (b'{"site": "\xff\xfe"}', 400, "malformed_request"),
        (b"\xc3\x28", 400, "malformed_request"),
        (b"[]", 422, "invalid_input"),
        (b'[{"site": "alibaba"}]', 422, "invalid_input"),
        (b'"alibaba"', 422, "invalid_input"),
        (b"null", 422, "invalid_input"),
        (b"42", 422, "invalid_input"),
    ],
)
def test_malformed_bodies_are_4xx_json(api, raw, status, code):
    before = _counts()

    r = api.post("/members", raw=raw)

    assert r.status_code == status
    assert r.json()["error"]["code"] == code
    assert _counts() == before


def test_oversized_body_is_413(api):
    payload = registration_payload(address="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    before = _counts()

    r = api.post("/members", payload)

    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"
    assert _counts() == before


def test_raw_lone_surrogate_in_json_is_422(api):
    payload = registration_payload()
    raw = json.dumps(payload).replace('"company_name": "', '"company_name": "\\udc00', 1)

    r = api.post("/members", raw=raw)

    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["company_name"]


def test_several_bad_fields_are_reported_together(api):
    payload = registration_payload(email="nope", site="ebay", accept_terms=False)
    payload["country"] = "XX"

    r = api.post("/members", payload)

    assert r.status_code == 422
    assert sorted(r.json()["error"]["fields"]) == ["accept_terms", "country", "email", "site"]


_unique = itertools.count(5000)
STRING_FIELDS = [
    "site",
    "company_name",
    "business_type",
    "country",
    "access_country",
    "address",
    "contact_name",
    "email",
    "phone",
    "registration_number",
    "password",
]


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(overrides=st.dictionaries(st.sampled_from(STRING_FIELDS), st.text(max_size=300)))
def test_fuzzed_text_never_500s_nor_half_creates(api, overrides):
    n = next(_unique)
    payload = registration_payload(email=f"fuzz{n}@fuzz.example", phone=phone_for("DE", n))
    payload.update(overrides)
    before = _counts()

    r = api.post("/members", payload)

    assert r.status_code == 201 or 400 <= r.status_code < 500, r.content
    assert r.json().get("error", {}).get("code") != "server_error"
    if r.status_code == 201:
        assert _counts()[:2] == (before[0] + 1, before[1] + 1)
    else:
        assert _counts() == before


def test_identities_that_grow_past_their_columns_are_kept_whole_as_a_digest(api):
    """The skeleton maps "m" to "rn" and "ß" upper-cases to "SS": the stored identity
    must still fit its column (PostgreSQL refuses longer values) and stay distinct."""
    email = "m" * 200 + "@example.com"
    number = "ß" * 60

    first = api.post("/members", registration_payload(email=email, registration_number=number))
    again = api.post(
        "/members", registration_payload(email=email.upper(), registration_number=number)
    )

    assert first.status_code == 201
    assert again.status_code == 409
    assert sorted(again.json()["error"]["fields"]) == ["email", "registration_number"]
    values = dict(MemberIdentifier.objects.exclude(kind="phone").values_list("kind", "value"))
    assert len(values["email"]) == 49
    assert values["email"].startswith("#")
    assert len(values["registration_number"]) == 52
    assert values["registration_number"].startswith("DE:#")
