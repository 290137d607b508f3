"""Inquiries and messages (clause 7.1: the platform for exchanging information between buyers
and sellers; 4.2: a mailbox of limited storage; 5.6 f: no spamming or phishing).

A buyer's inquiry about a listing or to a supplier opens a conversation between the two; each
message names its sender and its recipient (always the conversation's two parties) and its
size, so a mailbox's usage is one sum. A message screening holds is kept from the recipient
until staff release it; the screening it was decided on is stored with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MESSAGE_ATTACHMENT_DIR = "trade/messages/"


class Conversation(models.Model):
    """Clause 7.1: one buyer and one supplier talking, about a listing or not."""

    buyer = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="conversations_as_buyer"
    )
    supplier = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="conversations_as_supplier"
    )
    listing = models.ForeignKey(
        "catalog.Listing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    subject = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-last_message_at"], name="conv_buyer_activity_idx"),
            models.Index(
                fields=["supplier", "-last_message_at"], name="conv_supplier_activity_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(buyer=models.F("supplier")), name="conversation_two_parties"
            )
        ]

    def __str__(self) -> str:
        return f"Conversation #{self.pk}: {self.subject}"

    def other_party(self, member_pk: int) -> int:
        return self.supplier_id if member_pk == self.buyer_id else self.buyer_id


class Inquiry(models.Model):
    """The buyer's first word (clause 7.1): the quantity it asks about and when the supplier
    first answered, which the supplier's response rate and time are computed from."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.PROTECT, related_name="inquiry"
    )
    buyer = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="inquiries_received"
    )
    listing = models.ForeignKey(
        "catalog.Listing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "inquiries"
        indexes = [
            models.Index(fields=["supplier", "-created_at"], name="inquiry_supplier_recent_idx")
        ]

    def __str__(self) -> str:
        return f"Inquiry #{self.pk}"


class Delivery(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    WARNED = "warned", "Delivered with a warning"
    HELD = "held", "Held for staff review"


class Message(models.Model):
    """One message of a conversation. `size` is the bytes it takes in both parties'
    mailboxes (its UTF-8 body and its attachments, clause 4.2)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="messages"
    )
    sender = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    size = models.PositiveBigIntegerField()
    delivery = models.CharField(max_length=16, choices=Delivery.choices)
    screening = models.JSONField(
        default=dict, blank=True, help_text="What screening matched, the rule that decided."
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("release_message", "Can release a message screening held")]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_conv_idx"),
            models.Index(
                fields=["recipient", "conversation"],
                condition=Q(read_at__isnull=True),
                name="message_unread_idx",
            ),
            models.Index(fields=["sender"], name="message_sender_idx"),
            models.Index(
                fields=["created_at"], condition=Q(delivery="held"), name="message_held_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="message_between_two_parties"
            )
        ]

    def __str__(self) -> str:
        return f"Message #{self.pk}"

    @property
    def is_held(self) -> bool:
        return self.delivery == Delivery.HELD

    @property
    def warning(self) -> bool:
        return self.delivery == Delivery.WARNED


class MessageAttachment(models.Model):
    """A file with a message: checked by content (PDF, PNG, JPEG), stored under our name,
    downloadable by the conversation's two parties only."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=MESSAGE_ATTACHMENT_DIR + "%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class MessagingPreference(models.Model):
    """A member's choice about email notices of new messages (on unless it opts out)."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="messaging_preference"
    )
    email_on_new_message = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Messaging preference of {self.member_id}"
