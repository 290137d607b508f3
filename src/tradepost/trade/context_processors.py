"""What the site header needs from trade: the signed-in member's unread messages."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tradepost.members.models import Member
from tradepost.trade.selectors.messaging import unread_count


def messaging_unread(request: HttpRequest) -> dict[str, object]:
    """`messages_unread`: counted only when a page shows it (one query), 0 for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"messages_unread": 0}

    def count() -> int:
        try:
            member = user.member  # the header's menu reads it too: one query for both
        except Member.DoesNotExist:
            return 0
        return unread_count(member=member)

    return {"messages_unread": SimpleLazyObject(count)}
