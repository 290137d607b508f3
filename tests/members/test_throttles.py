"""Abuse throttles per client address: registration, password reset, failed logins across
accounts (tradepost.ratelimit), on top of django-axes' account-plus-address lockout."""

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import ApiClient
from tests.factories import PASSWORD, member_create, registration_payload
from tests.members.test_views import _form_data
from tradepost import ratelimit
from tradepost.members.models import ApiToken, Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings, monkeypatch):
    """Two per minute for each scope; 40 s into a 60 s window, so 20 s to go."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "registration": {"address": "2/60"},
        "password_reset": {"address": "2/60"},
        "login_failure": {"address": "3/60"},
    }
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1000.0)


def _login(client: ApiClient, login: str, password: str = PASSWORD):
    return client.post("/auth/login", {"login": login, "password": password})


def test_api_registration_is_throttled_per_address():
    client = ApiClient(remote_addr="203.0.113.60")
    statuses = [client.post("/members", registration_payload()).status_code for _ in range(2)]

    response = client.post("/members", registration_payload(email="third@firm.example"))

    assert statuses == [201, 201]
    assert response.status_code == 429
    assert response["Retry-After"] == "20"
    assert response.json()["error"] == {
        "code": "rate_limited",
        "message": "Too many registrations from your address. Try again in 20 seconds.",
        "fields": {},
        "retry_after": 20,
    }
    assert Member.objects.filter(email="third@firm.example").count() == 0


def test_api_registration_from_another_address_is_not_throttled():
    for _ in range(2):
        ApiClient(remote_addr="203.0.113.61").post("/members", registration_payload())

    response = ApiClient(remote_addr="203.0.113.62").post("/members", registration_payload())

    assert response.status_code == 201


def test_the_registration_page_is_throttled_per_address_on_post_only():
    client = Client(REMOTE_ADDR="203.0.113.63")
    for n in range(2):
        client.post("/register/", _form_data(email=f"r{n}@firm.example"))
        client.logout()

    refused = client.post("/register/", _form_data(email="r9@firm.example"))
    form = client.get("/register/")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"
    assert "Too many registrations from your address. Try again in 20 seconds." in (
        refused.content.decode()
    )
    assert Member.objects.filter(email="r9@firm.example").count() == 0
    assert form.status_code == 200


def test_password_reset_requests_are_throttled_per_address():
    member_create(email="reset@firm.example")
    client = Client(REMOTE_ADDR="203.0.113.64")
    statuses = [
        client.post("/password-reset/", {"email": "reset@firm.example"}).status_code
        for _ in range(2)
    ]

    refused = client.post("/password-reset/", {"email": "reset@firm.example"})

    assert statuses == [302, 302]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"
    assert "Too many password-reset requests from your address." in refused.content.decode()
    assert len(mail.outbox) == 2


def test_failed_logins_across_accounts_are_throttled_per_address():
    members = [member_create() for _ in range(4)]
    client = ApiClient(remote_addr="203.0.113.65")
    statuses = [_login(client, m.member_id, "wrong-password-123").status_code for m in members]

    response = _login(client, members[3].member_id)

    assert statuses == [401, 401, 401, 429]
    assert response.status_code == 429
    assert response["Retry-After"] == "20"
    assert response.json()["error"]["code"] == "login_throttled"
    assert response.json()["error"]["message"] == (
        "Too many failed login attempts from your address. Try again in 20 seconds "
        "or reset your password."
    )
    assert ApiToken.objects.count() == 0


def test_the_address_throttle_leaves_other_addresses_alone():
    members = [member_create() for _ in range(3)]
    attacker = ApiClient(remote_addr="203.0.113.66")
    for m in members:
        _login(attacker, m.member_id, "wrong-password-123")

    response = _login(ApiClient(remote_addr="198.51.100.78"), members[0].member_id)

    assert _login(attacker, members[0].member_id).status_code == 429
    assert response.status_code == 200


def test_successful_logins_do_not_count_against_the_address():
    member = member_create()
    client = ApiClient(remote_addr="203.0.113.67")

    statuses = [_login(client, member.member_id).status_code for _ in range(5)]

    assert statuses == [200] * 5


def test_the_login_page_shows_the_address_throttle():
    members = [member_create() for _ in range(3)]
    client = Client(REMOTE_ADDR="203.0.113.68")
    for m in members:
        client.post("/login/", {"login": m.member_id, "password": "wrong-password-123"})

    response = client.post("/login/", {"login": members[0].member_id, "password": PASSWORD})

    assert response.status_code == 429
    assert response["Retry-After"] == "20"
    assert "Too many failed login attempts from your address." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("scope", ["registration", "password_reset", "login_failure"])
def test_an_empty_limit_turns_the_throttle_off(settings, scope):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: {"address": ""}}
    client = ApiClient(remote_addr="203.0.113.69")
    request = client.client.get("/").wsgi_request

    for _ in range(5):
        ratelimit.failure_record(request, scope)
        ratelimit.failure_check(request, scope, message="{retry_after}", code="x")
        ratelimit.check_request(request, scope)
