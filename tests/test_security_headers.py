"""Content-Security-Policy on every answer, and no-store on every authenticated one."""

import pytest

from tests.conftest import ApiClient
from tests.factories import member_create
from tests.members.conftest import login_token
from tradepost.trust.middleware import DEVICE_COOKIE

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
RETURNING_DEVICE = "0123456789abcdef" * 2
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
POLICY = (
    "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; "
    "script-src 'self'; style-src 'self'"
)


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize(
    "path", ["/", "/login/", "/register/", "/api/v1/docs", "/api/v1/openapi.json", "/api/v1/x"]
)
def test_every_page_and_api_answer_carries_the_policy(client, db, path):
    response = client.get(path)

    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)


def test_the_policy_allows_no_inline_script_or_style(client, db):
    directives = _directives(client.get("/")["Content-Security-Policy"])

    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]


def test_the_api_docs_use_the_local_swagger_bundle(client, db):
    response = client.get("/api/v1/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "cdn.jsdelivr.net" not in html


@pytest.mark.parametrize("path", ["/members/me", "/members/me/tokens", "/my/listings", "/notices"])
def test_authenticated_api_answers_are_never_stored(db, path):
    member = member_create(roles=["supplier"])
    api = ApiClient(token=login_token(member))

    response = api.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == NEVER_CACHE


@pytest.mark.parametrize("path", ["/notices/", "/account/", "/my/listings/", "/"])
def test_authenticated_pages_are_never_stored(client, db, path):
    member = member_create(roles=["supplier"])
    client.force_login(member.user, backend=LOGIN_BACKEND)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == NEVER_CACHE


def test_a_refused_token_does_not_count_as_signed_in(db):
    api = ApiClient(token="tp_not-a-token")
    api.client.cookies[DEVICE_COOKIE] = RETURNING_DEVICE
    response = api.get("/members/me")

    assert response.status_code == 401
    assert "Cache-Control" not in response


def test_anonymous_public_pages_may_be_cached(client, db):
    # A returning visitor's page; a first visit's also hands out a device id, so it is
    # private (kept by the browser, never by a shared cache: tests/trust/test_links.py).
    client.cookies[DEVICE_COOKIE] = RETURNING_DEVICE
    response = client.get("/terms/history")

    assert response.status_code == 200
    assert "Cache-Control" not in response
