"""Feedback use cases (issue 11, clause 3.6): give (or edit) feedback on a completed order,
staff release held feedback and void feedback with a reason.

A second `POST /orders/{id}/feedback` by the same party edits its feedback while it is
editable (`feedback.editable_days`, 7 by default); there is no separate PATCH.

Every change that can move a member's rating (give, edit, release, void) ends by telling the
catalog the ratee's rating afresh (`_rating_refresh`), so search shows, filters and sorts by
the same numbers as `selectors.feedback.member_rating`; `feedback_ratings_rebuild` recounts
them all (the migration's backfill does the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost.audit.services import audit_record
from tradepost.catalog.services.ratings import supplier_rating_record, supplier_ratings_replace
from tradepost.errors import Conflict, InvalidInput, PermissionDeniedError
from tradepost.members.models import Member
from tradepost.policy.trade import FeedbackPolicy, load_trade_policy
from tradepost.trade.models.feedback import Feedback, FeedbackStatus
from tradepost.trade.models.orders import Order, OrderStatus
from tradepost.trade.selectors.feedback import member_rating, ratings_of_all
from tradepost.trust.selectors.links import cluster_member_pks

MAX_COMMENT = 2000


class FeedbackRelatedAccounts(PermissionDeniedError):
    """Clause 3.6: feedback between related accounts would manipulate ratings."""

    code = "feedback_related_accounts"


@dataclass(frozen=True)
class HoldDecision:
    held: bool
    rule: str = ""


def feedback_hold_decide(
    *, account_age: timedelta, recent_count: int, policy: FeedbackPolicy
) -> HoldDecision:
    """Clause 3.6: a burst from a new account (younger than `new_account_days`, more than
    `burst_max` feedbacks within `burst_window_hours`, this one included) is held."""
    if account_age < timedelta(days=policy.new_account_days) and recent_count > policy.burst_max:
        return HoldDecision(True, "feedback.burst_new_account")
    return HoldDecision(False)


def _audit(feedback: Feedback, action: str, *, by: Any, member_id: str, after: dict) -> None:
    audit_record(
        actor=by,
        action=f"feedback.{action}",
        target_type="feedback",
        target_id=feedback.pk,
        member_id=member_id,
        clause="3.6",
        after=after,
    )


def _rating_refresh(member_pk: int) -> None:
    """Clause 3.6: the ratee's rating as search shows it, recounted from counted feedback."""
    rating = member_rating(member_pk)
    supplier_rating_record(member_pk=member_pk, average=rating.average, count=rating.count)


@transaction.atomic
def feedback_ratings_rebuild() -> int:
    """Recount every member's rating for search (a backfill); returns the members rated."""
    return supplier_ratings_replace(
        (member_pk, rating.average, rating.count)
        for member_pk, rating in ratings_of_all()
        if rating.average is not None
    )


@transaction.atomic
def feedback_give(
    *,
    order: Order,
    member: Member,
    rating: Any,
    comment: str,
    by: Any,
    now: datetime | None = None,
) -> tuple[Feedback, bool]:
    """Clause 3.6: after completion each party rates the other once per order (1-5 and a
    comment); a second call edits it within the editable period. Returns (feedback,
    created)."""
    now = now or timezone.now()
    policy = load_trade_policy().feedback
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput(_("Rate from 1 to 5."), fields={"rating": [_("From 1 to 5.")]})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        message = _("At most %(n)s characters.") % {"n": MAX_COMMENT}
        raise InvalidInput(message, fields={"comment": [message]})
    if member.pk == order.buyer_id:
        role, ratee = "buyer", order.supplier
    elif member.pk == order.supplier_id:
        role, ratee = "supplier", order.buyer
    else:
        raise PermissionDeniedError(_("You are not a party to this order."))
    if order.status != OrderStatus.COMPLETED:
        raise Conflict(
            _("Feedback can be given once the order is completed."),
            code="feedback_order_not_completed",
            extra={"status": order.status},
        )
    if member.pk in cluster_member_pks(ratee.pk):
        raise FeedbackRelatedAccounts(
            _("Your account is related to the other party's: feedback between them is refused.")
        )
    existing = Feedback.objects.select_for_update().filter(order=order, rater=member).first()
    if existing is not None:
        if existing.status == FeedbackStatus.VOIDED or now > existing.editable_until:
            raise Conflict(
                _("This feedback can no longer be changed."),
                code="feedback_not_editable",
                extra={"editable_until": existing.editable_until.isoformat()},
            )
        before = {"rating": existing.rating, "comment": existing.comment}
        existing.rating, existing.comment, existing.updated_at = rating, comment, now
        existing.save(update_fields=["rating", "comment", "updated_at"])
        _audit(
            existing,
            "edit",
            by=by,
            member_id=member.member_id,
            after={"before": before, "rating": rating},
        )
        _rating_refresh(existing.ratee_id)
        return existing, False
    recent = Feedback.objects.filter(
        rater=member, created_at__gte=now - timedelta(hours=policy.burst_window_hours)
    ).count()
    hold = feedback_hold_decide(
        account_age=now - member.created_at, recent_count=recent + 1, policy=policy
    )
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                order=order,
                rater=member,
                ratee=ratee,
                role=role,
                rating=rating,
                comment=comment,
                status=FeedbackStatus.HELD if hold.held else FeedbackStatus.COUNTED,
                hold_rule=hold.rule,
                created_at=now,
                updated_at=now,
                editable_until=now + timedelta(days=policy.editable_days),
            )
    except IntegrityError:
        raise Conflict(
            _("You already gave feedback on this order."), code="feedback_exists"
        ) from None
    _audit(
        feedback,
        "give",
        by=by,
        member_id=member.member_id,
        after={
            "order_id": order.pk,
            "rating": rating,
            "status": feedback.status,
            "rule": hold.rule,
        },
    )
    if feedback.status == FeedbackStatus.COUNTED:
        _rating_refresh(feedback.ratee_id)
    return feedback, True


@transaction.atomic
def feedback_void(*, feedback: Feedback, by: Any, reason: str) -> Feedback:
    """Clause 3.6: staff void feedback (it no longer counts), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), fields={"reason": [_("Required.")]})
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status == FeedbackStatus.VOIDED:
        raise Conflict(_("This feedback is already void."), code="feedback_voided")
    before = feedback.status
    feedback.status = FeedbackStatus.VOIDED
    feedback.void_reason = reason[:MAX_COMMENT]
    feedback.voided_by = by if getattr(by, "pk", None) else None
    feedback.updated_at = timezone.now()
    feedback.save()
    _audit(
        feedback,
        "void",
        by=by,
        member_id=feedback.rater.member_id,
        after={"before": before, "reason": feedback.void_reason},
    )
    _rating_refresh(feedback.ratee_id)
    return feedback


@transaction.atomic
def feedback_release(*, feedback: Feedback, by: Any) -> Feedback:
    """Staff release held feedback: it counts from now on."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status != FeedbackStatus.HELD:
        raise Conflict(_("Only held feedback can be released."), code="feedback_not_held")
    feedback.status = FeedbackStatus.COUNTED
    feedback.updated_at = timezone.now()
    feedback.save(update_fields=["status", "updated_at"])
    _audit(
        feedback,
        "release",
        by=by,
        member_id=feedback.rater.member_id,
        after={"status": feedback.status},
    )
    _rating_refresh(feedback.ratee_id)
    return feedback
