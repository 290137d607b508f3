"""The protected-payment ledger (issue 11, clause 7.1): double entry, append-only.

Every money movement is one `LedgerTransaction` whose `LedgerEntry` rows sum to zero per
currency; a balance is the sum of an account's entries, never a stored number. Transactions
and entries are never updated or deleted: the model layer refuses it on every database and a
PostgreSQL trigger (migration `ledger_append_only`) refuses it from raw SQL too. A correction
is a new, reversing transaction. `dedupe_key` is unique, so one logical movement
("order:12:pay") can be posted only once, whatever the concurrency.

Signs: a positive amount adds to what an account holds, a negative one takes from it. A
buyer's funding account goes negative by what the buyer paid in from outside the platform
(through a payment provider); escrow accounts may never go below zero.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tradepost.appendonly import AppendOnlyModel, AppendOnlyQuerySet, RowImmutable

MONEY_DIGITS = 18
MONEY_PLACES = 4


class LedgerImmutable(RowImmutable):
    """Ledger transactions and entries are append-only: no code path updates or deletes one."""


class AccountPurpose(models.TextChoices):
    BUYER_FUNDING = "buyer_funding", "Buyer funding"
    ESCROW = "escrow", "Escrow (funds held for an order)"
    SUPPLIER_PAYABLE = "supplier_payable", "Supplier payable"
    PLATFORM_FEES = "platform_fees", "Platform fees"
    REFUNDS = "refunds", "Refunds"


# Accounts whose balance may never go below zero (an order's escrow holds what was paid).
NON_NEGATIVE_PURPOSES = frozenset({AccountPurpose.ESCROW})


class TransactionKind(models.TextChoices):
    PAYMENT = "payment", "Payment into escrow"
    RELEASE = "release", "Release to the supplier"
    FEE = "fee", "Platform fee"
    REFUND = "refund", "Refund to the buyer"
    PAYOUT = "payout", "Payout to the supplier"
    ADJUSTMENT = "adjustment", "Adjustment (a reversing correction)"


def account_key(*, purpose: str, currency: str, member_pk: int | None, order_ref: str) -> str:
    """The one natural key of an account: purpose, owner, order and currency."""
    return f"{purpose}:{member_pk or '-'}:{order_ref or '-'}:{currency}"


class LedgerAccount(models.Model):
    """One account per party, purpose and currency (and per order for escrow). Orders are
    referenced by `order_ref`, a string, so the ledger does not depend on the orders model."""

    key = models.CharField(max_length=200, unique=True, editable=False)
    purpose = models.CharField(max_length=32, choices=AccountPurpose.choices)
    currency = models.CharField(max_length=3)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The party (buyer or supplier); empty for platform accounts.",
    )
    order_ref = models.CharField(
        max_length=64, blank=True, help_text="The order this account belongs to (escrow)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["order_ref"])]
        verbose_name = "ledger account"

    def __str__(self) -> str:
        return self.key

    @property
    def non_negative(self) -> bool:
        return self.purpose in NON_NEGATIVE_PURPOSES


class LedgerTransaction(AppendOnlyModel):
    """One money movement: its entries sum to zero per currency (checked before writing, and
    over the whole ledger by `selectors.ledger.ledger_check`)."""

    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    reference = models.CharField(
        max_length=64, db_index=True, help_text='What it is about, e.g. "order:12".'
    )
    dedupe_key = models.CharField(
        max_length=128,
        unique=True,
        help_text='One logical movement, e.g. "order:12:pay": the database refuses a second.',
    )
    memo = models.CharField(max_length=200, blank=True)
    provider_reference = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the platform itself (a timer, a task).",
    )

    immutable_error = LedgerImmutable
    immutable_label = "Ledger"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "ledger transaction"

    def __str__(self) -> str:
        return f"{self.kind} {self.dedupe_key}"


class LedgerEntry(AppendOnlyModel):
    """One leg of a transaction: a signed amount on one account, in the account's currency."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    currency = models.CharField(max_length=3)

    immutable_error = LedgerImmutable
    immutable_label = "Ledger"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "ledger entry"
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount} {self.currency}"
