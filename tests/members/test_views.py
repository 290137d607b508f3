"""Member pages: register, log in and out, account, tokens, referees, passwords (HTML)."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client, RequestFactory

from tests.factories import PASSWORD, member_create, registration_payload, staff_create
from tradepost.members import services
from tradepost.members.models import (
    ApiToken,
    BusinessReferee,
    Member,
    MemberStatus,
    ProfileRevision,
)
from tradepost.members.views import LOGIN_BACKEND, lockout_response
from tradepost.trust.services import member_change_status

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "orange-harbour-kettle-42"
DUPLICATE_MESSAGE = (
    "A member account already exists for this business. One user may hold one account "
    "(clause 4.1); contact support if you need staff approval for a second account."
)
INVALID_CHOICE = "Select a valid choice."
NOT_AVAILABLE = "is not one of the available choices."
LOCKOUT_MESSAGE = (
    "Too many failed login attempts for this account from your address. "
    "Try again later or reset your password."
)


def _form_data(**overrides) -> dict:
    """A registration as the browser posts it: checked boxes send "on", unchecked nothing."""
    payload = registration_payload(**overrides)
    data = {}
    for key, value in payload.items():
        if value is True:
            data[key] = "on"
        elif value is not False and value is not None:
            data[key] = value
    data.setdefault("roles", ["buyer", "supplier"])
    data.setdefault("password_confirm", data["password"])
    return data


def _client() -> Client:
    return Client(REMOTE_ADDR="198.51.100.20")


def _logged_in(member: Member) -> Client:
    client = _client()
    client.force_login(member.user, backend=LOGIN_BACKEND)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _profile_data(client: Client) -> dict:
    """The profile form as the account page fills it in."""
    initial = client.get("/account/").context["profile_form"].initial
    return {f"profile-{name}": value for name, value in initial.items()}


def _shown(response) -> list[str]:
    """The messages a rendered page displayed."""
    return [str(m) for m in response.context["messages"]]


def _field_errors(response, form: str = "form") -> dict:
    return {name: list(errors) for name, errors in response.context[form].errors.items()}


# --- Register -------------------------------------------------------------------------------


def test_register_page_shows_every_field():
    # when
    response = _client().get("/register/")

    # then
    assert response.status_code == 200
    assert list(response.context["form"].fields) == [
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
        "roles",
        "password",
        "password_confirm",
        "attest_legal_age",
        "attest_business_use",
        "accept_terms",
    ]
    assert b'<option value="DE">Germany</option>' in response.content


def test_register_creates_member_logs_in_and_redirects_to_account():
    # given
    client = _client()
    data = _form_data(email="new@firm.example", country="DE")

    # when
    response = client.post("/register/", data)

    # then
    member = Member.objects.get(email="new@firm.example")
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert _messages(response) == [
        f"Welcome to Tradepost. Your member ID is {member.member_id}: log in with it "
        "or with your email (clause 4.2)."
    ]
    assert client.session["_auth_user_id"] == str(member.user_id)
    assert member.access_country == "DE"
    assert member.roles == ["buyer", "supplier"]
    assert member.registration_ip == "198.51.100.20"
    account = client.get("/account/")
    assert account.status_code == 200
    assert member.member_id in account.content.decode()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            "attest_legal_age",
            "You must confirm you are of legal age to form a binding contract (clause 1.2).",
        ),
        (
            "attest_business_use",
            "Tradepost is for businesses only: confirm business use (clauses 5.1 b, 5.11).",
        ),
        ("accept_terms", "You must accept the Terms of Use to register (clause 1.1)."),
    ],
)
def test_register_without_an_attestation_shows_its_clause(field, message):
    # given
    data = _form_data()
    del data[field]

    # when
    response = _client().post("/register/", data)

    # then
    assert response.status_code == 200
    assert _field_errors(response) == {
        "__all__": ["Please correct the highlighted fields."],
        field: [message],
    }
    assert message in response.content.decode()
    assert Member.objects.count() == 0


def test_register_with_a_taken_email_shows_the_clause_4_1_message():
    # given
    member_create(email="taken@firm.example")
    data = _form_data(email="Taken+sales@firm.example")

    # when
    response = _client().post("/register/", data)

    # then
    assert response.status_code == 200
    assert _field_errors(response) == {
        "__all__": [DUPLICATE_MESSAGE],
        "email": ["This email already belongs to a member account."],
    }
    assert DUPLICATE_MESSAGE in response.content.decode()
    assert Member.objects.count() == 1


def test_register_with_an_unknown_country_shows_a_message():
    # given
    data = {**_form_data(country="DE"), "country": "XX"}

    # when
    response = _client().post("/register/", data)

    # then
    assert response.status_code == 200
    assert _field_errors(response) == {
        "country": ["Select a valid choice. XX is not one of the available choices."]
    }
    assert Member.objects.count() == 0


def test_register_shows_every_service_error_at_once():
    # given
    data = _form_data(company_name="  ", phone="12", password="short")
    del data["accept_terms"]
    data["password_confirm"] = "short"

    # when
    response = _client().post("/register/", data)

    # then
    errors = _field_errors(response)
    assert sorted(errors) == ["__all__", "accept_terms", "company_name", "password", "phone"]
    assert errors["company_name"] == ["Company legal name is required."]
    assert errors["phone"] == ["This phone number is not valid for its country."]
    assert errors["password"] == [
        "This password is too short. It must contain at least 12 characters."
    ]


def test_register_with_unanswered_selects_asks_to_choose():
    # given
    data = {**_form_data(), "business_type": "", "country": ""}

    # when
    response = _client().post("/register/", data)

    # then
    assert _field_errors(response) == {
        "__all__": ["Please correct the highlighted fields."],
        "business_type": ["Choose a business type."],
        "country": ["Choose a country."],
    }


def test_register_with_mismatched_passwords_shows_a_message():
    # given
    data = _form_data(password_confirm="something-else-entirely")

    # when
    response = _client().post("/register/", data)

    # then
    assert _field_errors(response) == {"password_confirm": ["The two passwords do not match."]}
    assert Member.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"company_name": "Acme\x00Ltd"}, "company_name", "Null characters are not allowed."),
        ({"contact_name": "Ann\x07Lee"}, "contact_name", "contains control characters"),
        (
            {"company_name": "Acme\u202eLtd"},
            "company_name",
            "The text contains invisible or text-direction formatting characters (U+202E); "
            "names and titles must read as they are written.",
        ),
        ({"site": "temu"}, "site", f"{INVALID_CHOICE} temu {NOT_AVAILABLE}"),
        ({"roles": ["seller"]}, "roles", f"{INVALID_CHOICE} seller {NOT_AVAILABLE}"),
    ],
)
def test_register_bad_input_is_a_message_not_a_500(overrides, field, message):
    # when
    response = _client().post("/register/", _form_data(**overrides))

    # then
    assert response.status_code == 200
    assert _field_errors(response)[field] == [message]


def test_register_without_roles_asks_for_one():
    # given
    data = _form_data()
    del data["roles"]

    # when
    response = _client().post("/register/", data)

    # then
    assert _field_errors(response)["roles"] == [
        "Roles must be a non-empty list of 'buyer' and/or 'supplier'."
    ]


# --- Login and logout -----------------------------------------------------------------------


def test_login_with_email_starts_a_session_and_opens_the_account():
    # given
    member = member_create(email="login@firm.example")
    client = _client()

    # when
    response = client.post("/login/", {"login": "LOGIN@firm.example", "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert client.session["_auth_user_id"] == str(member.user_id)
    assert client.get("/account/").status_code == 200


def test_login_follows_a_local_next_but_not_an_external_one(member):
    # when
    local = _client().post(
        "/login/?next=/account/%23api-tokens",
        {"login": member.member_id, "password": PASSWORD},
    )
    external = _client().post(
        "/login/?next=https://evil.example/",
        {"login": member.member_id, "password": PASSWORD},
    )

    # then
    assert local["Location"] == "/account/#api-tokens"
    assert external["Location"] == "/account/"


def test_login_with_a_wrong_password_shows_a_message(member):
    # when
    response = _client().post("/login/", {"login": member.member_id, "password": "wrong-one"})

    # then
    assert response.status_code == 200
    assert _field_errors(response) == {"__all__": ["The member ID/email or password is incorrect."]}
    assert "_auth_user_id" not in response.wsgi_request.session


def test_login_of_a_suspended_member_says_so(member):
    # given
    staff = staff_create(username="trust-agent")
    member_change_status(member=member, to_status="suspended", reason="x", by=staff)

    # when
    response = _client().post("/login/", {"login": member.member_id, "password": PASSWORD})

    # then
    assert response.status_code == 200
    assert _field_errors(response) == {
        "__all__": [
            "This account is suspended; it cannot log in or use the API. "
            "Contact support if you believe this is wrong."
        ]
    }


def test_repeated_failed_logins_give_a_429_page(member):
    # given
    client = _client()
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        client.post("/login/", {"login": member.email, "password": "wrong"}).status_code
        for _ in range(limit - 1)
    ]

    # when
    locked = client.post("/login/", {"login": member.member_id, "password": "wrong"})
    still_locked = client.post("/login/", {"login": member.member_id, "password": PASSWORD})

    # then
    assert statuses == [200] * (limit - 1)
    assert locked.status_code == 429
    assert still_locked.status_code == 429
    assert still_locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert still_locked.context["throttled"] == LOCKOUT_MESSAGE
    assert LOCKOUT_MESSAGE in still_locked.content.decode()
    assert "_auth_user_id" not in still_locked.wsgi_request.session


def test_lockout_response_for_a_page_is_a_429_page():
    # given
    request = RequestFactory().post("/login/")

    # when
    response = lockout_response(request, None, {"login": "someone"})

    # then
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()


def test_logout_needs_a_post_and_ends_the_session(member):
    # given
    client = _logged_in(member)

    # when
    confirm = client.get("/logout/")
    response = client.post("/logout/")

    # then
    assert confirm.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _messages(response) == ["You are logged out."]
    assert client.get("/account/")["Location"] == "/login/?next=/account/"


# --- Account ----------------------------------------------------------------------------------


def test_account_shows_contracting_entity_law_courts_and_notice_address():
    # given
    member = member_create(country="DE")

    # when
    response = _logged_in(member).get("/account/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["entity"] == {
        "name": "Alibaba.com Singapore E-Commerce Private Limited",
        "registration_number": "200720572D",
        "governing_law": "Laws of the Hong Kong Special Administrative Region, without regard "
        "to its conflict of law provisions",
        "courts": "Hong Kong courts (exclusive jurisdiction, except as otherwise stipulated "
        "under applicable law)",
        "notice_address": "Alibaba.com Singapore E-Commerce Private Limited, 26/F Tower One, "
        "Times Square, 1 Matheson Street, Causeway Bay, Hong Kong, Attn: Legal Department",
        "clause": "2.1 para 3 (a)",
    }
    assert "Alibaba.com Singapore E-Commerce Private Limited" in html
    assert "200720572D" in html
    assert "clause 2.1 para 3 (a)" in html
    assert "Attn: Legal Department" in html
    assert member.member_id in html


def test_account_for_staff_without_a_member_explains_itself():
    # given
    client = _client()
    client.force_login(staff_create(username="operator"), backend=LOGIN_BACKEND)

    # when
    response = client.get("/account/")
    post = client.post("/account/tokens/", {"token-name": "x"})

    # then
    assert response.status_code == 200
    assert response.templates[0].name == "members/account_no_member.html"
    assert "an account without a member profile (operator staff)" in response.content.decode()
    assert post.status_code == 403
    assert ApiToken.objects.count() == 0


def test_account_sub_forms_ask_htmx_to_log_in_again_when_logged_out():
    # when
    response = _client().post("/account/tokens/", {"token-name": "x"}, HTTP_HX_REQUEST="true")

    # then
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/?next=/account/"


def test_profile_edit_creates_a_revision(member):
    # given
    client = _logged_in(member)
    data = _profile_data(client)
    data["profile-roles"] = ["buyer"]
    data["profile-contact_name"] = "Dana Example"

    # when
    response = client.post("/account/profile/", data)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/account/#profile"
    assert _messages(response) == ["Your profile is saved (clause 5.2)."]
    revision = ProfileRevision.objects.get(member=member)
    assert revision.changed_by == member.user
    assert revision.changes == {
        "contact_name": [member.contact_name, "Dana Example"],
        "roles": [["buyer", "supplier"], ["buyer"]],
    }
    history = client.get("/account/").context["revisions"]
    assert history[0]["changes"] == [
        {"field": "Contact person", "old": member.contact_name, "new": "Dana Example"},
        {"field": "Roles", "old": "buyer, supplier", "new": "buyer"},
    ]


def test_profile_resaved_from_a_browser_records_no_revision():
    # given: an address with a line break, which browsers post back as CRLF
    member = member_create(address="Industriestr. 5\n50667 Köln")
    client = _logged_in(member)
    data = _profile_data(client)
    data["profile-address"] = "Industriestr. 5\r\n50667 Köln"

    # when
    response = client.post("/account/profile/", data)

    # then
    assert response.status_code == 302
    assert ProfileRevision.objects.filter(member=member).count() == 0


def test_profile_edit_with_bad_phone_shows_the_error(member):
    # given
    client = _logged_in(member)
    data = _profile_data(client)
    data["profile-phone"] = "not a phone"

    # when
    response = client.post("/account/profile/", data)

    # then
    assert response.status_code == 200
    assert _field_errors(response, "profile_form") == {
        "__all__": ["Please correct the highlighted fields."],
        "phone": ["Enter a valid phone number, e.g. +86 571 8502 2088."],
    }
    assert ProfileRevision.objects.count() == 0


def test_token_create_shows_the_secret_once(member):
    # given
    client = _logged_in(member)

    # when
    response = client.post("/account/tokens/", {"token-name": "ERP sync"})

    # then
    token = ApiToken.objects.get(user=member.user)
    secret = response.context["new_token_secret"]
    assert response.status_code == 200
    assert token.name == "ERP sync"
    assert ApiToken.hash_key(secret) == token.key_hash
    assert response.content.decode().count(secret) == 1
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    again = client.get("/account/")
    assert secret not in again.content.decode()
    assert token.prefix in again.content.decode()


def test_token_revoke_revokes_only_own_tokens(member):
    # given
    other = member_create()
    mine, _ = services.api_token_create(user=member.user, name="mine")
    theirs, _ = services.api_token_create(user=other.user, name="theirs")
    client = _logged_in(member)

    # when
    revoked = client.post(f"/account/tokens/{mine.pk}/revoke/", follow=True)
    refused = client.post(f"/account/tokens/{theirs.pk}/revoke/", follow=True)

    # then
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert revoked.redirect_chain == [("/account/#api-tokens", 302)]
    assert _shown(revoked) == [f"The API token “mine” ({mine.prefix}…) is revoked."]
    assert mine.revoked_at is not None
    assert _shown(refused) == ["No such API token."]
    assert theirs.revoked_at is None


def test_referee_add_and_remove(member):
    # given
    client = _logged_in(member)

    # when
    added = client.post(
        "/account/referees/",
        {
            "referee-name": "Lee Wong",
            "referee-company": "Wong Trading",
            "referee-email": "lee@wong.example",
            "referee-relationship": "Supplier since 2019",
            "referee-consent_given": "on",
        },
    )
    referee = BusinessReferee.objects.get(member=member)
    client.get("/account/")
    removed = client.post(f"/account/referees/{referee.pk}/remove/", follow=True)

    # then
    assert added["Location"] == "/account/#referees"
    assert _messages(added) == ["Lee Wong is listed as a business referee."]
    assert (referee.name, referee.company, referee.consent_given) == (
        "Lee Wong",
        "Wong Trading",
        True,
    )
    assert referee.consent_recorded_at is not None
    assert removed.redirect_chain == [("/account/#referees", 302)]
    assert _shown(removed) == ["The business referee is removed."]
    assert BusinessReferee.objects.filter(member=member).count() == 0


def test_referee_add_with_bad_email_shows_the_error(member):
    # when
    response = _logged_in(member).post(
        "/account/referees/", {"referee-name": "Lee", "referee-email": "not-an-email"}
    )

    # then
    assert response.status_code == 200
    assert _field_errors(response, "referee_form") == {
        "__all__": ["Please correct the highlighted fields."],
        "email": ["Enter a valid email address."],
    }
    assert BusinessReferee.objects.count() == 0


def test_referee_remove_of_another_members_referee_is_refused(member):
    # given
    other = member_create()
    theirs = services.referee_add(member=other, name="Kept", consent_given=True)

    # when
    response = _logged_in(member).post(f"/account/referees/{theirs.pk}/remove/")

    # then
    assert _messages(response) == ["No such referee."]
    assert BusinessReferee.objects.filter(pk=theirs.pk).count() == 1


# --- Passwords -------------------------------------------------------------------------------


def test_password_change_keeps_this_session_and_ends_others(member):
    # given
    client = _client()
    client.post("/login/", {"login": member.member_id, "password": PASSWORD})
    other_session = _client()
    other_session.post("/login/", {"login": member.member_id, "password": PASSWORD})

    # when
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    # then
    member.user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/account/password/done/"
    assert member.user.check_password(NEW_PASSWORD)
    assert client.get("/account/").status_code == 200
    assert other_session.get("/account/")["Location"] == "/login/?next=/account/"


def test_password_change_with_wrong_old_password_shows_a_message(member):
    # when
    response = _logged_in(member).post(
        "/account/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    # then
    assert response.status_code == 200
    assert _field_errors(response) == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }


def test_password_reset_mails_a_link_that_sets_a_new_password():
    # given
    member = member_create(email="reset@firm.example")
    client = _client()

    # when
    response = client.post("/password-reset/", {"email": "reset@firm.example"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reset@firm.example"]
    assert message.subject == "Reset your Tradepost password"
    assert member.member_id in message.body
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/password-reset/complete/"
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same():
    # when
    response = _client().post("/password-reset/", {"email": "nobody@firm.example"})

    # then
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 0


def test_password_reset_for_a_suspended_member_sends_nothing(member):
    # given
    staff = staff_create(username="trust-agent")
    member_change_status(member=member, to_status="suspended", reason="x", by=staff)

    # when
    _client().post("/password-reset/", {"email": member.email})

    # then
    assert Member.objects.get(pk=member.pk).status == MemberStatus.SUSPENDED
    assert len(mail.outbox) == 0
