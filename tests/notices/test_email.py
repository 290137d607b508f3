"""Email of notices: retried on failure with backoff, never lost, pending until accepted."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.factories import member_create
from tests.notices.conftest import FAILING, LOCMEM, REFUSING, T0
from tradepost.notices import rules, services
from tradepost.notices.models import DeliveryStatus, EmailAttempt, EmailDelivery, Notice
from tradepost.notices.rules import Channel
from tradepost.notices.services import emails


def _email(member):
    return services.notice_issue(
        member=member,
        kind="disciplinary",
        channel=Channel.EMAIL,
        subject="Listing removed",
        body="Your listing 7 was removed under clause 6.2.",
        by=None,
    )


def _retry(**options) -> str:
    out = StringIO()
    call_command("notices", "retry", stdout=out, **options)
    return out.getvalue()


def test_a_failing_send_is_recorded_and_retried_later_with_backoff(
    db, clock, run_tasks, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    member = member_create(country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        notice = _email(member)

    assert run_tasks() == 1

    delivery = EmailDelivery.objects.get(notice=notice)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == T0 + timedelta(minutes=1)
    assert delivery.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    [attempt] = EmailAttempt.objects.filter(delivery=delivery)
    assert (attempt.accepted, attempt.attempted_at, attempt.to_address) == (
        False,
        T0,
        member.email,
    )
    [queued] = DBTaskResult.objects.filter(status="READY")
    assert queued.run_after == T0 + timedelta(minutes=1)
    assert run_tasks() == 0  # not due yet

    settings.EMAIL_BACKEND = LOCMEM
    clock.advance(minutes=1)
    assert run_tasks() == 1

    delivery.refresh_from_db()
    notice.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (
        DeliveryStatus.SENT,
        2,
        T0 + timedelta(minutes=1),
    )
    assert delivery.last_error == ""
    assert notice.deemed_received_at == T0 + timedelta(minutes=1)
    assert [a.accepted for a in EmailAttempt.objects.filter(delivery=delivery)] == [False, True]
    assert len(mail.outbox) == 1


def test_each_failure_waits_longer_until_the_last_attempt_then_gives_up(
    db, clock, run_tasks, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        notice = _email(member_create(country="DE"))
    waits = []

    while run_tasks():
        delivery = EmailDelivery.objects.get(notice=notice)
        if delivery.next_attempt_at is None:
            break
        waits.append(delivery.next_attempt_at - clock.now)
        clock.now = delivery.next_attempt_at

    delivery = EmailDelivery.objects.get(notice=notice)
    assert waits == [timedelta(minutes=2**n) for n in range(rules.EMAIL_MAX_ATTEMPTS - 1)]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.FAILED,
        rules.EMAIL_MAX_ATTEMPTS,
        None,
    )
    assert EmailAttempt.objects.filter(delivery=delivery, accepted=False).count() == 10
    assert Notice.objects.get(pk=notice.pk).deemed_received_at is None


def test_staff_send_a_failed_email_once_more(
    db, clock, run_tasks, settings, django_capture_on_commit_callbacks
):
    notice = _email(member_create(country="DE"))
    EmailDelivery.objects.filter(notice=notice).update(
        status=DeliveryStatus.FAILED, attempts=10, next_attempt_at=None
    )
    settings.EMAIL_BACKEND = LOCMEM

    with django_capture_on_commit_callbacks(execute=True):
        output = _retry(include_failed=True)
    run_tasks()

    assert output == "Re-armed 1 failed email(s).\nQueued 0 due email(s).\n"
    delivery = EmailDelivery.objects.get(notice=notice)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 11)
    assert len(mail.outbox) == 1


def test_an_email_whose_task_was_lost_is_found_by_the_retry_sweep(db, clock, run_tasks):
    # Committed without running on-commit work: the process died before queuing the send.
    notice = _email(member_create(country="DE"))
    assert DBTaskResult.objects.count() == 0

    assert _retry() == "Queued 0 due email(s).\n"  # within the grace the queue has it
    clock.advance(minutes=5)
    assert _retry() == "Queued 1 due email(s).\n"
    assert run_tasks() == 1

    assert EmailDelivery.objects.get(notice=notice).status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_a_sender_that_dies_mid_send_leaves_the_email_due_again_after_its_lease(
    db, clock, run_tasks, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _email(member_create(country="DE"))

    def crash(**kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(emails, "_email_outcomes_record", crash)
        run_tasks()

    delivery = EmailDelivery.objects.get(notice=notice)
    assert DBTaskResult.objects.get().status == "FAILED"
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at == T0 + services.SEND_LEASE
    clock.advance(minutes=19)
    assert _retry() == "Queued 0 due email(s).\n"

    clock.advance(minutes=1)
    assert _retry() == "Queued 1 due email(s).\n"
    run_tasks()

    # At least once: the message the dead sender handed over may go out again, under the
    # same Message-ID so mail clients can fold the two.
    assert EmailDelivery.objects.get(notice=notice).status == DeliveryStatus.SENT
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        f"<notice-{notice.pk}@tradepost.local>"
    ] * 2


def test_two_senders_of_the_same_email_send_it_once(db, clock):
    notice = _email(member_create(country="DE"))
    delivery_id = EmailDelivery.objects.get(notice=notice).pk

    first = services.email_deliveries_send(delivery_ids=[delivery_id])
    second = services.email_deliveries_send(delivery_ids=[delivery_id])

    assert (first.sent, second.claimed) == (1, 0)
    assert len(mail.outbox) == 1


def test_a_backend_that_does_not_accept_the_message_leaves_it_pending(db, clock, settings):
    settings.EMAIL_BACKEND = REFUSING
    notice = _email(member_create(country="DE"))

    report = services.email_deliveries_send(
        delivery_ids=[EmailDelivery.objects.get(notice=notice).pk]
    )

    delivery = EmailDelivery.objects.get(notice=notice)
    assert report.as_dict() == {"claimed": 1, "sent": 0, "retrying": 1, "gave_up": 0}
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "The mail backend did not accept the message."
    assert Notice.objects.get(pk=notice.pk).deemed_received_at is None


def test_the_immediate_backend_sends_on_commit(
    db, clock, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        notice = _email(member_create(country="DE"))

    notice.refresh_from_db()
    assert notice.deemed_received_at == T0
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.count() == 0


def test_with_the_immediate_backend_a_failed_send_waits_for_the_sweep(
    db, clock, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        notice = _email(member_create(country="DE"))
    assert EmailDelivery.objects.get(notice=notice).attempts == 1

    settings.EMAIL_BACKEND = LOCMEM
    clock.advance(minutes=6)
    _retry()

    assert EmailDelivery.objects.get(notice=notice).status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("grace", [0, 300])
def test_retry_sweep_ignores_sent_and_failed_emails(db, clock, grace):
    notice = _email(member_create(country="DE"))
    EmailDelivery.objects.filter(notice=notice).update(status=DeliveryStatus.SENT)
    clock.advance(hours=1)

    assert _retry(grace_seconds=grace) == "Queued 0 due email(s).\n"
