"""Screening of trade (clause 5.13 b, d): an order with a counterparty held pending a
compliance review, or an RFQ to an embargoed destination, is stopped with a clear reason
and nothing is written."""

from pathlib import Path

import pytest

from tests.factories import listing_create, member_create
from tests.trade.orders_helpers import client_for, make_parties
from tests.trade.rfq_factories import buyer_create, rfq_payload
from tradepost.compliance import rules
from tradepost.compliance.services import sanctions_import
from tradepost.errors import TradeRestricted
from tradepost.members.services.profile import member_update_profile
from tradepost.trade.models.orders import Order
from tradepost.trade.models.rfq import Rfq
from tradepost.trade.services import rfq as rfq_services

SAMPLES = Path(__file__).parent / "samples"
EMBARGOED = frozenset({"CU", "IR", "KP", "SY"})


@pytest.mark.parametrize(
    ("destination", "countries", "held", "rule"),
    [
        ("DE", ("DE", "CN"), False, ""),
        ("CU", ("DE", "CN"), False, "embargoed_destination"),
        ("DE", ("DE", "IR"), False, "embargoed_party"),
        ("DE", ("DE", "CN"), True, "counterparty_under_review"),
    ],
)
def test_trade_screening_names_the_rule_that_decided(destination, countries, held, rule):
    decision = rules.trade_screen(
        destination=destination,
        party_countries=countries,
        counterparty_held=held,
        embargoed=EMBARGOED,
    )

    assert (decision.allowed, decision.rule) == (rule == "", rule)
    assert decision.clause == "5.13"


@pytest.mark.django_db
def test_an_order_with_a_supplier_held_for_review_is_stopped_and_nothing_is_written():
    buyer, supplier, listing = make_parties()
    sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))
    member_update_profile(
        member=supplier,
        by=supplier.user,
        changes={"company_name": "Northwind Regions Trading LLC"},
        ip=None,
    )

    response = client_for(buyer).post(
        "/orders", {"listing_id": listing.pk, "quantity": listing.moq, "terms": ""}
    )

    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["clause"]) == (
        "trade_restricted",
        "counterparty_under_review",
        "5.13",
    )
    assert "compliance review" in error["message"]
    assert "1002" not in str(error) and "ofac" not in str(error).lower()
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_an_rfq_to_an_embargoed_destination_is_stopped():
    buyer = buyer_create()

    with pytest.raises(TradeRestricted) as refused:
        rfq_services.rfq_create(buyer=buyer, data=rfq_payload(destination_country="CU"))

    assert refused.value.extra == {"rule": "embargoed_destination", "clause": "5.13"}
    assert "Cuba" in refused.value.message
    assert Rfq.objects.count() == 0


DUAL_USE = rules.GoodsRule(
    id="sanctions.dual_use_licence",
    title="Dual-use goods to a destination that requires an export licence",
    clause="5.13 (c), (e)",
    categories=frozenset({"drones-uav"}),
    codes=frozenset({"RU", "BY"}),
)


@pytest.mark.parametrize(
    ("destination", "path", "rule"),
    [
        ("RU", ("consumer-electronics", "drones-uav"), "sanctions.dual_use_licence"),
        ("ru", ("consumer-electronics", "drones-uav"), "sanctions.dual_use_licence"),
        ("DE", ("consumer-electronics", "drones-uav"), ""),
        ("RU", ("industrial-machinery", "pumps-valves"), ""),
    ],
)
def test_goods_screening_matches_a_category_by_destination(destination, path, rule):
    decision, matched = rules.goods_screen(
        destination=destination, category_paths=(path,), goods_rules=(DUAL_USE,)
    )

    assert (decision.allowed, decision.rule) == (rule == "", rule)
    assert (matched is DUAL_USE) == bool(rule)
    if rule:
        assert (decision.clause, decision.country) == ("5.13 (c), (e)", "RU")


def test_a_rule_on_a_parent_category_covers_its_children():
    parent = rules.GoodsRule(
        id="r",
        title="t",
        clause="5.13 (c)",
        categories=frozenset({"industrial-machinery"}),
        codes=frozenset({"BY"}),
    )
    decision, _rule = rules.goods_screen(
        destination="BY",
        category_paths=(("industrial-machinery", "cnc-machines"),),
        goods_rules=(parent,),
    )
    assert decision.rule == "r"


@pytest.mark.django_db
def test_an_order_of_dual_use_goods_to_a_licence_destination_is_stopped():
    """Clause 5.13 (c): the listing policy's rule `sanctions.dual_use_licence` (drones to RU)."""
    buyer = member_create(country="RU", roles=["buyer"])
    supplier = member_create(country="CN", roles=["supplier"])
    drones = listing_create(supplier, category="drones-uav", title="Survey quadcopter X4")
    valves = listing_create(supplier)

    refused = client_for(buyer).post(
        "/orders", {"listing_id": drones.pk, "quantity": drones.moq, "terms": ""}
    )
    allowed = client_for(buyer).post(
        "/orders", {"listing_id": valves.pk, "quantity": valves.moq, "terms": ""}
    )

    assert refused.status_code == 403, refused.content
    error = refused.json()["error"]
    assert (error["code"], error["rule"], error["clause"]) == (
        "trade_restricted",
        "sanctions.dual_use_licence",
        "5.13 (c), (e)",
    )
    assert "Russia" in error["message"] and "export licence" in error["message"].lower()
    assert allowed.status_code == 201, allowed.content
    assert list(Order.objects.values_list("listing_id", flat=True)) == [valves.pk]


@pytest.mark.django_db
def test_an_rfq_for_dual_use_goods_to_an_embargoed_or_licence_destination_is_stopped():
    buyer = buyer_create()

    with pytest.raises(TradeRestricted) as refused:
        rfq_services.rfq_create(
            buyer=buyer, data=rfq_payload(category="cnc-machines", destination_country="BY")
        )
    assert refused.value.extra == {"rule": "sanctions.dual_use_licence", "clause": "5.13 (c), (e)"}
    assert Rfq.objects.count() == 0

    rfq = rfq_services.rfq_create(
        buyer=buyer, data=rfq_payload(category="cnc-machines", destination_country="DE")
    )
    assert rfq.pk
