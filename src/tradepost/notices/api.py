"""Notices API: the member's notice inbox (clause 11.2)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from tradepost.api_paging import LimitOffsetPaging
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.notices import selectors, services
from tradepost.notices.models import Notice

router = Router()


class NoticeSummaryOut(Schema):
    id: int
    kind: str
    channel: str
    subject: str
    created_at: datetime
    sent_at: datetime | None
    deemed_received_at: datetime | None
    deemed_rule: str
    deemed_clause: str
    read_at: datetime | None
    terms_version_id: int | None


class NoticeOut(NoticeSummaryOut):
    body: str
    receipt_evidence: str
    dispatch_reference: str

    @staticmethod
    def resolve_receipt_evidence(obj: Notice) -> str:
        return selectors.receipt_evidence(obj)


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


@router.get("", response=list[NoticeSummaryOut])
@paginate(LimitOffsetPaging)
def inbox(request: HttpRequest) -> QuerySet[Notice]:
    """Your notices, newest first: how each was sent and when it is deemed received (11.2)."""
    return selectors.notices_for_member(member=_member(request))


@router.get("/{notice_id}", response=NoticeOut)
def detail(request: HttpRequest, notice_id: int) -> Notice:
    """One of your notices; opening it marks it read. Someone else's answers 404."""
    notice = selectors.notice_for_member(member=_member(request), notice_id=notice_id)
    return services.notice_mark_read(notice=notice)
