"""The protected-payment ledger (issue 11): double entry, balances from entries, append-only,
one posting per dedupe key, escrow never below zero; the staff check over the whole ledger."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.errors import InvalidInput
from tradepost.members.services import api_token_create
from tradepost.trade.models.ledger import (
    AccountPurpose,
    LedgerEntry,
    LedgerImmutable,
    LedgerTransaction,
)
from tradepost.trade.selectors.ledger import account_balance, ledger_check, order_balances
from tradepost.trade.services.ledger import (
    EscrowInsufficient,
    LedgerDuplicate,
    LedgerUnbalanced,
    Leg,
    ledger_account,
    ledger_post,
)

D = Decimal


@pytest.fixture
def parties(db):
    buyer = member_create()
    supplier = member_create(country="CN")
    return buyer, supplier


def _accounts(parties, order_ref="12", currency="USD"):
    buyer, supplier = parties
    return {
        "funding": ledger_account(
            purpose=AccountPurpose.BUYER_FUNDING, currency=currency, member=buyer
        ),
        "escrow": ledger_account(
            purpose=AccountPurpose.ESCROW, currency=currency, order_ref=order_ref
        ),
        "payable": ledger_account(
            purpose=AccountPurpose.SUPPLIER_PAYABLE, currency=currency, member=supplier
        ),
        "fees": ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency=currency),
        "refunds": ledger_account(purpose=AccountPurpose.REFUNDS, currency=currency, member=buyer),
    }


def _pay(acc, amount, key="order:12:pay"):
    return ledger_post(
        kind="payment",
        reference="order:12",
        dedupe_key=key,
        legs=[Leg(acc["funding"], -amount), Leg(acc["escrow"], amount)],
    )


def test_balances_derive_from_entries_through_pay_release_and_fee(parties):
    acc = _accounts(parties)
    _pay(acc, D("100.00"))
    ledger_post(
        kind="release",
        reference="order:12",
        dedupe_key="order:12:release",
        legs=[
            Leg(acc["escrow"], D("-100.00")),
            Leg(acc["payable"], D("95.00")),
            Leg(acc["fees"], D("5.00")),
        ],
    )

    assert account_balance(acc["escrow"]) == D("0")
    assert account_balance(acc["payable"]) == D("95.00")
    assert account_balance(acc["fees"]) == D("5.00")
    assert account_balance(acc["funding"]) == D("-100.00")
    assert order_balances("12") == {acc["escrow"].key: D("0")}
    assert ledger_check() == {
        "balanced": True,
        "transactions": 2,
        "unbalanced": [],
        "negative_escrow": [],
    }
    audit = AuditEntry.objects.filter(action="ledger.posted").order_by("id")
    assert [a.after["dedupe_key"] for a in audit] == ["order:12:pay", "order:12:release"]


def test_an_unbalanced_transaction_is_refused_and_writes_nothing(parties):
    acc = _accounts(parties)

    with pytest.raises(LedgerUnbalanced) as refused:
        ledger_post(
            kind="payment",
            reference="order:12",
            dedupe_key="order:12:pay",
            legs=[Leg(acc["funding"], D("-100.00")), Leg(acc["escrow"], D("99.99"))],
        )

    assert refused.value.code == "ledger_unbalanced"
    assert refused.value.extra == {"unbalanced": {"USD": "-0.01"}}
    assert LedgerTransaction.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


def test_each_currency_balances_on_its_own(parties):
    usd = _accounts(parties, order_ref="7", currency="USD")
    eur = _accounts(parties, order_ref="7", currency="EUR")

    with pytest.raises(LedgerUnbalanced) as refused:
        ledger_post(
            kind="adjustment",
            reference="order:7",
            dedupe_key="order:7:fx",
            legs=[Leg(usd["funding"], D("-10")), Leg(eur["escrow"], D("10"))],
        )
    assert refused.value.extra == {"unbalanced": {"EUR": "10", "USD": "-10"}}


@pytest.mark.parametrize(
    ("currency", "amount"), [("USD", D("1.005")), ("JPY", D("1.5")), ("USD", D("0"))]
)
def test_amounts_outside_the_currencys_minor_units_are_refused(parties, currency, amount):
    acc = _accounts(parties, currency=currency)
    with pytest.raises(InvalidInput) as refused:
        _pay(acc, amount)
    assert refused.value.code == "ledger_invalid_amount"


def test_the_dedupe_key_posts_one_movement_once(parties):
    acc = _accounts(parties)
    first = _pay(acc, D("50.00"))

    with pytest.raises(LedgerDuplicate) as duplicate:
        _pay(acc, D("50.00"))

    assert duplicate.value.extra == {"transaction_id": first.pk}
    assert account_balance(acc["escrow"]) == D("50.00")
    assert LedgerTransaction.objects.get() == first


def test_the_database_refuses_a_second_row_with_the_same_dedupe_key(parties):
    _pay(_accounts(parties), D("50.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.create(kind="payment", reference="x", dedupe_key="order:12:pay")


def test_escrow_never_goes_below_zero(parties):
    acc = _accounts(parties)
    _pay(acc, D("30.00"))

    with pytest.raises(EscrowInsufficient) as refused:
        ledger_post(
            kind="refund",
            reference="order:12",
            dedupe_key="order:12:refund",
            legs=[Leg(acc["escrow"], D("-30.01")), Leg(acc["refunds"], D("30.01"))],
        )

    assert refused.value.code == "escrow_insufficient"
    assert refused.value.status == 409
    assert account_balance(acc["escrow"]) == D("30.00")


def test_ledger_rows_cannot_be_updated_or_deleted_through_the_models(parties):
    txn = _pay(_accounts(parties), D("10.00"))
    entry = txn.entries.first()
    for row in (txn, entry):
        with pytest.raises(LedgerImmutable):
            row.save()
        with pytest.raises(LedgerImmutable):
            row.delete()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1"))
    with pytest.raises(LedgerImmutable):
        LedgerTransaction.objects.all().delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount in (D("10.00"), D("-10.00"))


def test_postgresql_trigger_refuses_raw_update_and_delete(parties):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; the model layer guards SQLite")
    txn = _pay(_accounts(parties), D("10.00"))
    entry = txn.entries.first()
    for sql, pk in (
        ("UPDATE trade_ledgerentry SET amount = 0 WHERE id = %s", entry.pk),
        ("DELETE FROM trade_ledgerentry WHERE id = %s", entry.pk),
        ("UPDATE trade_ledgertransaction SET memo = 'x' WHERE id = %s", txn.pk),
        ("DELETE FROM trade_ledgertransaction WHERE id = %s", txn.pk),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pk])
    assert LedgerEntry.objects.filter(transaction=txn).count() == 2


def test_the_check_lists_a_transaction_written_around_the_service(parties):
    acc = _accounts(parties)
    txn = _pay(acc, D("10.00"))
    LedgerEntry.objects.create(transaction=txn, account=acc["fees"], amount=D("1"), currency="USD")

    result = ledger_check()

    assert result["balanced"] is False
    assert result["unbalanced"] == [{"transaction": txn.pk, "currency": "USD", "sum": D("1")}]


def test_staff_ledger_check_api(parties):
    acc = _accounts(parties)
    _pay(acc, D("10.00"))
    agent = staff_create(username="ts", role="Trust & safety agent")
    support = staff_create(username="sa", role="Support agent")

    response = ApiClient(token=api_token_create(user=agent, name="t")[1]).get("/staff/ledger/check")
    refused = ApiClient(token=api_token_create(user=support, name="t")[1]).get(
        "/staff/ledger/check"
    )

    assert response.status_code == 200
    assert response.json() == {
        "balanced": True,
        "transactions": 1,
        "unbalanced": [],
        "negative_escrow": [],
    }
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "staff_permission_denied"


_counter = iter(range(10**9))
AMOUNTS = st.decimals(min_value=D("-500"), max_value=D("500"), places=2).filter(lambda d: d != 0)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    legs=st.lists(st.tuples(st.sampled_from(range(5)), AMOUNTS), min_size=1, max_size=4),
    balance=st.booleans(),
    balance_on=st.sampled_from(range(5)),
)
def test_random_postings_keep_the_ledger_balanced_and_escrow_non_negative(
    parties, legs, balance, balance_on
):
    """Random postings, balanced or not: the unbalanced ones and the ones that would overdraw
    escrow are refused, and after every one the whole ledger balances, no escrow is below
    zero, and each account's balance is the sum of what was accepted."""
    acc = list(_accounts(parties, order_ref="h").values())
    if balance:
        legs = [*legs, (balance_on, -sum((a for _, a in legs), D(0)))]
    specs = [Leg(acc[i], amount) for i, amount in legs if amount != 0]
    before = {a.pk: account_balance(a) for a in acc}
    try:
        ledger_post(
            kind="adjustment", reference="order:h", dedupe_key=f"h:{next(_counter)}", legs=specs
        )
        accepted = True
    except (LedgerUnbalanced, EscrowInsufficient, InvalidInput):
        accepted = False

    total = sum((leg.amount for leg in specs), D(0))
    if total != 0 or len(specs) < 2:
        assert not accepted
    check = ledger_check()
    assert check["balanced"] is True, check
    assert account_balance(acc[1]) >= 0
    for a in acc:
        delta = sum((leg.amount for leg in specs if leg.account.pk == a.pk), D(0))
        assert account_balance(a) == before[a.pk] + (delta if accepted else 0)
