"""The service catalogue and subscriptions over the API (issue 13): `GET /services`,
`POST /subscriptions` (Idempotency-Key, SIMULATED provider, ledger FEE, invoice),
`GET /subscriptions`, and the refusals that write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.billing.subscriptions_helpers import (
    DecliningProvider,
    client_for,
    new_key,
    subscribe,
    supplier,
)
from tests.conftest import ApiClient
from tradepost.billing.models import Invoice, InvoiceCounter, Subscription
from tradepost.catalog.models import SupplierProfile
from tradepost.members.models import Member
from tradepost.terms import services as terms_services
from tradepost.trade.models.ledger import LedgerEntry, LedgerTransaction
from tradepost.trade.payments import set_payment_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _provider():
    yield
    set_payment_provider(None)


def keys(body) -> list[str]:
    return [s["key"] for s in body["services"]]


def test_services_for_a_country_list_plans_prices_and_the_deciding_rule(api):
    response = api.get("/services?country=de")

    assert response.status_code == 200
    body = response.json()
    assert (body["country"], body["contracting_entity"]) == ("DE", "alibaba_sg")
    assert keys(body) == [
        "free_membership",
        "silver_membership",
        "gold_membership",
        "verification",
        "top_ranking",
        "sponsored_listing",
        "transaction_services",
    ]
    gold = body["services"][2]
    assert gold == {
        "key": "gold_membership",
        "name": "Gold Supplier membership",
        "kind": "membership",
        "state": "launched",
        "description": gold["description"],
        "paid": True,
        "agreement": "paid_services",
        "benefits": {
            "tier": "gold",
            "badge": "Gold Supplier",
            "search_boost": "1.5",
            "listing_cap": "unlimited",
            "mailbox_quota_mb": 2000,
            "quote_quota_month": "unlimited",
        },
        "plans": [
            {"id": "gold-usd-12m", "currency": "USD", "months": 12, "price": "2999"},
            {"id": "gold-hkd-12m", "currency": "HKD", "months": 12, "price": "23400"},
            {"id": "gold-cny-12m", "currency": "CNY", "months": 12, "price": "19999"},
        ],
        "rule": "regions.entities",
        "clause": "2.3",
    }


def test_an_excluded_country_is_not_offered_the_paid_memberships(api):
    body = api.get("/services?country=KP").json()

    assert "gold_membership" not in keys(body)
    assert "silver_membership" not in keys(body)
    assert "verification" in keys(body)


def test_an_unknown_country_is_a_clear_4xx(api):
    response = api.get("/services?country=XX")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_country"


def test_without_a_country_an_anonymous_caller_is_asked_for_one(api):
    response = api.get("/services")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "country_required"


def test_without_a_country_a_member_gets_its_own_region():
    member = supplier("RU", site="aliexpress")

    body = client_for(member).get("/services").json()

    assert (body["country"], body["contracting_entity"]) == ("RU", "aliexpress_russia")
    assert keys(body) == ["free_membership"]


def test_subscribing_pays_posts_the_fee_issues_the_invoice_and_sets_the_tier():
    member = supplier()
    client = client_for(member)

    response = subscribe(client, "gold-usd-12m")

    assert response.status_code == 201, response.content
    body = response.json()
    sub, inv = body["subscription"], body["invoice"]
    assert set(body) == {"subscription", "invoice"}
    assert (sub["service"], sub["plan_id"], sub["currency"], sub["price"], sub["months"]) == (
        "gold_membership",
        "gold-usd-12m",
        "USD",
        "2999",
        12,
    )
    assert sub["status"] == "active"
    assert sub["benefits"]["tier"] == "gold"
    assert inv["number"] == f"ALIBABA_SG-{inv['issued_at'][:4]}-000001"
    assert inv["issuer"]["name"] == "Alibaba.com Singapore E-Commerce Private Limited"
    assert inv["bill_to"]["address"] == member.address
    assert (inv["subtotal"], inv["tax_total"], inv["total"]) == ("2999", "269.91", "3268.91")
    assert inv["tax_lines"] == [{"name": "GST", "rate": "0.09", "amount": "269.91"}]
    assert (inv["provider"], inv["simulated"]) == ("simulated", True)
    assert inv["pdf_url"] == f"/api/v1/invoices/{inv['id']}.pdf"
    assert SupplierProfile.objects.get(member=member).membership_tier == "gold"
    txn = LedgerTransaction.objects.get(reference=f"subscriptions:{sub['id']}")
    assert (txn.kind, txn.dedupe_key) == ("fee", f"subscriptions:{sub['id']}:period-0")
    legs = sorted(
        (e.account.purpose, e.amount) for e in LedgerEntry.objects.filter(transaction=txn)
    )
    assert legs == [
        ("buyer_funding", Decimal("-3268.91")),
        ("platform_fees", Decimal("3268.91")),
    ]


def test_a_retry_with_the_same_key_replays_and_a_new_key_is_refused():
    client = client_for(supplier())
    first = subscribe(client, "gold-usd-12m", key="same")

    again = subscribe(client, "gold-usd-12m", key="same")
    other = subscribe(client, "gold-usd-12m")

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "already_subscribed"
    assert Subscription.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_the_idempotency_key_is_required():
    response = client_for(supplier()).post("/subscriptions", {"plan_id": "gold-usd-12m"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"


def test_an_unknown_plan_is_422():
    response = subscribe(client_for(supplier()), "platinum-forever")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_plan"


def test_a_plan_not_offered_in_the_region_is_refused_and_nothing_is_written():
    member = supplier("RU", site="aliexpress")

    response = subscribe(client_for(member), "gold-usd-12m")

    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["clause"]) == (
        "service_not_offered",
        "regions.not_listed",
        "2.3",
    )
    assert Subscription.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0


def test_a_suspended_member_cannot_subscribe():
    member = supplier()
    client = client_for(member)
    Member.objects.filter(pk=member.pk).update(status="suspended")

    response = subscribe(client, "gold-usd-12m")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_not_active"
    assert Subscription.objects.count() == 0


def test_a_failed_payment_writes_nothing_and_leaves_no_gap_in_the_numbers():
    client = client_for(supplier())
    set_payment_provider(DecliningProvider())

    refused = subscribe(client, "gold-usd-12m")

    assert refused.status_code == 402
    assert refused.json()["error"]["code"] == "payment_failed"
    assert Subscription.objects.count() == 0
    assert Invoice.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0
    assert InvoiceCounter.objects.filter(last__gt=0).count() == 0
    set_payment_provider(None)
    paid = subscribe(client, "gold-usd-12m")
    assert paid.json()["invoice"]["number"].endswith("-000001")


def test_the_additional_agreement_must_be_accepted_first():
    from django.utils import timezone

    version, _ = terms_services.agreement_import(
        key="paid-services",
        service="paid_services",
        effective_date=timezone.now().date(),
        body="1. The Paid Services Agreement governs paid memberships.\n\n2. It prevails.",
        title="Paid Services Agreement",
    )
    member = supplier()
    client = client_for(member)

    refused = subscribe(client, "gold-usd-12m")
    terms_services.agreement_accept(member=member, version_id=version.pk, ip=None)
    accepted = subscribe(client, "gold-usd-12m")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "agreement_acceptance_required"
    assert accepted.status_code == 201


def test_members_list_their_own_subscriptions_only():
    mine, theirs = supplier(), supplier()
    subscribe(client_for(mine), "silver-usd-1m")
    subscribe(client_for(theirs), "gold-usd-12m")

    body = client_for(mine).get("/subscriptions").json()

    assert [(s["plan_id"], s["status"]) for s in body["items"]] == [("silver-usd-1m", "active")]


def test_subscriptions_need_a_login():
    response = ApiClient().post(
        "/subscriptions", {"plan_id": "gold-usd-12m"}, HTTP_IDEMPOTENCY_KEY=new_key()
    )
    assert response.status_code == 401
