"""The RFQ and quotation API contract (issue 11): paths, fields, codes, money as strings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import ApiClient
from tests.trade.rfq_factories import (
    CATEGORY,
    buyer_create,
    client_for,
    quote,
    restrict,
    rfq_post,
    supplier_create,
)
from tradepost.catalog.policy import MembershipTier, MembershipTiers
from tradepost.trade.models.rfq import Quotation, Rfq
from tradepost.trade.services import rfq as services


def _rfq_body(**overrides):
    body = {
        "title": "Brass gate valves DN50",
        "category": CATEGORY,
        "quantity": 500,
        "unit": "piece",
        "target_unit_price": "12.5",
        "currency": "EUR",
        "destination_country": "FR",
        "deadline": (timezone.now() + timedelta(days=10)).isoformat(),
    }
    body.update(overrides)
    return body


def _quote_body(**overrides):
    body = {
        "unit_price": "11.90",
        "currency": "EUR",
        "lead_time_days": 21,
        "valid_until": (timezone.now() + timedelta(days=20)).date().isoformat(),
        "terms": "T/T 30/70. EXW Wenzhou.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def buyer(db):
    return buyer_create()


@pytest.fixture
def supplier(db):
    return supplier_create()


@pytest.fixture
def buyer_api(buyer):
    return client_for(buyer)


@pytest.fixture
def supplier_api(supplier):
    return client_for(supplier)


@pytest.fixture
def rfq(buyer):
    return rfq_post(buyer)


def test_post_rfq_answers_201_with_money_as_a_decimal_string(buyer_api):
    got = buyer_api.post("/rfqs", _rfq_body(incoterm="DAP", description="Lead-free brass."))

    assert got.status_code == 201
    body = got.json()
    assert body["id"] == Rfq.objects.get().pk
    assert {k: body[k] for k in ("title", "category", "quantity", "unit", "currency")} == {
        "title": "Brass gate valves DN50",
        "category": CATEGORY,
        "quantity": 500,
        "unit": "piece",
        "currency": "EUR",
    }
    assert body["target_unit_price"] == "12.5"
    assert (body["destination_country"], body["incoterm"], body["status"]) == ("FR", "DAP", "open")
    assert body["quotations"] == []
    assert body["attachments"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "not-a-category"),
        ("incoterm", "FOX"),
        ("currency", "ZZZ"),
        ("destination_country", "QQ"),
        ("target_unit_price", "0"),
    ],
)
def test_post_rfq_refuses_bad_fields_with_422(buyer_api, field, value):
    got = buyer_api.post("/rfqs", _rfq_body(**{field: value}))

    assert got.status_code == 422
    assert got.json()["error"]["code"] == "invalid_input"
    assert list(got.json()["error"]["fields"]) == [field]
    assert Rfq.objects.count() == 0


def test_post_rfq_with_a_past_deadline_is_422(buyer_api):
    past = (timezone.now() - timedelta(hours=1)).isoformat()

    got = buyer_api.post("/rfqs", _rfq_body(deadline=past))

    assert got.status_code == 422
    assert got.json()["error"]["fields"] == {"deadline": ["The deadline must be in the future."]}


def test_post_rfq_without_a_token_is_401(db):
    assert ApiClient().post("/rfqs", _rfq_body()).status_code == 401


def test_a_member_restricted_from_messaging_gets_403_feature_restricted(buyer, buyer_api):
    restrict(buyer)

    got = buyer_api.post("/rfqs", _rfq_body())

    assert got.status_code == 403
    assert got.json()["error"]["code"] == "feature_restricted"
    assert got.json()["error"]["feature"] == "messaging"


def test_get_rfqs_lists_only_the_buyers_own_paged(buyer, buyer_api):
    mine = [rfq_post(buyer, title=f"Valves {n}") for n in range(3)]
    rfq_post(buyer_create())

    got = buyer_api.get("/rfqs?limit=2")

    assert got.status_code == 200
    assert got.json()["count"] == 3
    assert [r["id"] for r in got.json()["items"]] == [mine[2].pk, mine[1].pk]


def test_the_board_is_paged_and_filtered(buyer, supplier_api):
    de = rfq_post(buyer)
    fr = rfq_post(buyer, destination_country="FR")
    rfq_post(buyer, category="coffee-tea")

    everything = supplier_api.get("/rfqs/board")
    to_france = supplier_api.get("/rfqs/board?destination=FR")
    by_category = supplier_api.get(f"/rfqs/board?category={CATEGORY}&limit=1&offset=1")

    assert everything.json()["count"] == 2
    assert sorted(r["id"] for r in everything.json()["items"]) == sorted([de.pk, fr.pk])
    assert [r["id"] for r in to_france.json()["items"]] == [fr.pk]
    assert by_category.json()["count"] == 2
    assert len(by_category.json()["items"]) == 1


def test_the_board_refuses_paging_out_of_bounds(supplier_api):
    assert supplier_api.get("/rfqs/board?limit=1000").status_code == 422


def test_the_board_is_for_suppliers(buyer_api):
    got = buyer_api.get("/rfqs/board")

    assert got.status_code == 403
    assert got.json()["error"]["code"] == "not_a_supplier"


def test_the_buyer_sees_every_quotation_a_supplier_only_its_own(buyer_api, rfq, supplier):
    other = supplier_create()
    mine = quote(rfq, supplier)
    theirs = quote(rfq, other, unit_price="3.5")

    as_buyer = buyer_api.get(f"/rfqs/{rfq.pk}").json()
    as_supplier = client_for(supplier).get(f"/rfqs/{rfq.pk}").json()

    assert [q["id"] for q in as_buyer["quotations"]] == [theirs.pk, mine.pk]
    assert [q["id"] for q in as_supplier["quotations"]] == [mine.pk]
    assert as_supplier["quotations"][0]["price_tiers"] == [
        {"min_quantity": 1000, "unit_price": "4.05"},
        {"min_quantity": 5000, "unit_price": "3.8"},
    ]


def test_an_rfq_is_404_to_a_supplier_of_another_category_and_to_an_unknown_id(rfq):
    stranger = client_for(supplier_create(category="coffee-tea"))

    assert stranger.get(f"/rfqs/{rfq.pk}").status_code == 404
    assert stranger.get("/rfqs/999999").json()["error"]["code"] == "not_found"


def test_an_expired_rfq_reads_as_closed(buyer_api, rfq):
    Rfq.objects.filter(pk=rfq.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    assert buyer_api.get(f"/rfqs/{rfq.pk}").json()["status"] == "closed"


def test_post_quotation_answers_201(buyer, supplier_api):
    rfq = rfq_post(buyer, currency="EUR")

    got = supplier_api.post(
        f"/rfqs/{rfq.pk}/quotations",
        _quote_body(price_tiers=[{"min_quantity": 1000, "unit_price": "11.5"}]),
    )

    assert got.status_code == 201
    body = got.json()
    assert body["id"] == Quotation.objects.get().pk
    assert (body["unit_price"], body["currency"], body["status"]) == ("11.9", "EUR", "submitted")
    assert body["price_tiers"] == [{"min_quantity": 1000, "unit_price": "11.5"}]
    assert (body["editable"], body["order_id"]) == (True, None)


def test_a_quotation_in_another_currency_is_422_currency_mismatch(buyer, supplier_api):
    rfq = rfq_post(buyer, currency="USD")

    got = supplier_api.post(f"/rfqs/{rfq.pk}/quotations", _quote_body(currency="EUR"))

    assert got.status_code == 422
    assert got.json()["error"]["code"] == "currency_mismatch"
    assert got.json()["error"]["fields"]["currency"] == [
        "Quote in the RFQ's currency, USD (this quotation is in EUR)."
    ]


def test_a_second_quotation_is_409(buyer, supplier_api):
    rfq = rfq_post(buyer, currency="EUR")
    supplier_api.post(f"/rfqs/{rfq.pk}/quotations", _quote_body())

    got = supplier_api.post(f"/rfqs/{rfq.pk}/quotations", _quote_body(unit_price="10"))

    assert got.status_code == 409
    assert got.json()["error"]["code"] == "quotation_exists"


def test_over_quota_is_429_with_retry_after_and_resets_at(buyer, supplier_api, monkeypatch):
    tiers = MembershipTiers(
        default_tier="free",
        tiers={"free": MembershipTier(name="Free", listing_cap=5, quote_quota_month=0)},
    )
    monkeypatch.setattr(services, "load_membership_tiers", lambda: tiers)
    rfq = rfq_post(buyer, currency="EUR")

    got = supplier_api.post(f"/rfqs/{rfq.pk}/quotations", _quote_body())

    assert got.status_code == 429
    error = got.json()["error"]
    assert (error["code"], error["quota"], error["used"]) == ("quote_quota_exceeded", 0, 0)
    assert error["resets_at"].endswith("T00:00:00+00:00")
    assert int(got["Retry-After"]) > 0


def test_patch_quotation_once_then_409(buyer, supplier_api):
    rfq = rfq_post(buyer, currency="EUR")
    created = supplier_api.post(f"/rfqs/{rfq.pk}/quotations", _quote_body()).json()

    first = supplier_api.patch(f"/quotations/{created['id']}", {"lead_time_days": 14})
    second = supplier_api.patch(f"/quotations/{created['id']}", {"lead_time_days": 10})

    assert first.status_code == 200
    assert (first.json()["lead_time_days"], first.json()["editable"]) == (14, False)
    assert first.json()["unit_price"] == "11.9"
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "quotation_not_editable"


def test_patch_of_someone_elses_quotation_is_404(rfq, supplier):
    quotation = quote(rfq, supplier)

    got = client_for(supplier_create()).patch(f"/quotations/{quotation.pk}", {"terms": "Mine"})

    assert got.status_code == 404


def test_accept_by_a_stranger_is_404_and_by_the_supplier_403(rfq, supplier):
    quotation = quote(rfq, supplier)

    stranger = client_for(buyer_create()).post(f"/quotations/{quotation.pk}/accept")
    own = client_for(supplier).post(f"/quotations/{quotation.pk}/accept")

    assert stranger.status_code == 404
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "not_a_buyer"


def test_accept_answers_201_with_the_order_id(buyer_api, rfq, supplier):
    quotation = quote(rfq, supplier)
    other = quote(rfq, supplier_create(), unit_price="4.10")

    got = buyer_api.post(f"/quotations/{quotation.pk}/accept")
    again = buyer_api.post(f"/quotations/{other.pk}/accept")
    detail = buyer_api.get(f"/rfqs/{rfq.pk}").json()

    assert got.status_code == 201
    assert isinstance(got.json()["order_id"], int)
    assert again.status_code == 409
    assert detail["status"] == "awarded"
    statuses = {q["id"]: (q["status"], q["order_id"]) for q in detail["quotations"]}
    assert statuses == {
        quotation.pk: ("accepted", got.json()["order_id"]),
        other.pk: ("not_chosen", None),
    }


@pytest.mark.parametrize(
    "path", ["/rfqs/99999999999999999999", "/rfqs/9223372036854775808", "/rfqs/0"]
)
def test_an_id_beyond_the_database_is_404_not_500(buyer_api, path):
    got = buyer_api.get(path)

    assert got.status_code == 404


def test_a_category_with_a_nul_is_422_not_500(buyer_api):
    got = buyer_api.post("/rfqs", _rfq_body(category="valves\x00"))

    assert got.status_code == 422
    assert list(got.json()["error"]["fields"]) == ["category"]
