"""Subscription periods (issue 13): a change to a paid service (2.4), suspensions caused by
the member (5.9) or by the platform (9.1), renewal and lapse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.billing.subscriptions_helpers import DecliningProvider, supplier
from tests.factories import staff_create
from tradepost.billing.models import Invoice, ServiceChange, Subscription
from tradepost.billing.selectors.subscriptions import (
    member_active_plan,
    member_membership_benefits,
    services_offered,
)
from tradepost.billing.services import subscriptions as services
from tradepost.billing.tasks import renew_due_subscriptions
from tradepost.catalog.models import SupplierProfile
from tradepost.catalog.selectors import supplier_listing_cap
from tradepost.errors import InvalidInput
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.payments import set_payment_provider

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _provider():
    yield
    set_payment_provider(None)


def tier_of(member) -> str:
    return SupplierProfile.objects.get(member=member).membership_tier


def start(member, plan_id="gold-usd-12m", now=T0) -> Subscription:
    return services.subscription_start(
        member=member, plan_id=plan_id, by=None, now=now
    ).subscription


# --- Clause 2.4 -------------------------------------------------------------------------------


def test_a_reduction_reaches_current_subscribers_only_from_their_next_period():
    member = supplier()
    sub = start(member)
    staff = staff_create(username="product")

    change = services.service_change(
        service_key="gold_membership",
        benefits={"tier": "silver", "badge": ""},
        by=staff,
        reason="Gold becomes Silver",
    )

    assert change.effects == {
        "badge": "reduction",
        "search_boost": "unchanged",
        "tier": "reduction",
    }
    assert change.subscribers == 1
    sub.refresh_from_db()
    assert sub.benefits == {"tier": "gold", "badge": "Gold Supplier", "search_boost": "1.5"}
    assert tier_of(member) == "gold"
    # New subscribers get the changed service at once.
    offered = {o.service.key: o for o in services_offered(country="DE")}
    assert offered["gold_membership"].benefits["tier"] == "silver"
    # At the next period the reduction applies.
    services.subscription_renew(subscription=sub, now=sub.period_end)
    sub.refresh_from_db()
    assert (sub.status, sub.renewals, sub.benefits["tier"], sub.benefits["badge"]) == (
        "active",
        1,
        "silver",
        "",
    )
    assert tier_of(member) == "silver"


def test_an_improvement_applies_to_current_subscribers_at_once():
    member = supplier()
    sub = start(member, "silver-usd-12m")

    change = services.service_change(
        service_key="silver_membership", benefits={"tier": "gold", "search_boost": "2"}, by=None
    )

    sub.refresh_from_db()
    assert change.effects["tier"] == "improvement"
    assert (sub.benefits["tier"], sub.benefits["search_boost"]) == ("gold", "2")
    assert tier_of(member) == "gold"
    assert member_membership_benefits(member)["search_boost"] == "2"


@pytest.mark.parametrize(
    ("benefits", "field"),
    [({"tier": "platinum"}, "tier"), ({"search_boost": "0.5"}, "search_boost"), ({"x": "1"}, "x")],
)
def test_an_invalid_change_is_refused_and_nothing_is_recorded(benefits, field):
    with pytest.raises(InvalidInput) as refused:
        services.service_change(service_key="gold_membership", benefits=benefits, by=None)

    assert list(refused.value.fields) == [field]
    assert ServiceChange.objects.count() == 0


# --- The tier as one source of truth ----------------------------------------------------------


def test_the_listing_cap_follows_the_plan_and_falls_back_when_it_lapses():
    member = supplier()
    assert supplier_listing_cap(member=member)["cap"] == 50
    sub = start(member, "silver-usd-1m")
    assert supplier_listing_cap(member=member)["cap"] == 500

    services.subscription_cancel(subscription=sub, member=member)
    services.subscription_renew(subscription=sub, now=sub.period_end)

    sub.refresh_from_db()
    assert (sub.status, sub.lapsed_at) == ("lapsed", sub.period_end)
    assert tier_of(member) == "free"
    assert supplier_listing_cap(member=member)["cap"] == 50
    assert member_active_plan(member) is None


def test_an_upgrade_supersedes_the_running_membership():
    member = supplier()
    silver = start(member, "silver-usd-12m")

    gold = start(member, "gold-usd-12m", now=T0 + timedelta(days=3))

    silver.refresh_from_db()
    assert silver.status == "lapsed"
    assert member_active_plan(member) == gold
    assert tier_of(member) == "gold"


# --- Suspensions (5.9, 9.1) -------------------------------------------------------------------


def test_a_member_caused_suspension_does_not_extend_the_period():
    sub = start(supplier())
    end_before = sub.period_end

    row = services.subscription_suspend(
        subscription=sub, cause="member", start=T0 + timedelta(days=10), end=T0 + timedelta(days=20)
    )

    sub.refresh_from_db()
    assert (row.clause, row.extended_by) == ("5.9", timedelta(0))
    assert sub.period_end == end_before


def test_a_platform_caused_suspension_extends_the_period_by_the_time_lost():
    sub = start(supplier())
    end_before = sub.period_end

    row = services.subscription_suspend(
        subscription=sub,
        cause="platform",
        start=T0 + timedelta(days=10),
        end=T0 + timedelta(days=12, hours=6),
        reason="Maintenance ran past its published window",
    )

    sub.refresh_from_db()
    assert (row.clause, row.extended_by) == ("9.1", timedelta(days=2, hours=6))
    assert sub.period_end == end_before + timedelta(days=2, hours=6)


@pytest.mark.parametrize(
    ("cause", "start_days", "end_days", "field"),
    [("weather", 1, 2, "cause"), ("platform", 2, 1, "end")],
)
def test_an_invalid_suspension_is_refused(cause, start_days, end_days, field):
    sub = start(supplier())

    with pytest.raises(InvalidInput) as refused:
        services.subscription_suspend(
            subscription=sub,
            cause=cause,
            start=T0 + timedelta(days=start_days),
            end=T0 + timedelta(days=end_days),
        )

    assert list(refused.value.fields) == [field]


# --- Renewal ----------------------------------------------------------------------------------


def test_the_renewal_task_charges_the_next_period_and_invoices_it():
    member = supplier()
    sub = services.subscription_start(
        member=member, plan_id="silver-usd-1m", by=None, now=datetime(2026, 1, 31, tzinfo=UTC)
    ).subscription
    assert sub.period_end == datetime(2026, 2, 28, tzinfo=UTC)

    handled = services.subscriptions_renew_due(now=datetime(2026, 3, 1, tzinfo=UTC))

    sub.refresh_from_db()
    assert handled == 1
    assert (sub.period_start, sub.period_end, sub.renewals) == (
        datetime(2026, 2, 28, tzinfo=UTC),
        datetime(2026, 3, 28, tzinfo=UTC),
        1,
    )
    numbers = list(Invoice.objects.order_by("sequence").values_list("number", "total"))
    assert numbers == [
        ("ALIBABA_SG-2026-000001", Decimal("107.91")),
        ("ALIBABA_SG-2026-000002", Decimal("107.91")),
    ]
    assert sorted(
        LedgerTransaction.objects.filter(reference=f"subscriptions:{sub.pk}").values_list(
            "dedupe_key", flat=True
        )
    ) == [f"subscriptions:{sub.pk}:period-0", f"subscriptions:{sub.pk}:period-1"]


def test_nothing_renews_before_the_period_ends():
    sub = start(supplier(), "silver-usd-1m")

    assert services.subscriptions_renew_due(now=sub.period_end - timedelta(seconds=1)) == 0


def test_a_refused_renewal_charge_lapses_without_an_invoice_or_a_gap():
    member = supplier()
    sub = start(member, "silver-usd-1m")
    set_payment_provider(DecliningProvider())

    services.subscription_renew(subscription=sub, now=sub.period_end)

    sub.refresh_from_db()
    assert (sub.status, sub.renewals) == ("lapsed", 0)
    assert Invoice.objects.count() == 1
    assert tier_of(member) == "free"
    set_payment_provider(None)
    other = start(supplier(), "silver-usd-1m")
    assert other.invoices.get().number.endswith("-000002")


def test_the_task_runs_the_sweep(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    start(supplier(), "silver-usd-1m", now=datetime(2020, 1, 1, tzinfo=UTC))

    result = renew_due_subscriptions.enqueue()

    assert result.return_value == 1
