"""Issuing notices to members and when 11.2 deems them received, channel by channel."""

from datetime import timedelta

import pytest
from django.core import mail

from tests.factories import member_create
from tests.notices.conftest import FAILING, T0
from tradepost.errors import Conflict, InvalidInput
from tradepost.notices import services
from tradepost.notices.models import DeliveryStatus, EmailDelivery, Notice
from tradepost.notices.rules import Channel


def _issue(member, channel, by=None, **extra):
    return services.notice_issue(
        member=member,
        kind="legal",
        channel=channel,
        subject="Demand for payment",
        body="Pay invoice 42 within 14 days.",
        by=by,
        **extra,
    )


def test_email_is_deemed_received_when_the_mail_backend_accepts_it_not_before(
    db, clock, run_tasks, django_capture_on_commit_callbacks
):
    member = member_create(country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        notice = _issue(member, Channel.EMAIL)
    assert (notice.sent_at, notice.deemed_received_at) == (None, None)
    assert EmailDelivery.objects.get().status == DeliveryStatus.PENDING

    clock.advance(minutes=5)
    assert run_tasks() == 1

    notice.refresh_from_db()
    assert notice.sent_at == T0 + timedelta(minutes=5)
    assert notice.deemed_received_at == T0 + timedelta(minutes=5)
    assert (notice.deemed_rule, notice.deemed_clause) == (
        "email-accepted-by-mail-backend",
        "11.2 (a)",
    )
    assert notice.recipient_address == member.email
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "Demand for payment"
    assert message.extra_headers["Message-ID"] == f"<notice-{notice.pk}@tradepost.local>"


def test_email_goes_to_the_last_known_address_at_sending(
    db, clock, run_tasks, django_capture_on_commit_callbacks
):
    member = member_create(country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        notice = _issue(member, Channel.EMAIL)
    type(member).objects.filter(pk=member.pk).update(email="legal@new-domain.example")

    run_tasks()

    assert mail.outbox[0].to == ["legal@new-domain.example"]
    assert EmailDelivery.objects.get(notice=notice).to_address == "legal@new-domain.example"


def test_a_failed_email_is_not_deemed_received(
    db, clock, run_tasks, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    member = member_create(country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        notice = _issue(member, Channel.EMAIL)

    run_tasks()

    notice.refresh_from_db()
    assert (notice.sent_at, notice.deemed_received_at, notice.deemed_rule) == (None, None, "")
    delivery = EmailDelivery.objects.get(notice=notice)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"


def test_public_posting_is_deemed_received_immediately(db, clock, legal):
    member = member_create(country="DE")

    notice = _issue(member, Channel.PUBLIC_POSTING, by=legal)

    assert notice.sent_at == T0
    assert notice.deemed_received_at == T0
    assert (notice.deemed_rule, notice.deemed_clause) == ("public-posting", "11.2 (b)")
    assert notice.site == "alibaba"
    assert EmailDelivery.objects.count() == 0


@pytest.mark.parametrize(
    ("channel", "rule_id"),
    [
        (Channel.COURIER, "courier-dispatch-recorded"),
        (Channel.CERTIFIED_MAIL, "certified-mail-dispatch-recorded"),
        (Channel.PERSONAL, "personal-delivery-recorded"),
        (Channel.FAX, "fax-transmission-recorded"),
    ],
)
def test_physical_notice_is_deemed_received_at_the_recorded_dispatch(
    db, clock, legal, channel, rule_id
):
    member = member_create(country="DE")
    notice = _issue(member, channel, by=legal, recipient_address="+49 30 1234567")
    assert (notice.sent_at, notice.deemed_received_at) == (None, None)

    clock.advance(hours=3)
    notice = services.notice_record_dispatch(
        notice_pk=notice.pk,
        dispatched_at=T0 + timedelta(hours=1),
        reference="WB-2026-0001",
        by=legal,
    )

    assert notice.sent_at == T0 + timedelta(hours=1)
    assert notice.deemed_received_at == T0 + timedelta(hours=1)
    assert (notice.deemed_rule, notice.deemed_clause) == (rule_id, "11.2 (a)")
    assert notice.dispatch_reference == "WB-2026-0001"
    assert notice.dispatch_recorded_by == legal


def test_courier_notice_goes_to_the_members_address_by_default(db, legal):
    member = member_create(country="DE", address="7 Harbour Road, Hamburg")

    notice = _issue(member, Channel.COURIER, by=legal)

    assert notice.recipient_address == "7 Harbour Road, Hamburg"


def test_fax_notice_needs_a_fax_number(db, legal):
    member = member_create(country="DE")

    with pytest.raises(InvalidInput) as excinfo:
        _issue(member, Channel.FAX, by=legal)

    assert excinfo.value.fields == {"recipient_address": ["Required for fax."]}


@pytest.mark.parametrize(
    ("offset", "field_error"),
    [
        (timedelta(hours=5), "The dispatch time is in the future."),
        (timedelta(hours=-1), "The dispatch time is before the notice was issued."),
    ],
)
def test_a_dispatch_cannot_be_in_the_future_or_before_the_notice(
    db, clock, legal, offset, field_error
):
    member = member_create(country="DE")
    notice = _issue(member, Channel.COURIER, by=legal)
    clock.advance(hours=2)

    with pytest.raises(InvalidInput) as excinfo:
        services.notice_record_dispatch(
            notice_pk=notice.pk, dispatched_at=T0 + offset, reference="WB-1", by=legal
        )

    assert excinfo.value.fields == {"dispatched_at": [field_error]}
    assert Notice.objects.get(pk=notice.pk).deemed_received_at is None


def test_a_courier_dispatch_needs_its_waybill(db, clock, legal):
    member = member_create(country="DE")
    notice = _issue(member, Channel.COURIER, by=legal)

    with pytest.raises(InvalidInput) as excinfo:
        services.notice_record_dispatch(
            notice_pk=notice.pk, dispatched_at=T0, reference=" ", by=legal
        )

    assert list(excinfo.value.fields) == ["reference"]


def test_a_dispatch_is_recorded_once(db, clock, legal):
    member = member_create(country="DE")
    notice = _issue(member, Channel.CERTIFIED_MAIL, by=legal)
    services.notice_record_dispatch(
        notice_pk=notice.pk, dispatched_at=T0, reference="RR123456789HK", by=legal
    )

    with pytest.raises(Conflict) as excinfo:
        services.notice_record_dispatch(
            notice_pk=notice.pk, dispatched_at=T0, reference="RR999", by=legal
        )

    assert excinfo.value.message == "The dispatch of this notice is already recorded."
    assert Notice.objects.get(pk=notice.pk).dispatch_reference == "RR123456789HK"


def test_an_email_notice_has_no_hand_dispatch(db, clock, legal):
    member = member_create(country="DE")
    notice = _issue(member, Channel.EMAIL, by=legal)

    with pytest.raises(InvalidInput) as excinfo:
        services.notice_record_dispatch(
            notice_pk=notice.pk, dispatched_at=T0, reference="X", by=legal
        )

    assert excinfo.value.message == "A notice by email is not dispatched by hand."


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("kind", "gossip", "Unknown notice kind."),
        ("channel", "pigeon", "Unknown channel."),
        ("subject", "  ", "Subject is required."),
        ("body", "bad\x00text", "Body contains control characters."),
    ],
)
def test_issue_refuses_bad_input(db, field, value, problem):
    member = member_create(country="DE")
    data = {"kind": "legal", "channel": "email", "subject": "S", "body": "B", field: value}

    with pytest.raises(InvalidInput) as excinfo:
        services.notice_issue(member=member, by=None, **data)

    assert excinfo.value.message == problem
    assert Notice.objects.count() == 0


def test_reading_marks_read_once(db, clock):
    member = member_create(country="DE")
    notice = _issue(member, Channel.PUBLIC_POSTING)
    clock.advance(minutes=1)
    services.notice_mark_read(notice=notice)
    clock.advance(minutes=1)

    again = services.notice_mark_read(notice=Notice.objects.get(pk=notice.pk))

    assert again.read_at == T0 + timedelta(minutes=1)
