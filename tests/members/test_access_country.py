"""Clause 2.1 "access ... from": stated by the registrant, or revealed by a trusted edge header."""

import pytest

from tests.factories import registration_payload


@pytest.mark.django_db
def test_trusted_country_header_decides_access_when_not_stated(api, settings):
    settings.ACCESS_COUNTRY_HEADER = "CF-IPCountry"
    payload = registration_payload(country="CN", phone="+86 138 0013 0101")

    response = api.post("/members", payload, HTTP_CF_IPCOUNTRY="RU")

    assert response.status_code == 201, response.content
    assert response.json()["contracting_entity"]["clause"] == "2.1 para 3 (b)"


@pytest.mark.django_db
def test_stated_access_country_wins_over_the_header(api, settings):
    settings.ACCESS_COUNTRY_HEADER = "CF-IPCountry"
    payload = registration_payload(country="CN", access_country="CN", phone="+86 138 0013 0102")

    response = api.post("/members", payload, HTTP_CF_IPCOUNTRY="RU")

    assert response.json()["contracting_entity"]["clause"] == "2.1 para 1"


@pytest.mark.django_db
@pytest.mark.parametrize("header_value", ["XX", "T1", "", "ru; drop"])
def test_unknown_header_values_reveal_nothing(api, settings, header_value):
    settings.ACCESS_COUNTRY_HEADER = "CF-IPCountry"
    payload = registration_payload(country="CN", phone=f"+86 138 0013 {len(header_value):04d}")

    response = api.post("/members", payload, HTTP_CF_IPCOUNTRY=header_value)

    assert response.status_code == 201, response.content
    assert response.json()["access_country"] == "CN"


@pytest.mark.django_db
def test_header_is_ignored_unless_the_operator_configured_it(api, settings):
    settings.ACCESS_COUNTRY_HEADER = ""
    payload = registration_payload(country="CN", phone="+86 138 0013 0109")

    response = api.post("/members", payload, HTTP_CF_IPCOUNTRY="RU")

    assert response.json()["access_country"] == "CN"


@pytest.mark.django_db
def test_browser_line_breaks_do_not_make_a_revision(member_api):
    member_api.patch("/members/me", {"address": "1 Quay Road\r\nHamburg"})
    first = member_api.get("/members/me/revisions").json()

    member_api.patch("/members/me", {"address": "1 Quay Road\nHamburg"})

    assert member_api.get("/members/me").json()["address"] == "1 Quay Road\nHamburg"
    assert len(member_api.get("/members/me/revisions").json()) == len(first) == 1
