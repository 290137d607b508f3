"""Notice pages: the member's inbox (11.2) and the public notice board (11.2 b). Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.notices import selectors, services

PAGE_SIZE = 50


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise Http404("Not a member account.")
    return member


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    page = Paginator(selectors.notices_for_member(member=member), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "unread": selectors.unread_count(member=member)}
    return render(request, "notices/inbox.html", context)


@require_safe
@login_required
def detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Opening a notice marks it read; someone else's is a 404 like a missing one."""
    try:
        notice = selectors.notice_for_member(member=_member(request), notice_id=notice_id)
    except NotFound:
        raise Http404("Notice not found.") from None
    notice = services.notice_mark_read(notice=notice)
    context = {"notice": notice, "evidence": selectors.receipt_evidence(notice)}
    return render(request, "notices/detail.html", context)


@require_safe
def public_board(request: HttpRequest) -> HttpResponse:
    """Clause 11.2 (b): open to anyone, without login or charge."""
    page = Paginator(selectors.public_notices(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/public_board.html", {"page": page})


@require_safe
def public_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        notice = selectors.public_notice(notice_id=notice_id)
    except NotFound:
        raise Http404("Notice not found.") from None
    return render(request, "notices/public_detail.html", {"notice": notice})
