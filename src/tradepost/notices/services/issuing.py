"""Notices to members (clause 11.2): issue one, record its physical dispatch, read it."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from tradepost.errors import Conflict, InvalidInput
from tradepost.members.models import Member, User
from tradepost.notices import locking, rules
from tradepost.notices.models import Notice, NoticeKind
from tradepost.notices.rules import Channel
from tradepost.notices.services import emails
from tradepost.notices.services.common import apply_receipt, text_field


@transaction.atomic
def notice_issue(
    *,
    member: Member,
    kind: str,
    channel: str,
    subject: str,
    body: str,
    by: User | None,
    recipient_address: str = "",
) -> Notice:
    """Clause 11.2: issue a notice or demand to a member by one of its channels.

    Email: queued now, deemed received when the mail backend accepts it. Public posting:
    deemed received on posting. Personal, courier, certified mail, fax: deemed received when
    staff record the dispatch (`notice_record_dispatch`). The member sees it in the inbox.
    """
    if kind not in NoticeKind.values:
        raise InvalidInput(
            "Unknown notice kind.", fields={"kind": [f"One of {NoticeKind.values}."]}
        )
    if channel not in Channel.values:
        raise InvalidInput("Unknown channel.", fields={"channel": [f"One of {Channel.values}."]})
    subject = text_field(subject, "subject", 200, required=True)
    body = text_field(body, "body", 50_000, multiline=True, required=True)
    address = text_field(recipient_address, "recipient_address", 1000, multiline=True)
    if channel == Channel.FAX and not address:
        raise InvalidInput(
            "A fax notice needs the member's last-known fax number.",
            fields={"recipient_address": ["Required for fax."]},
        )
    if channel in (Channel.COURIER, Channel.CERTIFIED_MAIL, Channel.PERSONAL) and not address:
        address = member.address
    now = timezone.now()
    notice = Notice(
        member=member,
        kind=kind,
        channel=channel,
        subject=subject,
        body=body,
        site=member.site if channel == Channel.PUBLIC_POSTING else "",
        recipient_address=member.email if channel == Channel.EMAIL else address,
        created_by=by,
        created_at=now,
    )
    if channel == Channel.PUBLIC_POSTING:
        notice.sent_at = now
        apply_receipt(notice, rules.deemed_receipt(channel=channel, sent_at=now))
    notice.save()
    if channel == Channel.EMAIL:
        deliveries = emails.email_deliveries_create(notices=[notice], now=now)
        transaction.on_commit(
            partial(emails.email_send_enqueue, [d.pk for d in deliveries]), robust=True
        )
    return notice


@transaction.atomic
def notice_record_dispatch(
    *,
    notice_pk: int,
    dispatched_at: datetime,
    reference: str,
    by: User,
    recipient_address: str = "",
) -> Notice:
    """Clause 11.2 (a): record that a notice went out personally, by courier, certified mail or
    fax. The recorded dispatch is what the platform can demonstrate, so it deems receipt."""
    notice = locking.notice_for_update(notice_pk=notice_pk)
    if notice.sent_at is not None:
        raise Conflict("The dispatch of this notice is already recorded.")
    problem = rules.dispatch_problem(
        channel=notice.channel,
        dispatched_at=dispatched_at,
        issued_at=notice.created_at,
        now=timezone.now(),
    )
    if problem:
        raise InvalidInput(problem, fields={"dispatched_at": [problem]})
    reference = text_field(reference, "reference", 100)
    if not reference and notice.channel != Channel.PERSONAL:
        raise InvalidInput(
            "A dispatch reference (waybill, certified mail or fax report number) is required.",
            fields={"reference": ["Required."]},
        )
    address = text_field(recipient_address, "recipient_address", 1000, multiline=True)
    notice.sent_at = dispatched_at
    notice.dispatch_reference = reference
    notice.dispatch_recorded_by = by
    if address:
        notice.recipient_address = address
    apply_receipt(notice, rules.deemed_receipt(channel=notice.channel, sent_at=dispatched_at))
    notice.save()
    return notice


def notice_mark_read(*, notice: Notice) -> Notice:
    """The member opened the notice. Reading is not receipt: 11.2 deems that separately."""
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db(fields=["read_at"])
    return notice
