"""Clause 2.1 contracting entity: every branch, the AliExpress override, and the overlaps."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradepost.members.rules import contracting_entity_for
from tradepost.policy import (
    COUNTRY_CODES,
    PolicyError,
    load_contracting_policy,
    parse_contracting_policy,
)

RJ = ["RU", "AZ", "AM", "BY", "GE", "KZ", "KG", "MD", "TM", "TJ", "UZ"]


@pytest.mark.parametrize(
    ("site", "country", "access", "entity", "rule"),
    [
        # 2.1 para 1: from mainland China, either site family.
        ("alibaba", "CN", "CN", "hangzhou", "from-mainland-china"),
        ("aliexpress", "CN", "CN", "hangzhou", "from-mainland-china"),
        # 2.1 para 2: Hong Kong or Macau.
        ("alibaba", "HK", "HK", "alibaba_hk", "from-hong-kong-or-macau"),
        ("alibaba", "MO", "MO", "alibaba_hk", "from-hong-kong-or-macau"),
        ("aliexpress", "HK", "DE", "alibaba_hk", "from-hong-kong-or-macau"),
        # 2.1 para 3 (a): elsewhere.
        ("alibaba", "DE", "DE", "alibaba_sg", "from-elsewhere"),
        ("alibaba", "US", "CN", "alibaba_sg", "from-elsewhere"),
        ("aliexpress", "FR", "FR", "alibaba_sg", "from-elsewhere"),
        ("alibaba", "RU", "RU", "alibaba_sg", "alibaba-access-from-relevant-jurisdiction"),
        ("alibaba", "RU", "DE", "alibaba_sg", "from-elsewhere"),
        # 2.1 para 3 (b) overlapping paras 1 and 2: (b) prevails (documented precedence).
        ("alibaba", "CN", "RU", "alibaba_sg", "alibaba-access-from-relevant-jurisdiction"),
        ("alibaba", "HK", "KZ", "alibaba_sg", "alibaba-access-from-relevant-jurisdiction"),
        ("alibaba", "MO", "UZ", "alibaba_sg", "alibaba-access-from-relevant-jurisdiction"),
        # 2.1 para 4: AliExpress override, by residence or by access, beats everything.
        ("aliexpress", "RU", "RU", "aliexpress_russia", "aliexpress-relevant-jurisdiction"),
        ("aliexpress", "KZ", "DE", "aliexpress_russia", "aliexpress-relevant-jurisdiction"),
        ("aliexpress", "DE", "BY", "aliexpress_russia", "aliexpress-relevant-jurisdiction"),
        ("aliexpress", "CN", "RU", "aliexpress_russia", "aliexpress-relevant-jurisdiction"),
        ("aliexpress", "HK", "AM", "aliexpress_russia", "aliexpress-relevant-jurisdiction"),
        ("aliexpress", "AM", "CN", "aliexpress_russia", "aliexpress-relevant-jurisdiction"),
    ],
)
def test_contracting_entity_branches(site, country, access, entity, rule):
    decision = contracting_entity_for(site=site, country=country, access_country=access)
    assert decision.entity.key == entity
    assert decision.rule_id == rule


def test_relevant_jurisdictions_are_those_of_clause_2_1():
    assert load_contracting_policy().sets["relevant_jurisdictions"] == frozenset(RJ)


def test_entities_carry_law_courts_and_notice_address_of_12_7_and_11_1():
    policy = load_contracting_policy()
    assert policy.entity("alibaba_sg").registration_number == "200720572D"
    assert policy.entity("aliexpress_russia").registration_number == "201917627W"
    assert "People's Republic of China" in policy.entity("hangzhou").governing_law
    assert "Yuhang" in policy.entity("hangzhou").courts
    assert "Russian Federation" in policy.entity("aliexpress_russia").governing_law
    assert "8 Shenton Way" in policy.entity("aliexpress_russia").notice_address
    assert "Times Square" in policy.entity("alibaba_hk").notice_address
    assert "Hong Kong" in policy.entity("alibaba_sg").governing_law


@given(
    site=st.sampled_from(["alibaba", "aliexpress"]),
    country=st.sampled_from(sorted(COUNTRY_CODES)),
    access=st.sampled_from(sorted(COUNTRY_CODES)),
)
def test_every_member_gets_exactly_one_decision(site, country, access):
    decision = contracting_entity_for(site=site, country=country, access_country=access)
    if site == "aliexpress" and (country in RJ or access in RJ):
        assert decision.entity.key == "aliexpress_russia"
    elif site == "alibaba" and access in RJ:
        assert decision.entity.key == "alibaba_sg"
    elif country == "CN":
        assert decision.entity.key == "hangzhou"
    elif country in ("HK", "MO"):
        assert decision.entity.key == "alibaba_hk"
    else:
        assert decision.entity.key == "alibaba_sg"


def _policy_data(**changes):
    import tomllib

    from tradepost.policy import POLICY_DIR

    data = tomllib.loads((POLICY_DIR / "contracting_entities.toml").read_text())
    data.update(changes)
    return data


def test_policy_rejects_rule_naming_unknown_entity():
    data = _policy_data()
    data["rules"][0]["entity"] = "nobody"
    with pytest.raises(PolicyError, match="unknown entity 'nobody'"):
        parse_contracting_policy(data)


def test_policy_rejects_unknown_country_code():
    data = _policy_data()
    data["sets"]["relevant_jurisdictions"].append("XX")
    with pytest.raises(PolicyError, match="unknown country codes"):
        parse_contracting_policy(data)


def test_operator_can_change_the_rules_by_data():
    data = _policy_data()
    data["sets"]["relevant_jurisdictions"].append("MN")
    policy = parse_contracting_policy(data)
    decision = contracting_entity_for(
        site="aliexpress", country="MN", access_country="MN", policy=policy
    )
    assert decision.entity.key == "aliexpress_russia"
