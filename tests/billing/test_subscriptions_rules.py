"""Pure rules of the service catalogue (issue 13): regional availability (2.3), the effect
of a change on current subscribers (2.4), periods and suspensions (5.9, 9.1), invoice sums."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tradepost.billing.rules import subscriptions as rules
from tradepost.billing.rules.subscriptions import ChangeEffect
from tradepost.policy import PolicyError
from tradepost.policy.paid_services import (
    PaidService,
    TaxLine,
    load_paid_services_policy,
    parse_paid_services_policy,
)

T0 = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def service(**overrides) -> PaidService:
    data = {"name": "Gold", "kind": "membership", "tier": "gold", **overrides}
    return PaidService.model_validate(data)


@pytest.mark.parametrize(
    ("regions", "state", "entity", "country", "offered", "rule"),
    [
        ({}, "launched", "hangzhou", "CN", True, "regions.everywhere"),
        ({"entities": ["alibaba_sg"]}, "launched", "alibaba_sg", "DE", True, "regions.entities"),
        ({"entities": ["alibaba_sg"]}, "launched", "hangzhou", "CN", False, "regions.not_listed"),
        (
            {"entities": ["alibaba_sg"], "countries": ["CN"]},
            "changed",
            "hangzhou",
            "cn",
            True,
            "regions.countries",
        ),
        (
            {"entities": ["alibaba_sg"], "exclude_countries": ["KP"]},
            "launched",
            "alibaba_sg",
            "KP",
            False,
            "regions.exclude_countries",
        ),
        ({}, "suspended", "alibaba_sg", "DE", False, "state.suspended"),
        ({}, "withdrawn", "alibaba_sg", "DE", False, "state.withdrawn"),
    ],
)
def test_regional_availability_names_its_rule(regions, state, entity, country, offered, rule):
    decision = rules.service_availability(
        service(regions=regions, state=state), entity=entity, country=country
    )
    assert (decision.offered, decision.rule, decision.clause) == (offered, rule, "2.3")


def test_the_bundled_catalogue_loads_with_unique_plans():
    policy = load_paid_services_policy()
    assert set(policy.services) == {
        "free_membership",
        "silver_membership",
        "gold_membership",
        "verification",
        "top_ranking",
        "sponsored_listing",
        "transaction_services",
    }
    found = policy.plan("gold-usd-12m")
    assert found is not None
    assert (found[0].key, found[1].price, found[1].months) == (
        "gold_membership",
        Decimal("2999.00"),
        12,
    )
    assert policy.service("free_membership").is_paid is False


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"regions": {"entities": ["nowhere"]}}, "unknown contracting entities"),
        ({"tier": "platinum"}, "unknown tier"),
        ({"agreement": "no_such_service"}, "not in services.toml"),
        ({"plans": [{"id": "x", "currency": "USD", "months": 1, "price": "1.001"}]}, "minor units"),
        ({"plans": [{"id": "x", "currency": "ZZZ", "months": 1, "price": "1"}]}, "ISO 4217"),
        ({"regions": {"countries": ["XX"]}}, "unknown country codes"),
    ],
)
def test_an_invalid_catalogue_is_refused_with_a_clear_error(patch, message):
    data = {"services": {"gold": {"name": "Gold", "kind": "membership", "tier": "gold", **patch}}}
    with pytest.raises(PolicyError, match=message):
        parse_paid_services_policy(data)


def test_duplicate_plan_ids_are_refused():
    plan = {"id": "same", "currency": "USD", "months": 1, "price": "1"}
    data = {
        "services": {
            "a": {"name": "A", "kind": "verification", "plans": [plan]},
            "b": {"name": "B", "kind": "verification", "plans": [plan]},
        }
    }
    with pytest.raises(PolicyError, match="duplicate plan id 'same'"):
        parse_paid_services_policy(data)


LIMITS = {
    "free": {"listing_cap": 50, "mailbox_quota_mb": 50, "quote_quota_month": 20},
    "silver": {"listing_cap": 500, "mailbox_quota_mb": 500, "quote_quota_month": 200},
    "gold": {
        "listing_cap": "unlimited",
        "mailbox_quota_mb": 2000,
        "quote_quota_month": "unlimited",
    },
}


BOOST_DOWN, BOOST_UP = ChangeEffect.REDUCTION, ChangeEffect.IMPROVEMENT


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"tier": "gold"}, {"tier": "silver"}, {"tier": ChangeEffect.REDUCTION}),
        ({"tier": "silver"}, {"tier": "gold"}, {"tier": ChangeEffect.IMPROVEMENT}),
        ({"badge": "Gold"}, {"badge": ""}, {"badge": ChangeEffect.REDUCTION}),
        ({"badge": ""}, {"badge": "Gold"}, {"badge": ChangeEffect.IMPROVEMENT}),
        ({"badge": "Gold"}, {"badge": "Gold Supplier"}, {"badge": ChangeEffect.UNCHANGED}),
        ({"search_boost": "1.5"}, {"search_boost": "1.2"}, {"search_boost": BOOST_DOWN}),
        ({"search_boost": "1.2"}, {"search_boost": "2"}, {"search_boost": BOOST_UP}),
    ],
)
def test_a_change_is_classified_per_benefit(before, after, expected):
    assert rules.benefit_change_effects(before, after, tier_limits=LIMITS) == expected


def test_reductions_wait_for_the_next_period_and_improvements_apply_at_once():
    snapshot = {"tier": "gold", "badge": "Gold Supplier", "search_boost": "1.5"}
    new = {"tier": "silver", "badge": "Gold Supplier", "search_boost": "2.0"}
    effects = rules.benefit_change_effects(snapshot, new, tier_limits=LIMITS)

    current = rules.benefits_for_current_period(snapshot, new, effects)

    assert current == {"tier": "gold", "badge": "Gold Supplier", "search_boost": "2.0"}


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2028, 1, 31, tzinfo=UTC), 1, datetime(2028, 2, 29, tzinfo=UTC)),
        (datetime(2026, 3, 15, tzinfo=UTC), 12, datetime(2027, 3, 15, tzinfo=UTC)),
        (datetime(2026, 11, 30, tzinfo=UTC), 3, datetime(2027, 2, 28, tzinfo=UTC)),
    ],
)
def test_periods_run_whole_calendar_months(start, months, end):
    assert rules.add_months(start, months) == end


def test_a_member_caused_suspension_does_not_extend_the_period():
    decision = rules.suspension_extension(
        cause="member",
        start=T0,
        end=T0 + timedelta(days=5),
        period_start=T0 - timedelta(days=10),
        period_end=T0 + timedelta(days=100),
    )
    assert (decision.extend_by, decision.clause) == (timedelta(0), "5.9")


@pytest.mark.parametrize(
    ("start_offset", "end_offset", "lost"),
    [
        (timedelta(days=1), timedelta(days=3), timedelta(days=2)),
        # Only the part inside the period counts.
        (timedelta(days=-5), timedelta(days=2), timedelta(days=2)),
        (timedelta(days=-5), timedelta(days=-1), timedelta(0)),
    ],
)
def test_a_platform_caused_suspension_extends_by_the_time_lost(start_offset, end_offset, lost):
    decision = rules.suspension_extension(
        cause="platform",
        start=T0 + start_offset,
        end=T0 + end_offset,
        period_start=T0,
        period_end=T0 + timedelta(days=30),
    )
    assert (decision.extend_by, decision.clause) == (lost, "9.1")


def test_invoice_amounts_round_each_tax_line_half_up():
    amounts = rules.invoice_amounts(
        net=Decimal("99.50"), currency="USD", taxes=[TaxLine(name="GST", rate=Decimal("0.09"))]
    )
    assert amounts.subtotal == Decimal("99.50")
    assert [(t.name, t.amount) for t in amounts.taxes] == [("GST", Decimal("8.96"))]
    assert amounts.total == Decimal("108.46")


def test_an_invoice_in_a_currency_without_decimals_rounds_to_units():
    amounts = rules.invoice_amounts(
        net=Decimal("1000"), currency="JPY", taxes=[TaxLine(name="VAT", rate=Decimal("0.085"))]
    )
    assert amounts.total == Decimal("1085")
