"""The operator console: issue, record dispatch, register inbound notices, follow campaigns."""

from datetime import timedelta

from django.contrib.messages import get_messages
from django.test import Client

from tests.factories import member_create
from tests.notices.conftest import T0, terms_version_create
from tradepost.notices import services
from tradepost.notices.models import (
    DeliveryStatus,
    EmailDelivery,
    InboundLegalNotice,
    Notice,
    StaffAction,
)
from tradepost.terms.services import terms_version_announce

BACKEND = "tradepost.members.backends.MemberLoginBackend"


def _console(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_staff_issue_an_email_notice_from_the_console(db, legal):
    member = member_create(country="DE")

    response = _console(legal).post(
        "/console/notices/notice/add/",
        {
            "member": member.member_id,
            "kind": "disciplinary",
            "channel": "email",
            "subject": "Account suspended",
            "body": "Your account is suspended under clause 6.2.",
        },
    )

    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/notices/notice/{notice.pk}/change/"
    assert (notice.member, notice.channel, notice.created_by) == (member, "email", legal)
    assert EmailDelivery.objects.get().notice == notice


def test_the_issue_form_reports_an_unknown_member(db, legal):
    response = _console(legal).post(
        "/console/notices/notice/add/",
        {
            "member": "de0000000000",
            "kind": "legal",
            "channel": "email",
            "subject": "S",
            "body": "B",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"member": ["No member has this member ID."]}


def test_staff_record_a_courier_dispatch(db, clock, legal):
    member = member_create(country="DE")
    notice = services.notice_issue(
        member=member, kind="legal", channel="courier", subject="S", body="B", by=legal
    )
    client = _console(legal)
    page = client.get(f"/console/notices/notice/{notice.pk}/change/")
    assert f"/console/notices/notice/{notice.pk}/dispatch/" in page.content.decode()

    response = client.post(
        f"/console/notices/notice/{notice.pk}/dispatch/",
        {"dispatched_at": "2020-01-01T10:00", "reference": "WB-9"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "dispatched_at": ["The dispatch time is before the notice was issued."]
    }

    clock.advance(hours=1)
    response = client.post(
        f"/console/notices/notice/{notice.pk}/dispatch/",
        {"dispatched_at": "2026-03-02T09:30", "reference": "WB-9"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.dispatch_reference, notice.deemed_rule) == ("WB-9", "courier-dispatch-recorded")
    assert notice.deemed_received_at == T0 + timedelta(minutes=30)


def test_staff_register_an_inbound_notice_and_see_the_flag(db, legal):
    member = member_create(site="aliexpress", country="RU")

    response = _console(legal).post(
        "/console/notices/inboundlegalnotice/add/",
        {
            "sender_name": "Kuznetsov & Partners",
            "addressed_entity": "hangzhou",
            "member": member.member_id,
            "channel": "courier",
            "subject": "Demand",
            "received_at": "2026-01-05T10:00",
        },
    )

    inbound = InboundLegalNotice.objects.get()
    assert response.status_code == 302
    assert inbound.flagged_wrong_entity is True
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Registered. Addressed to Hangzhou Alibaba Advertising Co., Ltd.")


def test_campaign_progress_is_listed(db, legal):
    for _ in range(3):
        member_create(country="DE")
    campaign = terms_version_announce(version_pk=terms_version_create().pk)
    services.notice_campaign_batch(campaign_pk=campaign.pk, batch_size=2)

    page = _console(legal).get("/console/notices/noticecampaign/")

    assert page.status_code == 200
    assert "2 / 3 (66.7%)" in page.content.decode()


def test_staff_without_notice_permissions_cannot_issue(db):
    from tests.factories import staff_create

    support = staff_create(username="support", role="Support agent")

    response = _console(support).get("/console/notices/notice/add/")

    assert response.status_code == 403


def test_staff_resume_an_interrupted_campaign(
    db, legal, run_tasks, django_capture_on_commit_callbacks
):
    for _ in range(3):
        member_create(country="DE")
    campaign = terms_version_announce(version_pk=terms_version_create().pk)
    services.notice_campaign_batch(campaign_pk=campaign.pk, batch_size=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = _console(legal).post(
            "/console/notices/noticecampaign/",
            {"action": "resume", "_selected_action": [campaign.pk]},
        )
    run_tasks()

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed) == ("completed", 3)
    assert Notice.objects.filter(campaign=campaign).count() == 3
    resumed = StaffAction.objects.get()
    assert (resumed.action, resumed.campaign, resumed.by) == ("campaign_resumed", campaign, legal)


def test_staff_send_failed_emails_again_and_the_console_audits_who_asked(
    db, legal, settings, run_tasks, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    failed, sent = (
        services.notice_issue(
            member=member_create(country="DE"),
            kind="legal",
            channel="email",
            subject=subject,
            body="B",
            by=legal,
        )
        for subject in ("Failed", "Sent")
    )
    EmailDelivery.objects.filter(notice=failed).update(status=DeliveryStatus.FAILED)
    EmailDelivery.objects.filter(notice=sent).update(status=DeliveryStatus.SENT)
    deliveries = list(EmailDelivery.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = _console(legal).post(
            "/console/notices/emaildelivery/",
            {"action": "send_again", "_selected_action": deliveries},
        )
    run_tasks()

    rearmed = StaffAction.objects.get()
    assert response.status_code == 302
    assert (rearmed.action, rearmed.delivery.notice, rearmed.by) == ("email_rearmed", failed, legal)
    assert EmailDelivery.objects.get(notice=failed).status == DeliveryStatus.SENT
    assert _console(legal).get("/console/notices/staffaction/").status_code == 200
