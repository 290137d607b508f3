"""Reads about notices. Never write."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from tradepost.errors import NotFound
from tradepost.members.models import Member, MemberStatus
from tradepost.notices.models import (
    CampaignStatus,
    DeliveryStatus,
    EmailDelivery,
    Notice,
    NoticeCampaign,
    NoticeKind,
)
from tradepost.notices.rules import RECEIPT_RULES, Channel


def notices_for_member(*, member: Member) -> QuerySet[Notice]:
    """The member's notice inbox, newest first."""
    return Notice.objects.filter(member=member).order_by("-created_at", "-id")


def notice_for_member(*, member: Member, notice_id: int) -> Notice:
    """One notice of the member's; missing and someone else's answer the same 404."""
    notice = Notice.objects.filter(member=member, pk=notice_id).first()
    if notice is None:
        raise NotFound("Notice not found.")
    return notice


def unread_count(*, member: Member) -> int:
    return Notice.objects.filter(member=member, read_at__isnull=True).count()


def terms_update_received_at(
    *, member_pk: int, terms_version_id: int, at: datetime
) -> datetime | None:
    """Clauses 1.3 and 11.2: when the member was deemed to receive notice of this Terms
    version, if they had by `at`; None if they had not (not notified yet).

    Clause 11.2 (b) deems a posting on the public notice board received by every user on
    posting, so a member who joined after the fan-out is notified by the posting itself.
    """
    return (
        Notice.objects.filter(
            Q(member_id=member_pk) | Q(member__isnull=True, channel=Channel.PUBLIC_POSTING),
            kind=NoticeKind.TERMS_UPDATE,
            terms_version_id=terms_version_id,
            deemed_received_at__lte=at,
        )
        .order_by("deemed_received_at")
        .values_list("deemed_received_at", flat=True)
        .first()
    )


def public_notices() -> QuerySet[Notice]:
    """Clause 11.2 (b): the public notice board, newest posting first."""
    return Notice.objects.filter(channel=Channel.PUBLIC_POSTING, sent_at__isnull=False).order_by(
        "-sent_at", "-id"
    )


def public_notice(*, notice_id: int) -> Notice:
    notice = public_notices().filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("Notice not found.")
    return notice


def receipt_evidence(notice: Notice) -> str:
    """What the deemed receipt rests on, in words, for the inbox and the console."""
    if notice.deemed_received_at is None:
        return "Not yet deemed received: nothing shows it was sent."
    for rule in RECEIPT_RULES.values():
        if rule.rule_id == notice.deemed_rule:
            return rule.evidence
    return notice.deemed_rule


def campaign_members(*, campaign: NoticeCampaign) -> QuerySet[Member]:
    """Clause 1.3: the active members of the campaign's site, up to its fixed bound."""
    return Member.objects.filter(
        site=campaign.site, status=MemberStatus.ACTIVE, pk__lte=campaign.max_member_pk
    )


def campaigns_unfinished() -> QuerySet[NoticeCampaign]:
    return NoticeCampaign.objects.exclude(status=CampaignStatus.COMPLETED).order_by("pk")


def email_deliveries_due(*, now: datetime) -> QuerySet[EmailDelivery]:
    return EmailDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")


def email_deliveries_failed() -> QuerySet[EmailDelivery]:
    return EmailDelivery.objects.filter(status=DeliveryStatus.FAILED).order_by("pk")


def campaign_progress(campaign: NoticeCampaign) -> dict:
    """Progress as the command, the console and the bench show it."""
    emails = EmailDelivery.objects.filter(notice__campaign=campaign).aggregate(
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        pending=Count("pk", filter=Q(status=DeliveryStatus.PENDING)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
    )
    return {
        "campaign": campaign.pk,
        "site": campaign.site,
        "status": campaign.status,
        "total": campaign.total,
        "processed": campaign.processed,
        "batches": campaign.batches,
        "percent": campaign.percent,
        "emails_sent": emails["sent"],
        "emails_pending": emails["pending"],
        "emails_failed": emails["failed"],
    }


def campaigns_for_terms_versions(*, version_ids: list[int]) -> list[NoticeCampaign]:
    """The fan-out campaigns announcing these Terms versions, oldest first."""
    return list(NoticeCampaign.objects.filter(terms_version_id__in=version_ids).order_by("pk"))
