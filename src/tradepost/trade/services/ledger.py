"""Posting to the ledger: the only way money moves (issue 11, clause 7.1).

`ledger_post` writes one balanced transaction or nothing. Orders, disputes and payouts call
it with their own `dedupe_key` ("order:12:pay", "order:12:release"), so a retry, a duplicate
request or a race posts the movement at most once: the unique key is the database's promise.
Escrow never goes negative: the accounts a posting touches are locked (PostgreSQL row locks
in primary-key order, so two postings cannot deadlock; SQLite takes its one write lock at
BEGIN IMMEDIATE) before their balances are read, so no check-then-act is possible.

Accounts are never updated or deleted once created, so `ledger_account` remembers each one
it has seen committed in the cache (by its natural key): a payment then names its accounts
without reading them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from tradepost.audit.services import audit_record
from tradepost.errors import Conflict, InvalidInput
from tradepost.members.models import Member
from tradepost.trade.models.ledger import (
    AccountPurpose,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
    account_key,
)
from tradepost.trade.rules.ledger import in_minor_units, unbalanced_currencies
from tradepost.trade.selectors.ledger import account_balance


class LedgerUnbalanced(InvalidInput):
    """The entries of a transaction do not sum to zero in some currency."""

    code = "ledger_unbalanced"


class LedgerDuplicate(Conflict):
    """This movement (its dedupe key) was posted already; `extra` names the transaction."""

    code = "ledger_duplicate"


class EscrowInsufficient(Conflict):
    """The posting would take an escrow account below zero."""

    code = "escrow_insufficient"


@dataclass(frozen=True)
class Leg:
    """One entry to post: a signed amount on an account (in the account's currency)."""

    account: LedgerAccount
    amount: Decimal


def ledger_account(
    *,
    purpose: AccountPurpose | str,
    currency: str,
    member: Member | None = None,
    order_ref: str | int = "",
    first_use: bool = False,
) -> LedgerAccount:
    """The account for this purpose, party, order and currency, created on first use (the
    unique key makes concurrent first uses agree on one row). `first_use`: the caller
    expects to open it (an order's escrow at its payment), so it is inserted at once and
    read only when it turns out to exist."""
    purpose = AccountPurpose(purpose)
    order_ref = str(order_ref)
    if purpose == AccountPurpose.ESCROW and not order_ref:
        raise InvalidInput("An escrow account belongs to an order.", code="escrow_needs_order")
    key = account_key(
        purpose=purpose,
        currency=currency,
        member_pk=member.pk if member else None,
        order_ref=order_ref,
    )
    cached = cache.get(_cache_key(key))
    if cached is not None:
        return LedgerAccount.from_db(connection.alias, _ACCOUNT_FIELDS, cached)
    fields = {"purpose": purpose, "currency": currency, "member": member, "order_ref": order_ref}
    account = None
    if first_use:
        try:
            with transaction.atomic():
                account = LedgerAccount.objects.create(key=key, **fields)
        except IntegrityError:
            pass
    if account is None:
        account, _ = LedgerAccount.objects.get_or_create(key=key, defaults=fields)
    # Only a committed row is remembered: a rolled-back first use leaves nothing behind.
    values = tuple(getattr(account, name) for name in _ACCOUNT_FIELDS)
    transaction.on_commit(partial(cache.set, _cache_key(key), values, ACCOUNT_CACHE_SECONDS))
    return account


# The account row's columns, as `from_db` takes them back (foreign keys by their id).
_ACCOUNT_FIELDS = tuple(f.attname for f in LedgerAccount._meta.concrete_fields)
ACCOUNT_CACHE_SECONDS = 24 * 3600


def _cache_key(key: str) -> str:
    return f"ledger-account:{key}"


def _validate(legs: Sequence[Leg]) -> None:
    if len(legs) < 2:
        raise LedgerUnbalanced("A ledger transaction has at least two entries.")
    for leg in legs:
        if not isinstance(leg.amount, Decimal) or not leg.amount.is_finite() or leg.amount == 0:
            raise InvalidInput(
                "Every entry moves a non-zero decimal amount.", code="ledger_invalid_amount"
            )
        if not in_minor_units(leg.amount, leg.account.currency):
            raise InvalidInput(
                f"{leg.amount} is not in {leg.account.currency}'s minor units.",
                code="ledger_invalid_amount",
            )
    unbalanced = unbalanced_currencies((leg.account.currency, leg.amount) for leg in legs)
    if unbalanced:
        raise LedgerUnbalanced(
            "The entries do not sum to zero per currency.",
            extra={"unbalanced": {c: str(total) for c, total in sorted(unbalanced.items())}},
        )


def _duplicate_refuse(dedupe_key: str) -> None:
    existing = LedgerTransaction.objects.filter(dedupe_key=dedupe_key).values_list("pk").first()
    if existing is not None:
        raise LedgerDuplicate(
            "This movement was posted already.", extra={"transaction_id": existing[0]}
        )


@transaction.atomic
def ledger_post(
    *,
    kind: TransactionKind | str,
    reference: str,
    dedupe_key: str,
    legs: Sequence[Leg],
    actor: Any = None,
    memo: str = "",
    provider_reference: str = "",
) -> LedgerTransaction:
    """Clause 7.1 (protected payment): post one balanced movement, at most once per
    `dedupe_key`, never taking an escrow account below zero. Raises `LedgerUnbalanced`,
    `LedgerDuplicate`, `EscrowInsufficient` or `InvalidInput`; writes nothing then."""
    kind = TransactionKind(kind)
    _validate(legs)
    if any(leg.account.pk is None for leg in legs):
        raise InvalidInput("An entry names an unknown account.", code="ledger_unknown_account")
    account_ids = sorted({leg.account.pk for leg in legs})
    if connection.features.has_select_for_update:
        # Lock every touched account, in a fixed order, before reading any balance.
        locked = {
            a.pk: a
            for a in LedgerAccount.objects.select_for_update()
            .filter(pk__in=account_ids)
            .order_by("pk")
        }
        if len(locked) != len(account_ids):
            raise InvalidInput("An entry names an unknown account.", code="ledger_unknown_account")
    else:
        # SQLite: BEGIN IMMEDIATE took the database's one write lock already; reading the
        # rows again would lock nothing. (An account id that does not exist still fails the
        # foreign key, and nothing is written.)
        locked = {leg.account.pk: leg.account for leg in legs}
    deltas: dict[int, Decimal] = {}
    for leg in legs:
        deltas[leg.account.pk] = deltas.get(leg.account.pk, Decimal(0)) + leg.amount
    taken = [aid for aid, delta in deltas.items() if locked[aid].non_negative and delta < 0]
    if taken:
        # A movement posted already answers as a duplicate before any balance is checked
        # (its retry may find the escrow it emptied).
        _duplicate_refuse(dedupe_key)
    for account_id in taken:
        account = locked[account_id]
        balance = account_balance(account_id)
        if balance + deltas[account_id] < 0:
            raise EscrowInsufficient(
                "The escrow account does not hold enough for this movement.",
                extra={"account": account.key, "balance": str(balance)},
            )
    try:
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(
                kind=kind,
                reference=reference,
                dedupe_key=dedupe_key,
                memo=memo,
                provider_reference=provider_reference,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as exc:
        # The unique dedupe key: posted already (by an earlier call, or a concurrent one
        # that committed first).
        _duplicate_refuse(dedupe_key)
        raise LedgerDuplicate("This movement was posted already.") from exc
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            transaction=txn, account=leg.account, amount=leg.amount, currency=leg.account.currency
        )
        for leg in legs
    )
    audit_record(
        actor=actor,
        action="ledger.posted",
        target_type="ledger_transaction",
        target_id=txn.pk,
        reason=memo,
        clause="7.1",
        after={
            "kind": kind.value,
            "reference": reference,
            "dedupe_key": dedupe_key,
            "entries": [[leg.account.key, str(leg.amount)] for leg in legs],
        },
    )
    return txn
