"""Requests for quotation and quotations (issue 11, clause 7.1: the platform for exchanging
information between buyers and sellers).

A buyer posts an `Rfq`; suppliers listing products in its category see it on the RFQ board
and each sends at most one `Quotation` (the database refuses a second), editable once before
it is accepted. The buyer accepts one: the RFQ is awarded, that quotation accepted, the others
stay visible as not chosen. An RFQ whose deadline passes closes when it is next read.
States move only along `rules.rfq.RFQ_TRANSITIONS` and `QUOTATION_TRANSITIONS`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

PRICE_DIGITS = 14
PRICE_PLACES = 4


class RfqStatus(models.TextChoices):
    OPEN = "open", "Open"
    AWARDED = "awarded", "Awarded"
    CLOSED = "closed", "Closed (deadline passed)"


class Rfq(models.Model):
    """A buyer's request for quotation."""

    buyer = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="rfqs")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit = models.CharField(max_length=32)
    target_unit_price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)
    currency = models.CharField(max_length=3)
    destination_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    incoterm = models.CharField(max_length=3, blank=True, help_text="Incoterms 2020")
    deadline = models.DateTimeField(help_text="Quotations are taken until then.")
    status = models.CharField(max_length=16, choices=RfqStatus.choices, default=RfqStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "category", "deadline"]),
            models.Index(fields=["buyer", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="rfq_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(target_unit_price__gt=0), name="rfq_target_price_positive"
            ),
        ]
        verbose_name = "RFQ"
        verbose_name_plural = "RFQs"

    def __str__(self) -> str:
        return f"RFQ {self.pk} {self.title}"


class RfqAttachment(models.Model):
    """A drawing, specification or picture the buyer attached (checked by its content)."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="rfqs/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = "RFQ attachment"

    def __str__(self) -> str:
        return self.original_name


class QuotationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    NOT_CHOSEN = "not_chosen", "Not chosen"


class Quotation(models.Model):
    """A supplier's answer to an RFQ: a unit price (and quantity tiers), lead time, validity
    and the supplier's terms as text, stored as written (clause 7.4)."""

    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="quotations")
    supplier = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="quotations"
    )
    unit_price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)
    price_tiers = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"min_quantity": 500, "unit_price": "9.5"}], ascending quantities.',
    )
    currency = models.CharField(max_length=3)
    lead_time_days = models.PositiveIntegerField()
    valid_until = models.DateField()
    terms = models.TextField()
    status = models.CharField(
        max_length=16, choices=QuotationStatus.choices, default=QuotationStatus.SUBMITTED
    )
    edit_count = models.PositiveSmallIntegerField(default=0)
    order_ref = models.CharField(
        max_length=64, blank=True, help_text="The order draft made from it once accepted."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit_price", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "supplier"], name="quotation_one_per_supplier"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0), name="quotation_price_positive"
            ),
        ]
        indexes = [models.Index(fields=["supplier", "created_at"])]

    def __str__(self) -> str:
        return f"Quotation {self.pk} on RFQ {self.rfq_id}"
