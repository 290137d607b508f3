"""Email of notices (clause 11.2 (a)): sent in the background, retried, never lost.

The delivery row is the truth, not the queue: it stays pending until the mail backend
accepts the message, and `email_deliveries_retry_due` finds any whose task went missing.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections, router, transaction
from django.db.models import F, Field, Model
from django.utils import timezone

from tradepost.members.models import User
from tradepost.notices import locking, rules, selectors, tasks
from tradepost.notices.models import (
    DeliveryStatus,
    EmailAttempt,
    EmailDelivery,
    Notice,
    StaffAction,
)
from tradepost.notices.rules import Channel
from tradepost.notices.services.common import apply_receipt

logger = logging.getLogger(__name__)

# A sender that claimed a delivery and died leaves it due again after this lease.
SEND_LEASE = timedelta(minutes=15)
# The sweep leaves alone what the queue should still be handling.
RETRY_SWEEP_GRACE = timedelta(minutes=5)
RETRY_SWEEP_CHUNK = 500
# Email outcomes are committed this many at a time (a crash re-sends at most these).
SEND_RECORD_CHUNK = 50


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def message_id_for(notice_pk: int) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "tradepost.local"
    return f"<notice-{notice_pk}@{domain}>"


def email_deliveries_create(*, notices: list[Notice], now: datetime) -> list[EmailDelivery]:
    return EmailDelivery.objects.bulk_create(
        EmailDelivery(
            notice=notice,
            message_id=message_id_for(notice.pk),
            next_attempt_at=now,
            created_at=now,
        )
        for notice in notices
    )


def email_send_enqueue(delivery_ids: list[int], run_after: datetime | None = None) -> None:
    task = tasks.send_notice_emails
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # e.g. the immediate backend: `tradepost notices retry` sends them later
        task = task.using(run_after=run_after)
    task.enqueue(delivery_ids=delivery_ids)


@transaction.atomic
def _email_deliveries_claim(*, delivery_ids: list[int]) -> list[int]:
    now = timezone.now()
    claimed = locking.claimable_delivery_ids(delivery_ids=delivery_ids, now=now)
    EmailDelivery.objects.filter(pk__in=claimed).update(
        attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + SEND_LEASE
    )
    return claimed


def _rows_update(model: type[Model], fields: list[str], rows: list[tuple]) -> None:
    """UPDATE each (instance, *values) row with one executemany.

    `bulk_update` builds a CASE expression per row and field; on the email path that cost
    more than building and sending the message (measured by bench/notify_fanout.py).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    columns = [cast("Field[Any, Any]", opts.get_field(name)) for name in fields]
    qn = connection.ops.quote_name
    pk_column = opts.pk.column
    assert pk_column is not None
    assignments = ", ".join(f"{qn(str(c.column))} = %s" for c in columns)
    sql = f"UPDATE {qn(opts.db_table)} SET {assignments} WHERE {qn(pk_column)} = %s"  # noqa: S608  names come from the model, values are parameters
    params = [
        [c.get_db_prep_save(v, connection) for c, v in zip(columns, values, strict=True)]
        + [instance.pk]
        for instance, *values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@dataclass(frozen=True)
class _Outcome:
    delivery: EmailDelivery
    to_address: str
    at: datetime
    error: str | None


@transaction.atomic
def _email_outcomes_record(*, outcomes: list[_Outcome]) -> list[EmailDelivery]:
    """Commit the outcome of each try, every one with its own moment: accepted means sent
    and deemed received then (earliest receipt wins); an error waits for the next try."""
    EmailAttempt.objects.bulk_create(
        EmailAttempt(
            delivery=o.delivery,
            attempted_at=o.at,
            accepted=o.error is None,
            to_address=o.to_address,
            error=o.error or "",
        )
        for o in outcomes
    )
    for o in outcomes:
        delivery = o.delivery
        delivery.to_address = o.to_address
        if o.error is None:
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, o.at
            delivery.next_attempt_at, delivery.last_error = None, ""
            continue
        delay = rules.email_retry_delay(failed_attempts=delivery.attempts)
        delivery.status = DeliveryStatus.FAILED if delay is None else DeliveryStatus.PENDING
        delivery.next_attempt_at = None if delay is None else o.at + delay
        delivery.last_error = o.error
    deliveries = [o.delivery for o in outcomes]
    _rows_update(
        EmailDelivery,
        ["status", "to_address", "sent_at", "next_attempt_at", "last_error"],
        [
            (d, d.status, d.to_address, d.sent_at, d.next_attempt_at, d.last_error)
            for d in deliveries
        ],
    )
    accepted = [o for o in outcomes if o.error is None]
    if accepted:
        notices = locking.notices_for_update(notice_pks=[o.delivery.notice_id for o in accepted])
        for o in accepted:
            notice = notices[o.delivery.notice_id]
            notice.sent_at = o.at
            notice.recipient_address = o.to_address
            apply_receipt(notice, rules.deemed_receipt(channel=Channel.EMAIL, sent_at=o.at))
        _rows_update(
            Notice,
            ["sent_at", "recipient_address", "deemed_received_at", "deemed_rule", "deemed_clause"],
            [
                (
                    n,
                    n.sent_at,
                    n.recipient_address,
                    n.deemed_received_at,
                    n.deemed_rule,
                    n.deemed_clause,
                )
                for n in notices.values()
            ],
        )
    return deliveries


def _email_message(
    *, delivery: EmailDelivery, to_address: str, connection: BaseEmailBackend
) -> mail.EmailMessage:
    notice = delivery.notice
    footer = (
        f"\n\n--\nNotice N-{notice.pk}. Sent under clause 11.2 of the Terms of Use; "
        "electronic notices satisfy any requirement of writing (11.3). "
        "It is also in your notice inbox on Tradepost."
    )
    return mail.EmailMessage(
        subject=notice.subject,
        body=notice.body + footer,
        to=[to_address],
        headers={"Message-ID": delivery.message_id},
        connection=connection,
    )


def email_deliveries_send(*, delivery_ids: list[int]) -> SendReport:
    """Clause 11.2 (a): hand these notices' emails to the mail backend, one connection.

    Each delivery is claimed first (only pending, due ones), so two senders never send the
    same email at once. Outcomes are committed every `SEND_RECORD_CHUNK` messages, each
    with the moment the backend accepted it (sent, deemed received) or raised (a failed
    attempt, retried after a growing delay until `rules.EMAIL_MAX_ATTEMPTS`). A sender that
    dies mid-chunk leaves those deliveries claimed; after the lease they are sent again under
    the same Message-ID (at least once, never lost).
    """
    report = SendReport()
    claimed = _email_deliveries_claim(delivery_ids=delivery_ids)
    if not claimed:
        return report
    deliveries = list(
        EmailDelivery.objects.filter(pk__in=claimed).select_related("notice__member").order_by("pk")
    )
    report.claimed = len(deliveries)
    retry: list[EmailDelivery] = []
    outcomes: list[_Outcome] = []

    def record() -> None:
        for delivery in _email_outcomes_record(outcomes=outcomes):
            if delivery.status == DeliveryStatus.SENT:
                report.sent += 1
            elif delivery.status == DeliveryStatus.PENDING:
                report.retrying += 1
                retry.append(delivery)
            else:
                report.gave_up += 1
                logger.warning(
                    "Gave up emailing notice %s: %s", delivery.notice_id, delivery.last_error
                )
        outcomes.clear()

    connection = mail.get_connection(fail_silently=False)
    try:
        connection.open()
        open_error = None
    except Exception as exc:  # the backend is down: every claimed delivery records the failure
        open_error = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        for delivery in deliveries:
            member = delivery.notice.member
            assert member is not None  # e-mail deliveries are only made for a member's notice
            to_address = member.email  # 11.2: the last-known email address
            error = open_error
            if error is None:
                message = _email_message(
                    delivery=delivery, to_address=to_address, connection=connection
                )
                try:
                    if message.send() != 1:
                        error = "The mail backend did not accept the message."
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"[:2000]
            outcomes.append(_Outcome(delivery, to_address, timezone.now(), error))
            if len(outcomes) >= SEND_RECORD_CHUNK:
                record()
        if outcomes:
            record()
    finally:
        if open_error is None:
            try:
                connection.close()
            except Exception:
                logger.exception("Closing the mail connection failed")
    if retry:
        email_send_enqueue(
            [d.pk for d in retry], run_after=max(d.next_attempt_at or timezone.now() for d in retry)
        )
    return report


def email_deliveries_retry_due(*, grace: timedelta = RETRY_SWEEP_GRACE) -> int:
    """The safety net: queue every pending email that has been due for longer than `grace`
    (its task was lost, its sender died, or the backend cannot defer retries). Run it from
    cron or `tradepost notices retry`. Queuing one twice is harmless: sends claim first."""
    due = list(
        selectors.email_deliveries_due(now=timezone.now() - grace).values_list("pk", flat=True)
    )
    for start in range(0, len(due), RETRY_SWEEP_CHUNK):
        email_send_enqueue(due[start : start + RETRY_SWEEP_CHUNK])
    return len(due)


@transaction.atomic
def email_deliveries_rearm(*, delivery_ids: list[int], by: User | None = None) -> int:
    """Staff send failed emails once more (after fixing the address or the mail server).
    Each one re-armed is audited (StaffAction) with who asked (None: the retry command)."""
    now = timezone.now()
    ids = list(
        EmailDelivery.objects.select_for_update()
        .filter(pk__in=delivery_ids, status=DeliveryStatus.FAILED)
        .values_list("pk", flat=True)
    )
    EmailDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now
    )
    StaffAction.objects.bulk_create(
        StaffAction(action=StaffAction.Action.EMAIL_REARMED, delivery_id=pk, by=by, at=now)
        for pk in ids
    )
    if ids:
        transaction.on_commit(partial(email_send_enqueue, ids), robust=True)
    return len(ids)
