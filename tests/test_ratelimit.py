"""Clause 3.2: request rate limits per client address and per member, on Django's cache."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.conftest import ApiClient
from tests.factories import member_create
from tests.members.conftest import login_token
from tradepost import ratelimit

TWO_PER_MINUTE = {"search": {"address": "2/60", "member": ""}, "listing": {}}


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    """40 s into a 60 s window: 20 s to go."""
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1000.0)


def test_parse_rate():
    assert ratelimit.parse_rate("120/60") == ratelimit.Rate(limit=120, seconds=60)


@pytest.mark.parametrize("value", ["", "120", "a/b", "0/60", "10/0", "1/2/3"])
def test_a_bad_rate_is_a_configuration_error(value):
    with pytest.raises(ImproperlyConfigured):
        ratelimit.parse_rate(value)


def test_a_window_counts_up_to_its_limit_then_refuses():
    rate = ratelimit.Rate(limit=2, seconds=60)

    verdicts = [ratelimit.hit("k", rate, now=1200.0 + n) for n in range(3)]

    assert [(v.allowed, v.count) for v in verdicts] == [(True, 1), (True, 2), (False, 3)]
    assert verdicts[2].retry_after == 58


def test_the_next_window_starts_afresh():
    rate = ratelimit.Rate(limit=1, seconds=60)
    ratelimit.hit("k", rate, now=1259.0)

    verdict = ratelimit.hit("k", rate, now=1260.0)

    assert (verdict.allowed, verdict.count, verdict.retry_after) == (True, 1, 60)


def test_keys_count_apart():
    rate = ratelimit.Rate(limit=1, seconds=60)
    ratelimit.hit("a", rate, now=0.0)

    assert ratelimit.hit("b", rate, now=0.0).allowed is True
    assert ratelimit.hit("a", rate, now=0.0).allowed is False


@override_settings(RATE_LIMITS=TWO_PER_MINUTE)
def test_search_api_answers_429_with_retry_after_past_the_address_limit(db):
    api = ApiClient(remote_addr="198.51.100.1")

    statuses = [api.get("/listings?q=pan").status_code for _ in range(3)]
    refused = api.get("/listings?q=pan")

    assert statuses == [200, 200, 429]
    assert refused["Retry-After"] == "20"
    error = refused.json()["error"]
    assert (error["code"], error["fields"]) == ("rate_limited", {})
    assert error["retry_after"] == 20
    assert "clause 3.2" in error["message"]


@override_settings(RATE_LIMITS=TWO_PER_MINUTE)
def test_each_client_address_has_its_own_limit(db):
    first, second = ApiClient(remote_addr="198.51.100.1"), ApiClient(remote_addr="198.51.100.2")
    for _ in range(2):
        first.get("/listings")

    assert first.get("/listings").status_code == 429
    assert second.get("/listings").status_code == 200


@override_settings(
    RATE_LIMITS={"search": {"address": "100/60", "member": "2/60"}, "listing": {}},
    AXES_ENABLED=False,
)
def test_a_member_is_limited_across_addresses(db):
    member = member_create(country="DE")
    token = login_token(member)
    here, there = ApiClient(token, "198.51.100.1"), ApiClient(token, "198.51.100.2")
    anonymous = ApiClient(remote_addr="198.51.100.2")

    statuses = [here.get("/listings").status_code, there.get("/listings").status_code]

    assert statuses == [200, 200]
    assert here.get("/listings").status_code == 429
    assert there.get("/listings").status_code == 429
    assert anonymous.get("/listings").status_code == 200


@override_settings(RATE_LIMITS={"search": {}, "listing": {"address": "1/60"}})
def test_listing_reads_have_their_own_limit(db):
    api = ApiClient(remote_addr="198.51.100.1")

    statuses = [api.get("/listings/1").status_code for _ in range(2)]

    assert statuses == [404, 429]
    assert api.get("/listings").status_code == 200


@override_settings(RATE_LIMITS=TWO_PER_MINUTE)
def test_the_search_page_answers_429_with_a_message_page(client, db):
    for _ in range(2):
        assert client.get("/search/", REMOTE_ADDR="198.51.100.1").status_code == 200

    response = client.get("/search/", REMOTE_ADDR="198.51.100.1")

    assert response.status_code == 429
    assert response["Retry-After"] == "20"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Too many requests" in response.content.decode()
