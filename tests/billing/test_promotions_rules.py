"""Clause 2.6: the generalised second-price auction, ad quality and the click rules, as pure
functions of plain data."""

from decimal import Decimal

import pytest

from tradepost.billing.rules.promotions import (
    AdCandidate,
    ClickHistory,
    ad_auction,
    ad_quality,
    ad_relevance,
    budget_charge,
    click_decision,
)
from tradepost.policy import PolicyError
from tradepost.policy.promotions import (
    ClickBillingPolicy,
    load_promotions_policy,
    parse_promotions_policy,
)

CENT = Decimal("0.01")
MIN = Decimal("0.10")


def ad(pk, bid, quality, min_bid=MIN):
    return AdCandidate(pk, 100 + pk, Decimal(bid), min_bid, CENT, Decimal(quality))


def test_ads_rank_by_bid_times_quality_and_pay_what_keeps_their_position():
    ads = [ad(1, "1.00", "1.0"), ad(2, "0.80", "1.0"), ad(3, "2.00", "0.25")]

    slots = ad_auction(ads, slots=2)

    # scores: 1.00, 0.80, 0.50 -> ad 1 pays 0.80 + 0.01, ad 2 pays 0.50 / 1.0 + 0.01
    assert [(s.campaign_id, s.position, s.price) for s in slots] == [
        (1, 1, Decimal("0.81")),
        (2, 2, Decimal("0.51")),
    ]


def test_a_higher_quality_ad_outranks_a_higher_bid_and_pays_less_than_its_bid():
    ads = [ad(1, "1.00", "0.5"), ad(2, "0.60", "1.0")]

    slots = ad_auction(ads, slots=2)

    # ad 2 scores 0.60 over 0.50: it needs 0.50 / 1.0 + 0.01; ad 1 is last: minimum bid
    assert [(s.campaign_id, s.price) for s in slots] == [(2, Decimal("0.51")), (1, MIN)]


def test_the_price_is_capped_at_the_own_bid_and_at_least_the_minimum_bid():
    tie = ad_auction([ad(1, "0.50", "1.0"), ad(2, "0.50", "1.0")], slots=2)
    alone = ad_auction([ad(1, "3.00", "0.9")], slots=2)

    assert [(s.campaign_id, s.price) for s in tie] == [(1, Decimal("0.50")), (2, MIN)]
    assert [s.price for s in alone] == [MIN]


def test_bids_below_the_minimum_take_no_slot():
    assert ad_auction([ad(1, "0.05", "1.0")], slots=2) == []


def test_bids_in_different_currencies_compare_in_minimum_bids():
    usd = ad(1, "0.30", "1.0")  # 3 minimum bids
    cny = AdCandidate(2, 102, Decimal("1.40"), Decimal("0.70"), CENT, Decimal("1.0"))  # 2

    slots = ad_auction([cny, usd], slots=2)

    assert [(s.campaign_id, s.price) for s in slots] == [(1, Decimal("0.21")), (2, Decimal("0.70"))]


def test_quality_weighs_relevance_and_the_suppliers_rating():
    policy = load_promotions_policy().sponsored
    exact = ad_relevance(keywords={"steel flange"}, keys=("steel flange", "steel"), policy=policy)
    partial = ad_relevance(keywords={"steel"}, keys=("steel flange", "steel"), policy=policy)

    assert (exact, partial) == (Decimal("1.0"), Decimal("0.5"))
    assert ad_quality(relevance=exact, rating=Decimal("5"), policy=policy) == Decimal("1.0")
    assert ad_quality(relevance=partial, rating=None, policy=policy) == Decimal("0.54")


@pytest.mark.parametrize(
    ("client", "device", "billed_before", "outcome"),
    [
        (0, 0, False, "billed"),
        (4, 4, False, "billed"),
        (5, 0, False, "burst"),
        (0, 5, False, "burst"),
        (1, 1, True, "repeat"),
    ],
)
def test_click_rules(client, device, billed_before, outcome):
    policy = ClickBillingPolicy(burst_clicks=5, burst_seconds=60, window_hours=24)

    decision = click_decision(ClickHistory(client, device, billed_before), policy=policy)

    assert (decision.outcome, decision.bill) == (outcome, outcome == "billed")


def test_a_click_never_takes_more_than_the_rest_of_the_budget():
    assert budget_charge(price=Decimal("0.40"), budget=Decimal("1.00"), spent=Decimal("0.80")) == (
        Decimal("0.20")
    )
    assert budget_charge(price=Decimal("0.40"), budget=Decimal("1.00"), spent=Decimal("1.00")) == 0


def test_the_policy_refuses_bad_data():
    data = {
        "top_ranking": {"price_per_keyword_day": {"USD": "5.001"}},
        "sponsored": {"min_bid": {"USD": "0.10"}},
    }
    with pytest.raises(PolicyError, match="minor units"):
        parse_promotions_policy(data)
    data["top_ranking"] = {"price_per_keyword_day": {"USD": "5"}, "allocation": "lottery"}
    with pytest.raises(PolicyError, match="allocation"):
        parse_promotions_policy(data)
