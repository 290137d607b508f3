"""Reading inquiries and conversations: only the two parties see a conversation (404 alike
for missing and not-yours), a held message only its sender and staff; unread counts, mailbox
usage against the tier's quota (clause 4.2), a supplier's response rate and time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tradepost.catalog.policy import load_membership_tiers
from tradepost.catalog.selectors import supplier_profile_of
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.policy.trade import load_trade_policy
from tradepost.trade.models.messaging import (
    Conversation,
    Delivery,
    Inquiry,
    Message,
    MessageAttachment,
    MessagingPreference,
)
from tradepost.trade.rules.messaging import ResponseStats, response_stats

CONVERSATION_NOT_FOUND = "No such conversation."
MAX_ID = 2**63 - 1


def known_id(value: object) -> bool:
    return isinstance(value, int) and 0 < value <= MAX_ID


def _parties(member: Member) -> Q:
    return Q(buyer=member) | Q(supplier=member)


def conversations_of(member: Member) -> QuerySet[Conversation]:
    """The member's conversations, newest activity first, each with `unread` (messages to the
    member it has not opened, held ones excepted) and its inquiry."""
    unread = Count(
        "messages",
        filter=Q(messages__recipient=member, messages__read_at__isnull=True)
        & ~Q(messages__delivery=Delivery.HELD),
    )
    return (
        Conversation.objects.filter(_parties(member))
        .select_related("buyer", "supplier", "inquiry")
        .annotate(unread=unread)
        .order_by("-last_message_at", "-id")
    )


def conversation_for_party(*, member: Member, conversation_id: int) -> Conversation:
    """The conversation if `member` is one of its two parties; NotFound otherwise, the same
    answer for a conversation that does not exist."""
    conversation = (
        Conversation.objects.filter(_parties(member), pk=conversation_id)
        .select_related("buyer", "supplier", "listing", "inquiry")
        .first()
        if known_id(conversation_id)
        else None
    )
    if conversation is None:
        raise NotFound(CONVERSATION_NOT_FOUND)
    return conversation


def messages_for_party(*, conversation: Conversation, member: Member) -> QuerySet[Message]:
    """What `member` sees of the conversation: its own messages, and the other party's that
    are not held for review."""
    return (
        conversation.messages.filter(Q(sender=member) | ~Q(delivery=Delivery.HELD))
        .select_related("sender")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def attachment_for_party(
    *, member: Member, conversation_id: int, attachment_id: int
) -> MessageAttachment:
    """An attachment of a message the member may see, else NotFound (no ID probing)."""
    conversation = conversation_for_party(member=member, conversation_id=conversation_id)
    row = (
        MessageAttachment.objects.filter(pk=attachment_id, message__conversation=conversation)
        .filter(Q(message__sender=member) | ~Q(message__delivery=Delivery.HELD))
        .first()
        if known_id(attachment_id)
        else None
    )
    if row is None:
        raise NotFound("No such attachment.")
    return row


def unread_count(*, member: Member) -> int:
    """Messages to the member it has not opened (held ones do not count until released)."""
    return (
        Message.objects.filter(recipient=member, read_at__isnull=True)
        .exclude(delivery=Delivery.HELD)
        .count()
    )


# --- Mailbox storage (clause 4.2) -------------------------------------------------------


def mailbox_usage(member: Member) -> int:
    """Clause 4.2: the bytes in the member's mailbox: every message of its conversations,
    sent and received (bodies and attachments)."""
    total = Message.objects.filter(Q(sender=member) | Q(recipient=member)).aggregate(s=Sum("size"))[
        "s"
    ]
    return int(total or 0)


def mailbox_quota(member: Member) -> int:
    """Clause 4.2: the mailbox storage of the member's membership tier, in bytes (the default
    tier's for a member without a supplier profile)."""
    tiers = load_membership_tiers()
    profile = supplier_profile_of(member) if member.is_supplier else None
    tier = tiers.tiers.get(profile.membership_tier if profile else tiers.default_tier)
    return (tier or tiers.tiers[tiers.default_tier]).mailbox_quota_mb * 1024 * 1024


def mailbox_summary(member: Member) -> dict[str, Any]:
    used, quota = mailbox_usage(member), mailbox_quota(member)
    return {
        "used": used,
        "quota": quota,
        "percent": min(100, round(used * 100 / quota)) if quota else 100,
    }


def email_on_new_message(member: Member) -> bool:
    """The member's choice; on unless it opted out."""
    value = (
        MessagingPreference.objects.filter(member=member)
        .values_list("email_on_new_message", flat=True)
        .first()
    )
    return True if value is None else bool(value)


# --- Supplier response rate and time ------------------------------------------------------


def supplier_response_stats(
    supplier: Member | int, *, now: datetime | None = None
) -> ResponseStats:
    """Share of the supplier's inquiries answered within the policy's hours (24) over its
    window (30 days), and the median first-response time."""
    policy = load_trade_policy().messaging
    now = now or timezone.now()
    rows = Inquiry.objects.filter(
        supplier=supplier, created_at__gte=now - timedelta(days=policy.response_window_days)
    ).values_list("created_at", "first_response_at")
    return response_stats(list(rows), now=now, within=timedelta(hours=policy.response_within_hours))


def held_messages() -> QuerySet[Message]:
    """Messages screening holds, oldest first, for staff to release."""
    return (
        Message.objects.filter(delivery=Delivery.HELD)
        .select_related("sender", "recipient", "conversation")
        .order_by("created_at", "id")
    )
