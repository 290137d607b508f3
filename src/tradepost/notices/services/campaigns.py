"""Terms updates (clauses 1.3, 11.2 (b)): the public posting and the batched fan-out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from tradepost.members.models import Member, User
from tradepost.notices import locking, rules, selectors, tasks
from tradepost.notices.models import (
    CampaignStatus,
    Notice,
    NoticeCampaign,
    NoticeKind,
    StaffAction,
)
from tradepost.notices.rules import Channel
from tradepost.notices.services import emails

DEFAULT_BATCH_SIZE = 1000


COPY_NOTE = (
    "\n\nThis notice is posted on the public notice board of the Sites, where it is "
    "deemed received by every user on posting (clause 11.2 (b))."
)


@transaction.atomic
def terms_update_post(
    *, terms_version_id: int, site: str, subject: str, body: str
) -> NoticeCampaign:
    """Clauses 1.3 and 11.2 (b): post a Terms update on the public notice board (deemed
    received by every user on posting) and start the fan-out of an in-app notice and an email
    to every active member of its site, in batches. The terms layer writes the text
    (`terms.services.terms_version_announce`); each member's copy adds `COPY_NOTE`.

    Idempotent per version: a second call returns the same campaign and starts nothing new.
    """
    now = timezone.now()
    receipt = rules.deemed_receipt(channel=Channel.PUBLIC_POSTING, sent_at=now)
    assert receipt is not None  # a public posting is deemed received on posting (11.2 b)
    posting, _ = Notice.objects.get_or_create(
        terms_version_id=terms_version_id,
        member=None,
        channel=Channel.PUBLIC_POSTING,
        defaults={
            "kind": NoticeKind.TERMS_UPDATE,
            "subject": subject,
            "body": body,
            "site": site,
            "created_at": now,
            "sent_at": now,
            "deemed_received_at": receipt.at,
            "deemed_rule": receipt.rule_id,
            "deemed_clause": receipt.clause,
        },
    )
    bound = Member.objects.filter(site=site).aggregate(m=Max("pk"))["m"] or 0
    campaign, created = NoticeCampaign.objects.get_or_create(
        terms_version_id=terms_version_id,
        defaults={
            "site": site,
            "posting": posting,
            "batch_size": DEFAULT_BATCH_SIZE,
            "max_member_pk": bound,
            "created_at": now,
        },
    )
    if created:
        campaign.total = selectors.campaign_members(campaign=campaign).count()
        campaign.save(update_fields=["total", "updated_at"])
        transaction.on_commit(partial(_enqueue_campaign_run, campaign.pk), robust=True)
    return campaign


def _enqueue_campaign_run(campaign_pk: int) -> None:
    tasks.run_notice_campaign.enqueue(campaign_pk=campaign_pk)


@transaction.atomic
def notice_campaign_resume(*, campaign_pk: int, by: User | None = None) -> bool:
    """Queue an unfinished fan-out to carry on from its cursor (staff, after a crash), and
    audit who asked. Answers False for a completed one. A second runner beside a live one
    is harmless: they take turns on the campaign row."""
    campaign = NoticeCampaign.objects.get(pk=campaign_pk)
    if campaign.status == CampaignStatus.COMPLETED:
        return False
    StaffAction.objects.create(action=StaffAction.Action.CAMPAIGN_RESUMED, campaign=campaign, by=by)
    transaction.on_commit(partial(_enqueue_campaign_run, campaign.pk), robust=True)
    return True


def _campaign_notices_create(
    *, campaign: NoticeCampaign, posting: Notice, member_pks: list[int], now: datetime
) -> list[Notice]:
    """Each member's copy of the posting: deemed received when the posting went up."""
    subject, body = posting.subject, posting.body + COPY_NOTE
    receipt = rules.deemed_receipt(channel=Channel.PUBLIC_POSTING, sent_at=posting.sent_at)
    assert receipt is not None  # a posting is sent when it is created
    return Notice.objects.bulk_create(
        Notice(
            member_id=member_pk,
            kind=NoticeKind.TERMS_UPDATE,
            channel=Channel.EMAIL,
            subject=subject,
            body=body,
            terms_version_id=campaign.terms_version_id,
            campaign=campaign,
            posting=posting,
            created_at=now,
            deemed_received_at=receipt.at,
            deemed_rule=receipt.rule_id,
            deemed_clause=receipt.clause,
        )
        for member_pk in member_pks
    )


@transaction.atomic
def notice_campaign_batch(*, campaign_pk: int, batch_size: int | None = None) -> NoticeCampaign:
    """One batch of the fan-out, in its own transaction: the next members after the cursor
    get their notice and email delivery, and the cursor moves, or nothing happens at all.

    The campaign row is locked for the batch, so two runners take turns instead of doing the
    same members; the unique (campaign, member) constraint would refuse a duplicate anyway.
    """
    campaign = locking.campaign_for_update(campaign_pk=campaign_pk)
    if campaign.status == CampaignStatus.COMPLETED:
        return campaign
    size = batch_size or campaign.batch_size
    now = timezone.now()
    member_pks = list(
        selectors.campaign_members(campaign=campaign)
        .filter(pk__gt=campaign.last_member_pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    changes: dict = {"updated_at": now}
    if campaign.started_at is None:
        changes.update(started_at=now, status=CampaignStatus.RUNNING)
    if member_pks:
        posting = Notice.objects.get(pk=campaign.posting_id)
        notices = _campaign_notices_create(
            campaign=campaign, posting=posting, member_pks=member_pks, now=now
        )
        deliveries = emails.email_deliveries_create(notices=notices, now=now)
        changes.update(
            last_member_pk=member_pks[-1],
            processed=F("processed") + len(member_pks),
            batches=F("batches") + 1,
        )
        transaction.on_commit(
            partial(emails.email_send_enqueue, [d.pk for d in deliveries]), robust=True
        )
    if len(member_pks) < size:
        changes.update(status=CampaignStatus.COMPLETED, finished_at=now)
    NoticeCampaign.objects.filter(pk=campaign.pk).update(**changes)
    campaign.refresh_from_db()
    return campaign


def notice_campaign_run(
    *,
    campaign_pk: int,
    batch_size: int | None = None,
    on_batch: Callable[[NoticeCampaign], None] | None = None,
) -> NoticeCampaign:
    """Run or resume a fan-out to the end, batch after batch, from the stored cursor."""
    while True:
        campaign = notice_campaign_batch(campaign_pk=campaign_pk, batch_size=batch_size)
        if on_batch is not None:
            on_batch(campaign)
        if campaign.status == CampaignStatus.COMPLETED:
            return campaign
