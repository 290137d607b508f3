"""Clause 2.1: the site family follows the host the visitor uses (policy/sites.toml); the
registration form asks only where no host maps."""

import pytest
from django.test import Client

from tests.factories import registration_payload
from tradepost.members.models import Member
from tradepost.policy import PolicyError, load_site_policy, parse_site_policy

pytestmark = pytest.mark.django_db


def _form_data(**overrides) -> dict:
    payload = registration_payload(**overrides)
    data = {k: ("on" if v is True else v) for k, v in payload.items() if v not in (False, None)}
    data["roles"] = ["buyer", "supplier"]
    data["password_confirm"] = data["password"]
    return data


def _client(host: str) -> Client:
    return Client(REMOTE_ADDR="198.51.100.30", HTTP_HOST=host)


@pytest.mark.parametrize(
    ("host", "site", "name"),
    [
        ("alibaba.tradepost.example", "alibaba", "Alibaba Sites"),
        ("aliexpress.tradepost.example", "aliexpress", "AliExpress Sites"),
        ("AliExpress.Tradepost.Example:8443", "aliexpress", "AliExpress Sites"),
    ],
)
def test_a_mapped_host_registers_on_its_site_without_asking(host, site, name):
    # given: a visitor on a host the operator mapped to a site family
    client = _client(host)

    # when: the registration page is shown
    page = client.get("/register/")

    # then: no site question, the site named from the policy data
    assert page.status_code == 200
    assert "site" not in page.context["form"].fields
    html = page.content.decode()
    assert 'name="site"' not in html
    assert f"You are registering on {name}." in html

    # when: the business registers, even naming another site in a forged field
    other = "alibaba" if site == "aliexpress" else "aliexpress"
    response = client.post("/register/", _form_data(email="host@firm.example", site=other))

    # then: the member is on the host's site family
    assert response.status_code == 302
    assert Member.objects.get(email="host@firm.example").site == site


@pytest.mark.parametrize("host", ["testserver", "localhost", "127.0.0.1"])
def test_an_unmapped_host_asks_for_the_site(host):
    # given: a host no site family is mapped to
    client = _client(host)

    # when
    page = client.get("/register/")

    # then: the form asks, and the answer decides
    assert next(iter(page.context["form"].fields)) == "site"
    assert "You are registering on" not in page.content.decode()
    response = client.post("/register/", _form_data(email="ask@firm.example", site="aliexpress"))
    assert response.status_code == 302
    assert Member.objects.get(email="ask@firm.example").site == "aliexpress"


def test_the_header_shows_the_brand_of_the_host_site():
    assert ">Tradepost · AliExpress Sites</a>" in (
        _client("aliexpress.tradepost.example").get("/about/").content.decode()
    )
    assert (
        '<a class="brand" href="/">Tradepost</a>'
        in _client("testserver").get("/about/").content.decode()
    )


def test_the_bundled_site_policy_maps_the_example_hosts_and_no_local_name():
    policy = load_site_policy()
    assert policy.hosts == {
        "alibaba.tradepost.example": "alibaba",
        "aliexpress.tradepost.example": "aliexpress",
    }
    assert policy.for_host("localhost") is None
    assert policy.for_host("alibaba.tradepost.example").name == "Alibaba Sites"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"sites": {"alibaba": {"name": "A"}}}, "have no entry"),
        (
            {
                "sites": {"alibaba": {"name": "A"}, "aliexpress": {"name": "B"}},
                "hosts": {"Shop.Example:80": "alibaba"},
            },
            "without port",
        ),
        (
            {
                "sites": {"alibaba": {"name": "A"}, "aliexpress": {"name": "B"}},
                "hosts": {"shop.example": "tmall"},
            },
            "Input should be 'alibaba' or 'aliexpress'",
        ),
    ],
)
def test_an_invalid_site_policy_is_refused_at_load(data, problem):
    with pytest.raises(PolicyError, match=r"sites\.toml") as exc:
        parse_site_policy(data)
    assert problem in str(exc.value)
