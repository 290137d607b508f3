"""Login, tokens, throttling, sessions and status (clauses 4.2, 4.3, 4.5; OWASP ASVS 2, 3)."""

import hashlib
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tests.conftest import ApiClient
from tests.factories import PASSWORD, member_create, registration_payload
from tests.members.conftest import login_token
from tradepost.errors import Conflict, InvalidInput
from tradepost.members import services
from tradepost.members.middleware import SESSION_SEEN, SESSION_STARTED
from tradepost.members.models import ApiToken, Member, MemberStatus, MemberStatusChange
from tradepost.trust.services import member_change_status

pytestmark = pytest.mark.django_db

COOLOFF = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def _login(client: ApiClient, login: str, password: str = PASSWORD, **extra):
    return client.post("/auth/login", {"login": login, "password": password}, **extra)


def _session_client(member) -> Client:
    """A browser-like client logged in through the API (session cookie only)."""
    client = Client(REMOTE_ADDR="198.51.100.10")
    r = client.post(
        "/api/v1/auth/login",
        {"login": member.member_id, "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 200
    return client


def _me(client: Client):
    return client.get("/api/v1/members/me")


# --- Login ----------------------------------------------------------------------------------


def test_login_by_member_id_answers_a_bearer_token(api, member):
    r = _login(api, member.member_id)

    assert r.status_code == 200
    body = r.json()
    assert body["member_id"] == member.member_id
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert token.name == "Login"
    me = ApiClient(token=body["token"]).get("/members/me")
    assert me.status_code == 200
    assert me.json()["member_id"] == member.member_id


@pytest.mark.parametrize("spelling", ["as-registered", "upper", "member-id-upper"])
def test_login_by_email_or_member_id_is_case_insensitive(api, member, spelling):
    login = {
        "as-registered": member.email,
        "upper": member.email.upper(),
        "member-id-upper": member.member_id.upper(),
    }[spelling]

    r = _login(api, login)

    assert r.status_code == 200
    assert r.json()["member_id"] == member.member_id


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("member", "wrong-password-123"),
        ("member", PASSWORD.upper()),
        ("member", ""),
        ("nobody@example.com", PASSWORD),
        ("de0000000000", PASSWORD),
        ("", PASSWORD),
        ("nul\x00byte@example.com", PASSWORD),
        ("member", "nul\x00byte"),
        ("control\x07char", PASSWORD),
    ],
)
def test_wrong_credentials_are_401_invalid_credentials(api, member, login, password):
    login = member.member_id if login == "member" else login

    r = _login(api, login, password)

    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_credentials"
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    "body", [{}, {"login": "x"}, {"password": "x"}, {"login": 1, "password": PASSWORD}]
)
def test_login_with_missing_or_wrong_typed_fields_is_422(api, body):
    r = api.post("/auth/login", body)

    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"


def test_no_authentication_is_401_json(api):
    r = api.get("/members/me")

    assert r.status_code == 401
    assert r.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Log in or send a valid API token.",
            "fields": {},
        }
    }


@pytest.mark.parametrize(
    "header", ["Bearer tp_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "tp_x", "Bearer x y"]
)
def test_bad_authorization_header_is_401(api, member, header):
    r = api.get("/members/me", HTTP_AUTHORIZATION=header)

    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"


def test_session_cookie_from_api_login_works(member):
    client = _session_client(member)

    r = _me(client)

    assert r.status_code == 200
    assert r.json()["member_id"] == member.member_id


def test_session_key_changes_at_login(member):
    client = Client(REMOTE_ADDR="198.51.100.10")
    planted = SessionStore()
    planted["visited"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    r = client.post(
        "/api/v1/auth/login",
        {"login": member.member_id, "password": PASSWORD},
        content_type="application/json",
    )

    assert r.status_code == 200
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted.session_key
    assert SessionStore().exists(planted.session_key) is False
    planted_client = Client()
    planted_client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert _me(planted_client).status_code == 401


def test_logout_revokes_the_token_used_and_only_that_one(member):
    first, second = login_token(member), login_token(member)

    r = ApiClient(token=first).post("/auth/logout")

    assert r.status_code == 200
    assert r.json() == {"ok": True}
    assert ApiClient(token=first).get("/members/me").status_code == 401
    assert ApiClient(token=second).get("/members/me").status_code == 200
    assert ApiToken.objects.get(prefix=first[:10]).revoked_at is not None
    assert ApiToken.objects.get(prefix=second[:10]).revoked_at is None


def test_logout_ends_the_session(member):
    client = _session_client(member)

    r = client.post("/api/v1/auth/logout")

    assert r.status_code == 200
    assert _me(client).status_code == 401


# --- Throttling (django-axes, keyed on account + address) ---------------------------------------


def test_five_failures_throttle_the_account_from_that_address(member):
    client = ApiClient(remote_addr="203.0.113.50")

    statuses = [
        _login(client, member.member_id, "wrong-password-123").status_code for _ in range(5)
    ]
    r = _login(client, member.member_id)

    assert statuses == [401, 401, 401, 401, 429]
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "login_throttled"
    assert r["Retry-After"] == COOLOFF
    assert ApiToken.objects.count() == 0


def test_member_id_and_email_share_one_throttle(member):
    client = ApiClient(remote_addr="203.0.113.51")
    for login in [member.member_id, member.email, member.email.upper(), member.member_id]:
        assert _login(client, login, "wrong-password-123").status_code == 401

    r = _login(client, member.email, "wrong-password-123")

    assert r.status_code == 429
    assert r.json()["error"]["code"] == "login_throttled"


def test_throttle_does_not_lock_the_account_out_from_elsewhere(member):
    attacker = ApiClient(remote_addr="203.0.113.52")
    for _ in range(6):
        _login(attacker, member.member_id, "wrong-password-123")

    r = _login(ApiClient(remote_addr="198.51.100.77"), member.member_id)

    assert _login(attacker, member.member_id).status_code == 429
    assert r.status_code == 200


def test_failures_spread_over_accounts_do_not_lock(db):
    members = [member_create() for _ in range(6)]
    client = ApiClient(remote_addr="203.0.113.53")
    for m in members:
        assert _login(client, m.member_id, "wrong-password-123").status_code == 401

    statuses = [_login(client, m.member_id).status_code for m in members]

    assert statuses == [200] * 6


def test_success_resets_the_failure_count(member):
    client = ApiClient(remote_addr="203.0.113.54")
    for _ in range(4):
        _login(client, member.member_id, "wrong-password-123")
    assert _login(client, member.member_id).status_code == 200

    statuses = [
        _login(client, member.member_id, "wrong-password-123").status_code for _ in range(4)
    ]

    assert statuses == [401] * 4


# --- Status: suspension, termination, reinstatement (4.5) -------------------------------------


@pytest.mark.parametrize("status", [MemberStatus.SUSPENDED, MemberStatus.TERMINATED])
def test_inactive_member_cannot_log_in(api, member, staff, status):
    member_change_status(member=member, to_status=status, reason="Breach.", by=staff)

    r = _login(api, member.member_id)

    assert r.status_code == 403
    error = r.json()["error"]
    assert error["code"] == "account_not_active"
    assert error["status"] == status
    assert f"This account is {status}" in error["message"]
    assert ApiToken.objects.count() == 0


def test_inactive_member_with_wrong_password_learns_nothing(api, member, staff):
    member_change_status(member=member, to_status="suspended", reason="x", by=staff)

    r = _login(api, member.member_id, "wrong-password-123")

    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_credentials"


def test_suspension_ends_live_sessions(member, staff):
    client = _session_client(member)
    assert _me(client).status_code == 200

    member_change_status(
        member=member, to_status=MemberStatus.SUSPENDED, reason="Multiple use (4.5).", by=staff
    )

    assert _me(client).status_code == 401


def test_suspension_revokes_every_api_token_at_once(member, staff):
    tokens = [login_token(member) for _ in range(2)]
    created = ApiClient(token=tokens[0]).post("/members/me/tokens", {"name": "ERP sync"})
    tokens.append(created.json()["token"])

    member_change_status(member=member, to_status="suspended", reason="x", by=staff)

    assert [ApiClient(token=t).get("/members/me").status_code for t in tokens] == [401] * 3
    assert ApiToken.objects.count() == 3
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert len(set(ApiToken.objects.values_list("revoked_at", flat=True))) == 1


def test_reinstatement_allows_login_but_old_tokens_stay_revoked(api, member, staff):
    old = login_token(member)
    member_change_status(member=member, to_status="suspended", reason="x", by=staff)

    member_change_status(member=member, to_status="active", reason="Cleared.", by=staff)
    r = _login(api, member.member_id)

    assert r.status_code == 200
    assert ApiClient(token=r.json()["token"]).get("/members/me").status_code == 200
    assert ApiClient(token=old).get("/members/me").status_code == 401
    assert ApiToken.objects.get(prefix=old[:10]).revoked_at is not None


def test_status_change_writes_an_audit_row(member, staff):
    updated = member_change_status(
        member=member, to_status="suspended", reason="  Shared account (4.5).  ", by=staff
    )

    change = MemberStatusChange.objects.get()
    assert (change.member, change.from_status, change.to_status) == (
        member,
        "active",
        "suspended",
    )
    assert change.reason == "Shared account (4.5)."
    assert change.changed_by == staff
    assert updated.status == "suspended"
    assert updated.status_reason == "Shared account (4.5)."
    assert updated.status_changed_at is not None
    assert updated.user.is_active is False


@pytest.mark.parametrize("reason", ["", "   ", None, "nul\x00"])
def test_status_change_requires_a_reason(member, staff, reason):
    with pytest.raises(InvalidInput) as excinfo:
        member_change_status(member=member, to_status="suspended", reason=reason, by=staff)

    assert list(excinfo.value.fields) == ["reason"]
    assert MemberStatusChange.objects.count() == 0
    member.refresh_from_db()
    assert member.status == "active"


def test_status_change_to_unknown_status_is_refused(member, staff):
    with pytest.raises(InvalidInput) as excinfo:
        member_change_status(member=member, to_status="banned", reason="x", by=staff)

    assert list(excinfo.value.fields) == ["status"]


@pytest.mark.parametrize(
    ("path", "to_status"),
    [([], "active"), (["terminated"], "active"), (["terminated"], "suspended")],
)
def test_impossible_status_changes_conflict(member, staff, path, to_status):
    for step in path:
        member_change_status(member=member, to_status=step, reason="x", by=staff)

    with pytest.raises(Conflict):
        member_change_status(member=member, to_status=to_status, reason="x", by=staff)

    assert MemberStatusChange.objects.count() == len(path)


# --- Personal API tokens ----------------------------------------------------------------------


def test_create_token_shows_the_secret_once_and_stores_only_its_hash(member_api):
    r = member_api.post("/members/me/tokens", {"name": "ERP sync"})

    assert r.status_code == 201
    body = r.json()
    secret = body["token"]
    token = ApiToken.objects.get(name="ERP sync")
    assert body["id"] == token.pk
    assert body["prefix"] == secret[:10] == token.prefix
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(getattr(token, f.attname)) for f in ApiToken._meta.fields}
    assert ApiClient(token=secret).get("/members/me").status_code == 200
    listed = member_api.get("/members/me/tokens").json()
    assert sorted(t["name"] for t in listed) == ["ERP sync", "Login"]
    assert all("token" not in t and "key_hash" not in t for t in listed)


def test_token_expires(member_api, member):
    token, raw = services.api_token_create(user=member.user, name="short", ttl=timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at)

    assert ApiClient(token=raw).get("/members/me").status_code == 401


@pytest.mark.parametrize("name", ["x" * 101, "bad\x00name", "esc\x1bname"])
def test_token_name_is_checked(member_api, name):
    r = member_api.post("/members/me/tokens", {"name": name})

    assert r.status_code == 422
    assert list(r.json()["error"]["fields"]) == ["name"]


def test_revoked_token_is_401(member_api):
    created = member_api.post("/members/me/tokens", {"name": "CI"}).json()

    r = member_api.delete(f"/members/me/tokens/{created['id']}")

    assert r.status_code == 200
    assert r.json()["revoked_at"] is not None
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None
    assert ApiClient(token=created["token"]).get("/members/me").status_code == 401


def test_revoking_another_members_token_is_404(member_api):
    other = member_create()
    other_token, raw = services.api_token_create(user=other.user, name="theirs")

    r = member_api.delete(f"/members/me/tokens/{other_token.pk}")

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert ApiToken.objects.get(pk=other_token.pk).revoked_at is None
    assert ApiClient(token=raw).get("/members/me").status_code == 200


def test_revoking_a_missing_token_is_404_alike(member_api):
    r = member_api.delete("/members/me/tokens/999999")

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


# --- Session timeouts (ASVS 3.3) ---------------------------------------------------------------


def _age_session(client: Client, *, started_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED] = now - started_ago
    session[SESSION_SEEN] = now - seen_ago
    session.save()


def test_idle_session_expires(member, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    client = _session_client(member)
    _age_session(client, started_ago=31 * 60, seen_ago=31 * 60)

    r = _me(client)

    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"
    assert _me(client).status_code == 401


def test_recently_used_session_stays(member, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    client = _session_client(member)
    _age_session(client, started_ago=3 * 60 * 60, seen_ago=29 * 60)

    assert _me(client).status_code == 200


def test_absolute_timeout_ends_even_an_active_session(member, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    settings.SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    client = _session_client(member)
    _age_session(client, started_ago=12 * 60 * 60 + 1, seen_ago=10)

    assert _me(client).status_code == 401


def test_activity_keeps_the_session_alive_until_the_absolute_limit(member, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    settings.SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=1)
    start = time.time()
    with mock.patch("time.time", return_value=start):
        client = _session_client(member)
    statuses = []

    for minutes in (20, 40, 59, 61):
        with mock.patch("time.time", return_value=start + minutes * 60):
            statuses.append(_me(client).status_code)

    assert statuses == [200, 200, 200, 401]


def test_short_idle_timeout_counts_from_the_last_request(member, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=30)
    start = time.time()
    with mock.patch("time.time", return_value=start):
        client = _session_client(member)
    statuses = []

    for seconds in (20, 40, 60, 100):
        with mock.patch("time.time", return_value=start + seconds):
            statuses.append(_me(client).status_code)

    assert statuses == [200, 200, 200, 401]


def test_session_timeout_on_a_page_does_not_fail(member, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    client = _session_client(member)
    _age_session(client, started_ago=31 * 60, seen_ago=31 * 60)

    r = client.get("/")

    assert r.status_code == 200
    assert "_auth_user_id" not in client.session


def test_bearer_token_is_not_subject_to_session_timeouts(member_api, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=30)

    with mock.patch("time.time", return_value=time.time() + 3600):
        r = member_api.get("/members/me")

    assert r.status_code == 200


# --- Client address behind proxies ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("192.0.2.9", "192.0.2.9"),
        ("10.0.0.1, 192.0.2.9", "192.0.2.9"),
        ("not-an-address", "198.51.100.10"),
        ("", "198.51.100.10"),
    ],
)
def test_registration_address_behind_one_trusted_proxy(api, settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1

    r = api.post("/members", registration_payload(), HTTP_X_FORWARDED_FOR=forwarded)

    assert r.status_code == 201
    assert Member.objects.get().registration_ip == expected


def test_throttle_with_unparseable_forwarded_address_is_not_a_500(member, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = ApiClient(remote_addr="198.51.100.10")

    statuses = [
        _login(
            client, member.member_id, "wrong-password-123", HTTP_X_FORWARDED_FOR="junk"
        ).status_code
        for _ in range(2)
    ]

    assert statuses == [401, 401]


# --- Every API answer is JSON -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("get", "/auth/login", "POST"), ("put", "/members/me", "GET, PATCH")],
)
def test_wrong_method_is_405_json(api, method, path, allow):
    r = api.call(method, path)

    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"
    assert sorted(r["Allow"].split(", ")) == sorted(allow.split(", "))


@pytest.mark.parametrize("path", ["/nope", "/members/me/", "/members/me/tokens/abc/extra"])
def test_unknown_api_path_is_404_json(api, path):
    r = api.post(path, {"x": 1})

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_login_from_a_cross_site_form_is_refused(member, content_type):
    body = f'{{"login": "{member.member_id}", "password": "{PASSWORD}"}}'
    client = Client(REMOTE_ADDR="198.51.100.10")

    r = client.post("/api/v1/auth/login", body, content_type=content_type)

    assert r.status_code == 415
    assert r.json()["error"]["code"] == "unsupported_media_type"
    assert "_auth_user_id" not in client.session
    assert ApiToken.objects.count() == 0


def test_json_with_a_charset_is_accepted(member):
    client = Client(REMOTE_ADDR="198.51.100.10")

    r = client.post(
        "/api/v1/auth/login",
        f'{{"login": "{member.member_id}", "password": "{PASSWORD}"}}',
        content_type="application/json; charset=utf-8",
    )

    assert r.status_code == 200


def test_session_authenticated_change_needs_the_csrf_token(member):
    client = Client(REMOTE_ADDR="198.51.100.10", enforce_csrf_checks=True)
    client.post(
        "/api/v1/auth/login",
        {"login": member.member_id, "password": PASSWORD},
        content_type="application/json",
    )

    r = client.patch(
        "/api/v1/members/me", {"company_name": "Forged Ltd"}, content_type="application/json"
    )

    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf_failed"
    member.refresh_from_db()
    assert member.company_name != "Forged Ltd"
