"""Reading feedback: a member's rating counts only `counted` feedback (held and voided do
not), with the recent entries shown publicly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet

from tradepost.members.models import Member
from tradepost.trade.models.feedback import Feedback, FeedbackStatus


@dataclass(frozen=True)
class Rating:
    average: Decimal | None
    count: int


def _rating(avg: object, n: int) -> Rating:
    if not n:
        return Rating(None, 0)
    average = Decimal(str(avg)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Rating(average, n)


def member_rating(member: Member | int) -> Rating:
    member_pk = member.pk if isinstance(member, Member) else member
    row = Feedback.objects.filter(ratee_id=member_pk, status=FeedbackStatus.COUNTED).aggregate(
        avg=Avg("rating"), n=Count("id")
    )
    return _rating(row["avg"], row["n"])


def ratings_of_all() -> Iterator[tuple[int, Rating]]:
    """(member pk, rating) of every member with counted feedback, as `member_rating` counts."""
    rows = (
        Feedback.objects.filter(status=FeedbackStatus.COUNTED)
        .order_by()
        .values("ratee_id")
        .annotate(avg=Avg("rating"), n=Count("id"))
        .values_list("ratee_id", "avg", "n")
    )
    for member_pk, avg, n in rows.iterator():
        yield member_pk, _rating(avg, n)


def member_feedback_recent(member: Member, *, limit: int = 10) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(ratee=member, status=FeedbackStatus.COUNTED)
        .select_related("rater")
        .order_by("-created_at", "-id")[:limit]
    )


def feedback_of_order(order_id: int) -> QuerySet[Feedback]:
    return Feedback.objects.filter(order_id=order_id).select_related("rater", "ratee")
