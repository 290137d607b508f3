"""Clause 8.8: the fees a member paid in a calendar year (ledger FEE transactions and the
commission on the orders it supplied) and the liability cap, over the staff API and the
member's console page."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tests.trade.orders_helpers import make_parties, order_at
from tradepost.billing.selectors.liability import fees_paid, member_liability_cap
from tradepost.members.services import api_token_create
from tradepost.policy import POLICY_DIR, load_toml
from tradepost.policy.operations import parse_operations_policy
from tradepost.trade.models.ledger import AccountPurpose, TransactionKind
from tradepost.trade.services.ledger import Leg, ledger_account, ledger_post

YEAR = timezone.now().year
HK_LAW = (
    "Laws of the Hong Kong Special Administrative Region, without regard to its conflict of "
    "law provisions"
)


def fee(member, amount: str, currency: str = "USD", n: int = 1):
    """A fee the member paid the platform, posted as billing posts them."""
    x = Decimal(amount)
    return ledger_post(
        kind=TransactionKind.FEE,
        reference=f"subscription:{n}",
        dedupe_key=f"subscription:{n}:fee",
        legs=[
            Leg(
                ledger_account(
                    purpose=AccountPurpose.BUYER_FUNDING, currency=currency, member=member
                ),
                -x,
            ),
            Leg(ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency=currency), x),
        ],
    )


def staff_api(role: str) -> ApiClient:
    user = staff_create(username=role.split()[0].lower(), role=role)
    return ApiClient(token=api_token_create(user=user, name="t")[1])


@pytest.mark.django_db
def test_without_fees_the_cap_is_the_statutory_amount():
    member = member_create(country="DE")  # alibaba_sg: Hong Kong law

    cap = member_liability_cap(member, YEAR)

    assert fees_paid(member, YEAR) == {}
    assert (cap.cap, cap.currency, cap.basis) == (Decimal("100.00"), "USD", "statutory")
    assert cap.fees_paid == Decimal("0.00")
    assert cap.governing_law == HK_LAW


@pytest.mark.django_db
def test_with_fees_above_the_statutory_amount_the_cap_is_the_fees():
    member = member_create(country="DE")
    other = member_create(country="DE")
    fee(member, "80.00", n=1)
    fee(member, "70.50", n=2)
    fee(other, "999.00", n=3)

    cap = member_liability_cap(member, YEAR)

    assert fees_paid(member, YEAR) == {"USD": Decimal("150.50")}
    assert (cap.cap, cap.fees_paid, cap.basis) == (Decimal("150.50"), Decimal("150.50"), "fees")
    assert member_liability_cap(member, YEAR - 1).fees_paid == Decimal("0.00")


@pytest.mark.django_db
def test_fees_in_a_currency_without_a_rate_are_reported_not_added():
    member = member_create(country="DE")
    fee(member, "40.00", n=1)
    fee(member, "500.00", currency="EUR", n=2)

    cap = member_liability_cap(member, YEAR)

    assert cap.fees_paid == Decimal("40.00")
    assert cap.not_converted == ["EUR"]
    assert cap.fees_paid_by_currency == {"EUR": Decimal("500.00"), "USD": Decimal("40.00")}
    assert cap.cap == Decimal("100.00")


@pytest.mark.django_db
def test_fees_are_converted_when_the_policy_gives_a_rate(monkeypatch):
    data = load_toml(POLICY_DIR / "operations.toml")
    data["liability"]["rates"] = {"EUR/USD": "1.10"}
    policy = parse_operations_policy(data)
    monkeypatch.setattr(
        "tradepost.billing.selectors.liability.load_operations_policy", lambda: policy
    )
    member = member_create(country="DE")
    fee(member, "500.00", currency="EUR")

    cap = member_liability_cap(member, YEAR)

    assert (cap.fees_paid, cap.cap, cap.not_converted) == (Decimal("550.00"), Decimal("550.00"), [])


@pytest.mark.django_db
def test_the_commission_on_orders_the_member_supplied_counts_as_fees_it_paid():
    from tradepost.trade.services import orders as services

    buyer, supplier, listing = make_parties()
    order = order_at("shipped", buyer, supplier, listing)
    services.order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    order.refresh_from_db()
    expected = (order.total * Decimal("0.03")).quantize(Decimal("0.01"))

    assert fees_paid(supplier, YEAR) == {order.currency: expected}
    assert fees_paid(buyer, YEAR) == {}


@pytest.mark.django_db
def test_the_statutory_amount_follows_the_entity_governing_law():
    member = member_create(country="CN")  # hangzhou: PRC law

    cap = member_liability_cap(member, YEAR)

    assert (cap.law, cap.currency, cap.cap) == ("prc", "CNY", Decimal("1000.00"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["Support agent", "Legal counsel", "Administrator"])
def test_staff_api_answers_the_cap_with_its_figures(role):
    member = member_create(country="DE")
    fee(member, "120.00")

    response = staff_api(role).get(f"/staff/members/{member.member_id}/liability-cap?year={YEAR}")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("cap", "currency", "fees_paid", "statutory_amount")} == {
        "cap": "120",
        "currency": "USD",
        "fees_paid": "120",
        "statutory_amount": "100",
    }
    assert body["governing_law"] == HK_LAW
    assert body["basis"] == "fees"
    assert body["year"] == YEAR


@pytest.mark.django_db
def test_staff_api_defaults_to_this_year_and_refuses_bad_input():
    member = member_create(country="DE")
    client = staff_api("Legal counsel")

    assert client.get(f"/staff/members/{member.member_id}/liability-cap").json()["year"] == YEAR
    bad = client.get(f"/staff/members/{member.member_id}/liability-cap?year=abc")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_input")
    missing = client.get("/staff/members/NOPE/liability-cap")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


@pytest.mark.django_db
def test_staff_api_refuses_roles_without_the_permission_and_members():
    member = member_create(country="DE")
    path = f"/staff/members/{member.member_id}/liability-cap"

    denied = staff_api("Compliance officer").get(path)
    member_client = ApiClient(token=api_token_create(user=member.user, name="t")[1])

    assert denied.json()["error"]["code"] == "staff_permission_denied"
    assert member_client.get(path).json()["error"]["code"] == "staff_only"


@pytest.mark.django_db
def test_member_console_page_shows_the_cap_to_support():
    member = member_create(country="DE")
    fee(member, "250.00")
    client = Client()
    client.force_login(staff_create(username="support", role="Support agent"))

    response = client.get(f"/console/members/member/{member.pk}/change/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Liability cap (8.8)" in body
    assert f"{YEAR}: cap USD" in body
    assert "250.00" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("claim", "within"), [("2026-03-10", True), ("2026-03-11", False)])
def test_staff_api_says_whether_a_claim_is_within_the_window(claim, within):
    member = member_create(country="DE")
    path = f"/staff/members/{member.member_id}/liability-cap"

    body = staff_api("Legal counsel").get(f"{path}?cause_date=2025-03-10&claim_date={claim}").json()

    assert body["claim_window"] == {
        "within": within,
        "last_day": "2026-03-10",
        "cause_date": "2025-03-10",
        "claim_date": claim,
    }
    assert staff_api("Support agent").get(path).json()["claim_window"] is None


@pytest.mark.django_db
def test_a_refunded_fee_is_not_a_fee_paid():
    member = member_create(country="DE")
    fee(member, "90.00")
    ledger_post(
        kind=TransactionKind.REFUND,
        reference="subscription:1",
        dedupe_key="subscription:1:refund",
        legs=[
            Leg(ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency="USD"), -Decimal(30)),
            Leg(
                ledger_account(purpose=AccountPurpose.REFUNDS, currency="USD", member=member),
                Decimal(30),
            ),
        ],
    )

    assert fees_paid(member, YEAR) == {"USD": Decimal("60.00")}


@pytest.mark.django_db
def test_an_order_refund_after_completion_takes_the_fee_back_from_the_supplier_only():
    from tradepost.trade.services import orders as services

    buyer, supplier, listing = make_parties()
    order = order_at("shipped", buyer, supplier, listing)
    services.order_confirm_receipt(order=order, member=buyer, by=buyer.user)
    c = order.currency
    paid = fees_paid(supplier, YEAR)[c]
    # As trade's dispute refund after completion posts it: the fee goes back in proportion.
    fee_back = Decimal("1.00")
    ledger_post(
        kind=TransactionKind.REFUND,
        reference=order.reference,
        dedupe_key=f"{order.reference}:dispute:1:refund",
        legs=[
            Leg(
                ledger_account(
                    purpose=AccountPurpose.SUPPLIER_PAYABLE, currency=c, member=supplier
                ),
                -Decimal("9.00"),
            ),
            Leg(ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency=c), -fee_back),
            Leg(
                ledger_account(purpose=AccountPurpose.REFUNDS, currency=c, member=buyer),
                Decimal("10.00"),
            ),
        ],
    )

    assert fees_paid(supplier, YEAR) == {c: paid - fee_back}
    assert fees_paid(buyer, YEAR) == {}
