"""Inquiries and messages (clause 7.1), within a mailbox of limited storage (4.2), without
spamming or phishing (5.6 f).

Every send goes through `_post`, in this order, so a refusal leaves nothing behind: who may
send (an active account, 6.2 i; messaging not restricted by an action in force, 6.2 ii, iv),
the per-member send limits, the text and the files (checked, none stored), the sender's
mailbox quota, screening; then the message row, then its files (a failure while storing
deletes the files this call wrote, and the transaction takes the row back).

Quota (4.2): a message takes its size in both parties' mailboxes (each holds what it sent and
what it received), but only the sender's quota can refuse a send. Refusing because the
recipient's mailbox is full would let anyone silence a supplier by filling its mailbox, and
would bounce buyers' inquiries for a reason they cannot see; a member over its quota can
still read and must make room (or move up a tier) before it sends again.

A message screening holds is not shown to the recipient, and sends no notice, until staff
release it (`message_release`, with its audit row). Email notices of new messages go through
the notices module (kind "message", channel email), one per conversation until the recipient
reads it, unless the recipient opted out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost import gates, ratelimit
from tradepost.audit.services import audit_record
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.catalog.screening import ListingContent, screen_listing
from tradepost.catalog.selectors import listing_policy_in_force
from tradepost.errors import (
    AccountNotActive,
    Conflict,
    DomainError,
    FeatureRestricted,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from tradepost.members.models import Member, MemberStatus, User
from tradepost.notices.models import NoticeKind
from tradepost.notices.rules import Channel
from tradepost.notices.services import notice_issue
from tradepost.policy.trade import MessagingPolicy, load_trade_policy
from tradepost.text import clean_text
from tradepost.trade.models.messaging import (
    Conversation,
    Delivery,
    Inquiry,
    Message,
    MessageAttachment,
    MessagingPreference,
)
from tradepost.trade.rules.messaging import mailbox_quota_check, message_screening_outcome
from tradepost.trade.selectors import messaging as selectors
from tradepost.trust.models.cases import ComplaintSource, Ground
from tradepost.trust.services import uploads
from tradepost.trust.services.complaints import complaint_file

QUANTITY_MAX = 1_000_000_000
REPORT_GROUNDS = (Ground.STOLEN_CARD.value, Ground.RISK_OF_LOSS.value)


class NotABuyer(PermissionDeniedError):
    code = "not_a_buyer"


class MailboxFull(DomainError):
    """Clause 4.2: the sender's mailbox has no room for this message."""

    code = "mailbox_full"
    status = 409


class MessageRateLimited(ratelimit.RateLimited):
    """Clause 5.6 (f): the member sent more messages than the policy allows in a while."""

    code = "message_rate_limited"


# --- Guards -------------------------------------------------------------------------------


def sender_guard(member: Member) -> None:
    """Clause 6.2 (i): a suspended or terminated account sends nothing; 6.2 (ii), (iv): nor
    does one whose messaging a disciplinary action in force restricts."""
    if member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(
            _("Your account is %(status)s: it cannot send messages.")
            % {"status": member.get_status_display().lower()},
            extra={"status": member.status},
        )
    decision = gates.feature_allowed(member, "messaging")
    if not decision.allowed:
        raise FeatureRestricted(
            _(
                "A disciplinary action (#%(id)s, clause %(clause)s) restricts messaging on your "
                "account."
            )
            % {"id": decision.action_id, "clause": decision.clause},
            extra={
                "feature": "messaging",
                "action_id": decision.action_id,
                "clause": decision.clause,
                "ends_at": decision.ends_at.isoformat() if decision.ends_at else None,
            },
        )


def _rate_check(member: Member, policy: MessagingPolicy, *, inquiry: bool) -> None:
    """Clause 5.6 (f): every window of the send rates (and, for an inquiry, of the inquiry
    rates) must allow one more."""
    windows = [("send", r) for r in policy.rates("send")]
    if inquiry:
        windows += [("inquiry", r) for r in policy.rates("inquiry")]
    retry_after = 0
    for kind, (limit, seconds) in windows:
        verdict = ratelimit.hit(
            f"messaging:{kind}:{member.pk}", ratelimit.Rate(limit=limit, seconds=seconds)
        )
        if not verdict.allowed:
            retry_after = max(retry_after, verdict.retry_after)
    if retry_after:
        raise MessageRateLimited(
            f"You are sending messages too fast (clause {policy.clause}: no spamming). "
            f"Try again in {retry_after} seconds.",
            retry_after=retry_after,
            extra={"retry_after": retry_after, "clause": policy.clause},
        )


def _text(value: str, field: str, max_length: int) -> str:
    try:
        text = clean_text(value or "", multiline=True)
    except ValueError as exc:
        raise InvalidInput(f"The message {exc}.", fields={field: [str(exc)]}) from None
    if not text:
        raise InvalidInput("Write a message.", fields={field: ["Required."]})
    if len(text) > max_length:
        problem = f"At most {max_length} characters."
        raise InvalidInput(f"The message is too long: {problem.lower()}", fields={field: [problem]})
    return text


def _files(files: Sequence[UploadedFile], policy: MessagingPolicy) -> list[uploads.CheckedFile]:
    return uploads.files_check(
        files,
        field="attachments",
        max_files=policy.attachment_max_files,
        max_bytes=policy.attachment_max_mb * 1024 * 1024,
        allowed=uploads.PDF_PNG_JPEG,
    )


def _lock_parties(conversation: Conversation) -> None:
    """Serialise sends between the same two members, so two at once cannot both fit a mailbox
    that has room for one (locks in key order: no deadlock)."""
    pks = sorted({conversation.buyer_id, conversation.supplier_id})
    list(Member.objects.select_for_update().filter(pk__in=pks).order_by("pk").values("pk"))


def _screen(body: str, sender: Member, policy: MessagingPolicy) -> tuple[str, dict[str, Any]]:
    """Clause 5.6 (f): the catalog's screening (off-platform contact, links, wording...) read
    through the messaging policy."""
    listing_policy = listing_policy_in_force()
    screening = screen_listing(
        ListingContent(title="", description=body, supplier_country=sender.country),
        listing_policy,
    )
    outcome = message_screening_outcome(((m.rule, m.kind) for m in screening.matches), policy)
    delivery = {"deliver": Delivery.DELIVERED, "warn": Delivery.WARNED, "hold": Delivery.HELD}[
        outcome.action
    ]
    record = {
        "action": outcome.action,
        "rule": outcome.rule,
        "clause": outcome.clause,
        "policy_version": screening.policy_version,
        "matches": [
            {"rule": m.rule, "kind": m.kind, "title": m.title, "text": m.text}
            for m in screening.matches
        ],
    }
    return delivery, record


# --- Sending -----------------------------------------------------------------------------


def _post(
    *,
    conversation: Conversation,
    sender: Member,
    body: str,
    files: Sequence[UploadedFile],
    policy: MessagingPolicy,
    now: datetime,
) -> Message:
    checked = _files(files, policy)
    size = len(body.encode("utf-8")) + sum(f.info.size for f in checked)
    _lock_parties(conversation)
    quota = mailbox_quota_check(
        used=selectors.mailbox_usage(sender), adding=size, quota=selectors.mailbox_quota(sender)
    )
    if not quota.allowed:
        raise MailboxFull(
            "Your mailbox is full (clause 4.2: limited storage): this message needs "
            f"{quota.adding:,} bytes and {max(quota.quota - quota.used, 0):,} are free. "
            "You can still read and report; to send, a higher membership tier has more room.",
            extra={"used": quota.used, "quota": quota.quota, "needed": quota.adding},
        )
    delivery, screening = _screen(body, sender, policy)
    recipient_pk = conversation.other_party(sender.pk)
    message = Message.objects.create(
        conversation=conversation,
        sender=sender,
        recipient_id=recipient_pk,
        body=body,
        size=size,
        delivery=delivery,
        screening=screening,
        created_at=now,
    )
    uploads.files_store(
        checked,
        lambda f: MessageAttachment(
            message=message,
            original_name=f.name,
            content_type=f.info.content_type,
            size=f.info.size,
            sha256=f.sha256,
            uploaded_at=now,
        ),
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    conversation_mark_read(member=sender, conversation=conversation, now=now)  # it answers them
    if sender.pk == conversation.supplier_id:
        Inquiry.objects.filter(conversation=conversation, first_response_at__isnull=True).update(
            first_response_at=now
        )
    if delivery == Delivery.HELD:
        audit_record(
            actor=None,
            action="message.held",
            target_type="message",
            target_id=message.pk,
            member_id=sender.member_id,
            clause=screening["clause"],
            after={"conversation": conversation.pk, "screening": screening},
        )
    else:
        _notify(message, conversation=conversation, sender=sender)
    return message


def _notify(message: Message, *, conversation: Conversation, sender: Member) -> None:
    """An email notice to the recipient (through the notices module), once per conversation
    until it reads it, unless it opted out. The notice names the sender and links to the
    conversation; the message text stays on the platform."""
    recipient = Member.objects.get(pk=message.recipient_id)
    if recipient.status != MemberStatus.ACTIVE or not selectors.email_on_new_message(recipient):
        return
    earlier_unread = (
        Message.objects.filter(conversation=conversation, recipient=recipient, read_at__isnull=True)
        .exclude(delivery=Delivery.HELD)
        .exclude(pk=message.pk)
        .exists()
    )
    if earlier_unread:
        return
    path = reverse("trade:conversation", args=[conversation.pk])
    notice_issue(
        member=recipient,
        kind=NoticeKind.MESSAGE,
        channel=Channel.EMAIL,
        subject=f"New message from {sender.company_name}"[:200],
        body=(
            f"{sender.company_name} ({sender.member_id}) sent you a message about "
            f"“{conversation.subject}”.\n\nRead and reply on the platform: {path}\n\n"
            "Never pay or share passwords through a link in a message; report a message that "
            "asks you to. You can turn these emails off on your messages page."
        ),
        by=None,
    )


def _listing_for_inquiry(listing_id: int) -> Listing:
    listing = (
        Listing.objects.select_related("supplier")
        .filter(pk=listing_id, status=ListingStatus.PUBLISHED)
        .first()
        if selectors.known_id(listing_id)
        else None
    )
    if listing is None:
        raise NotFound("No such listing.")
    return listing


def _supplier_for_inquiry(supplier_id: object) -> Member:
    supplier = (
        Member.objects.filter(
            member_id=supplier_id, is_supplier=True, status=MemberStatus.ACTIVE
        ).first()
        if isinstance(supplier_id, str) and supplier_id.isascii() and supplier_id.isalnum()
        else None
    )
    if supplier is None:
        raise NotFound("No such supplier.")
    return supplier


@transaction.atomic
def inquiry_send(
    *,
    buyer: Member,
    quantity: int,
    message: str,
    listing_id: int | None = None,
    supplier_id: str | None = None,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Inquiry:
    """Clause 7.1: a buyer contacts a supplier about a listing (`listing_id`) or from its
    storefront (`supplier_id`, the member ID): the inquiry opens a conversation with its first
    message. Exactly one of the two is given."""
    now = now or timezone.now()
    policy = load_trade_policy().messaging
    if (listing_id is None) == (supplier_id is None):
        raise InvalidInput(
            "Name the listing or the supplier you are asking (one of them).",
            fields={"listing_id": ["Give listing_id or supplier_id."]},
        )
    sender_guard(buyer)
    if not buyer.is_buyer:
        raise NotABuyer("Only members with the buyer role can send inquiries.")
    if (
        not isinstance(quantity, int)
        or isinstance(quantity, bool)
        or not (0 < quantity <= QUANTITY_MAX)
    ):
        raise InvalidInput(
            "The quantity is a whole number above zero.",
            fields={"quantity": [f"A whole number from 1 to {QUANTITY_MAX:,}."]},
        )
    body = _text(message, "message", policy.body_max_chars)
    listing = _listing_for_inquiry(listing_id) if listing_id is not None else None
    supplier = listing.supplier if listing is not None else _supplier_for_inquiry(supplier_id)
    if listing is not None and supplier.status != MemberStatus.ACTIVE:
        raise NotFound("No such listing.")
    if supplier.pk == buyer.pk:
        raise InvalidInput(
            "You cannot send an inquiry to yourself.",
            fields={"listing_id" if listing else "supplier_id": ["This is your own."]},
            code="inquiry_to_self",
        )
    _rate_check(buyer, policy, inquiry=True)
    subject = (listing.title if listing else f"Inquiry to {supplier.company_name}")[:200]
    conversation = Conversation.objects.create(
        buyer=buyer,
        supplier=supplier,
        listing=listing,
        subject=subject,
        created_at=now,
        last_message_at=now,
    )
    inquiry = Inquiry.objects.create(
        conversation=conversation,
        buyer=buyer,
        supplier=supplier,
        listing=listing,
        quantity=quantity,
        created_at=now,
    )
    _post(conversation=conversation, sender=buyer, body=body, files=files, policy=policy, now=now)
    return inquiry


@transaction.atomic
def message_send(
    *,
    member: Member,
    conversation_id: int,
    body: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Message:
    """Clause 7.1: either party replies in its conversation, with files if it likes."""
    now = now or timezone.now()
    policy = load_trade_policy().messaging
    conversation = selectors.conversation_for_party(member=member, conversation_id=conversation_id)
    sender_guard(member)
    text = _text(body, "body", policy.body_max_chars)
    _rate_check(member, policy, inquiry=False)
    return _post(
        conversation=conversation, sender=member, body=text, files=files, policy=policy, now=now
    )


def conversation_mark_read(
    *, member: Member, conversation: Conversation, now: datetime | None = None
) -> int:
    """The member opened the conversation: what was delivered to it is read."""
    return (
        Message.objects.filter(conversation=conversation, recipient=member, read_at__isnull=True)
        .exclude(delivery=Delivery.HELD)
        .update(read_at=now or timezone.now())
    )


@transaction.atomic
def message_release(*, message_id: int, by: User, reason: str = "") -> Message:
    """Staff find a held message harmless: the recipient sees it (and is told) from now on."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("conversation", "sender")
        .filter(pk=message_id)
        .first()
        if selectors.known_id(message_id)
        else None
    )
    if message is None:
        raise NotFound("No such message.")
    if message.delivery != Delivery.HELD:
        raise Conflict("The message is not held.", code="message_not_held")
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        delivery=Delivery.DELIVERED, released_at=now, released_by=by
    )
    message.refresh_from_db()
    audit_record(
        actor=by,
        action="message.released",
        target_type="message",
        target_id=message.pk,
        member_id=message.sender.member_id,
        reason=clean_text(reason or "", multiline=True)[:2000],
        clause=message.screening.get("clause", ""),
        before={"delivery": Delivery.HELD},
        after={"delivery": message.delivery, "conversation": message.conversation_id},
    )
    _notify(message, conversation=message.conversation, sender=message.sender)
    return message


@transaction.atomic
def conversation_report(
    *,
    member: Member,
    conversation_id: int,
    ground: str,
    description: str,
    message_id: int | None = None,
) -> Any:
    """Clause 5.6 (f), 6.3 (b), (d): a party reports the other (a phishing attempt, a stolen
    card, a scheme that may cause loss): a complaint in trust, about the other party, with the
    conversation as its reference."""
    conversation = selectors.conversation_for_party(member=member, conversation_id=conversation_id)
    if ground not in REPORT_GROUNDS:
        raise InvalidInput(
            "Choose why you report this conversation.",
            fields={"ground": [f"One of: {', '.join(REPORT_GROUNDS)}."]},
        )
    other = Member.objects.get(pk=conversation.other_party(member.pk))
    if message_id is not None:
        reported = (
            conversation.messages.filter(pk=message_id, sender=other)
            .filter(~Q(delivery=Delivery.HELD))
            .first()
            if selectors.known_id(message_id)
            else None
        )
        if reported is None:
            raise NotFound("No such message.")
        description = f"Message #{reported.pk}: {description}"
    return complaint_file(
        subject=other,
        ground=ground,
        description=description,
        source=ComplaintSource.MEMBER,
        complainant=member,
        reference=f"conversation:{conversation.pk}",
        by=member.user,
    )


@transaction.atomic
def messaging_preference_set(*, member: Member, email_on_new_message: bool) -> MessagingPreference:
    """The member's opt-out (or back in) of email notices of new messages."""
    preference, _ = MessagingPreference.objects.update_or_create(
        member=member, defaults={"email_on_new_message": bool(email_on_new_message)}
    )
    return preference
