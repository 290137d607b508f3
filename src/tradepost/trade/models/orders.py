"""Online orders (issue 11, clauses 7.1, 7.4): one buyer, one supplier, lines from a listing's
price tiers (or, later, from an accepted quotation), the parties' own terms kept verbatim, and
the timeline of every transition.

The status moves only along `rules.orders.TRANSITIONS`, through `services.orders`, with a
conditional UPDATE on the status it moves from (no check-then-act). Money is not stored here:
what was paid, refunded and released is read from the ledger (`selectors.orders`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tradepost.trade.models.ledger import MONEY_DIGITS, MONEY_PLACES


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLACED = "placed", _("Placed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    PAID = "paid", _("Paid (funds held)")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Order(models.Model):
    buyer = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(
        "catalog.Listing", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quotation_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The accepted quotation this order came from (RFQ)."
    )
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True
    )
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    incoterm = models.CharField(max_length=3, blank=True)
    shipping_terms = models.TextField(blank=True)
    dispatch_by = models.DateField(null=True, blank=True)
    deliver_by = models.DateField(null=True, blank=True)
    buyer_terms = models.TextField(blank=True, help_text="Clause 7.4: stored as written.")
    supplier_terms = models.TextField(blank=True, help_text="Clause 7.4: stored as written.")
    # Timers: the deadline of the next automatic transition, if any.
    pay_by = models.DateTimeField(null=True, blank=True)
    receipt_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    release_at = models.DateTimeField(null=True, blank=True)
    receipt_extended_by_buyer = models.PositiveSmallIntegerField(default=0)
    receipt_extended_by_supplier = models.PositiveSmallIntegerField(default=0)
    carrier = models.CharField(max_length=100, blank=True)
    tracking = models.CharField(max_length=100, blank=True)
    payment_provider = models.CharField(max_length=32, blank=True)
    payment_method = models.CharField(max_length=32, blank=True)
    payment_reference = models.CharField(max_length=128, blank=True)
    fee_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"]),
            models.Index(fields=["supplier", "-created_at"]),
        ]
        verbose_name = "order"

    def __str__(self) -> str:
        return f"Order {self.pk} ({self.status})"

    @property
    def reference(self) -> str:
        """How the ledger names this order ("order:12")."""
        return f"order:{self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey(
        "catalog.Listing", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit = models.CharField(max_length=32)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    tier_min_qty = models.PositiveIntegerField(
        null=True, blank=True, help_text="The price tier the unit price came from."
    )
    amount = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)

    class Meta:
        ordering = ["id"]
        verbose_name = "order line"

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.description}"


class OrderEvent(models.Model):
    """One step of an order's timeline: who moved it, from where to where, when, and the data
    of the step (carrier and tracking, the payment, the refund, the rule of a timer)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=OrderStatus.choices)
    actor = models.CharField(max_length=16, help_text="buyer, supplier, staff or platform")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the platform itself (a timer).",
    )
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "order event"

    def __str__(self) -> str:
        return f"{self.order_id} {self.from_status} -> {self.to_status}"
