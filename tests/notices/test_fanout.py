"""A new Terms version: posted publicly (1.3, 11.2 b), then fanned out to every active member."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import member_create
from tests.notices.conftest import T0, terms_version_create
from tradepost.notices import services
from tradepost.notices.models import (
    CampaignStatus,
    DeliveryStatus,
    EmailDelivery,
    Notice,
    NoticeCampaign,
)
from tradepost.notices.rules import Channel
from tradepost.notices.services import emails
from tradepost.terms.services import terms_version_announce
from tradepost.trust.services import member_change_status


def _fanout(campaign, *args) -> list[str]:
    out = StringIO()
    call_command("notices", "fanout", str(campaign.pk), *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def members(db):
    return [member_create(country="DE") for _ in range(5)]


def test_announce_posts_publicly_and_creates_the_campaign(db, clock, members):
    version = terms_version_create()

    campaign = terms_version_announce(version_pk=version.pk)

    posting = campaign.posting
    assert (posting.member, posting.channel, posting.kind) == (
        None,
        "public_posting",
        "terms_update",
    )
    assert (posting.sent_at, posting.deemed_received_at) == (T0, T0)
    assert (posting.deemed_rule, posting.deemed_clause) == ("public-posting", "11.2 (b)")
    assert posting.subject == "Amended Terms of Use for the Alibaba Sites, effective 1 April 2026"
    assert (campaign.site, campaign.status, campaign.total, campaign.processed) == (
        "alibaba",
        CampaignStatus.PENDING,
        5,
        0,
    )
    assert campaign.max_member_pk == members[-1].pk


def test_announce_is_idempotent_per_version(db, clock, members):
    version = terms_version_create()
    first = terms_version_announce(version_pk=version.pk)

    second = terms_version_announce(version_pk=version.pk)

    assert second.pk == first.pk
    assert NoticeCampaign.objects.count() == 1
    assert Notice.objects.filter(channel=Channel.PUBLIC_POSTING).count() == 1


def test_announce_queues_the_fan_out_and_the_worker_notifies_every_member(
    db, clock, members, run_tasks, django_capture_on_commit_callbacks
):
    version = terms_version_create()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = terms_version_announce(version_pk=version.pk)
    clock.advance(minutes=2)

    assert run_tasks() == 2  # the fan-out, then one send task for its single batch

    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.batches) == ("completed", 5, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    notice = Notice.objects.get(member=members[0], campaign=campaign)
    # Deemed received when posted, though the email went out two minutes later.
    assert (notice.deemed_received_at, notice.deemed_rule) == (T0, "public-posting")
    assert notice.sent_at == T0 + timedelta(minutes=2)
    assert notice.posting == campaign.posting
    assert notice.body.endswith(
        "This notice is posted on the public notice board of the Sites, where it is deemed "
        "received by every user on posting (clause 11.2 (b))."
    )


def test_fan_out_reaches_only_active_members_of_the_versions_site(db, clock, legal):
    active = member_create(country="DE")
    suspended = member_create(country="DE")
    member_change_status(member=suspended, to_status="suspended", reason="Fraud", by=legal)
    member_create(site="aliexpress", country="FR")
    campaign = terms_version_announce(version_pk=terms_version_create().pk)

    services.notice_campaign_run(campaign_pk=campaign.pk)

    assert list(Notice.objects.filter(campaign=campaign).values_list("member", flat=True)) == [
        active.pk
    ]
    assert campaign.total == 1


def test_members_who_register_after_the_announcement_are_not_in_the_campaign(db, clock, members):
    campaign = terms_version_announce(version_pk=terms_version_create().pk)
    member_create(country="DE")

    campaign = services.notice_campaign_run(campaign_pk=campaign.pk)

    assert campaign.processed == 5
    assert Notice.objects.filter(campaign=campaign).count() == 5


def test_fan_out_runs_in_batches_and_shows_progress(db, clock, members):
    campaign = terms_version_announce(version_pk=terms_version_create().pk)

    lines = _fanout(campaign, "--batch-size", "2")

    assert [line.split(" members/s")[0].rsplit(" ", 1)[0] for line in lines[:-1]] == [
        "batch 1: 2/5 (40.0%)",
        "batch 2: 4/5 (80.0%)",
        "batch 3: 5/5 (100.0%)",
    ]
    assert lines[-1].startswith(f"Campaign {campaign.pk} completed: 5 members notified in ")
    assert EmailDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 5


def test_fan_out_resumes_after_an_interruption_without_duplicates(
    db, clock, members, monkeypatch, run_tasks, django_capture_on_commit_callbacks
):
    version = terms_version_create()
    campaign = terms_version_announce(version_pk=version.pk)
    real = emails.email_deliveries_create
    calls = Counter()

    def crash_on_second_batch(**kwargs):
        calls["batch"] += 1
        if calls["batch"] == 2:
            raise RuntimeError("worker killed")  # after batch 2's notices were written
        return real(**kwargs)

    monkeypatch.setattr(emails, "email_deliveries_create", crash_on_second_batch)
    with (
        pytest.raises(RuntimeError, match="worker killed"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _fanout(campaign, "--batch-size", "2")

    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.batches) == ("running", 2, 1)
    assert campaign.last_member_pk == members[1].pk
    assert Notice.objects.filter(campaign=campaign).count() == 2  # batch 2 rolled back whole

    monkeypatch.setattr(emails, "email_deliveries_create", real)
    with django_capture_on_commit_callbacks(execute=True):
        lines = _fanout(campaign, "--batch-size", "2")
    run_tasks()

    assert lines[0] == (
        f"Resuming campaign {campaign.pk} after member #{members[1].pk} (2/5 done)."
    )
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.batches) == ("completed", 5, 3)
    per_member = Counter(Notice.objects.filter(campaign=campaign).values_list("member", flat=True))
    assert per_member == Counter({m.pk: 1 for m in members})
    assert EmailDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 5
    assert Counter(m.to[0] for m in mail.outbox) == Counter({m.email: 1 for m in members})


def test_running_a_completed_campaign_again_changes_nothing(db, clock, members):
    campaign = terms_version_announce(version_pk=terms_version_create().pk)
    services.notice_campaign_run(campaign_pk=campaign.pk)

    lines = _fanout(campaign)

    assert lines[0] == f"Resuming campaign {campaign.pk} after member #{members[-1].pk} (5/5 done)."
    assert Notice.objects.filter(campaign=campaign).count() == 5


def test_a_campaign_with_no_members_completes_at_once(db, clock):
    campaign = terms_version_announce(version_pk=terms_version_create().pk)

    campaign = services.notice_campaign_run(campaign_pk=campaign.pk)

    assert (campaign.status, campaign.total, campaign.processed, campaign.finished_at) == (
        "completed",
        0,
        0,
        T0,
    )


def test_fanout_of_an_unknown_campaign_is_a_command_error(db):
    with pytest.raises(CommandError, match=r"No campaign 999\."):
        call_command("notices", "fanout", "999")


def test_status_and_announce_commands(db, clock, members):
    version = terms_version_create()
    out = StringIO()

    call_command("terms", "announce", str(version.pk), stdout=out)
    campaign = NoticeCampaign.objects.get()
    call_command("notices", "status", stdout=out)

    assert out.getvalue().splitlines() == [
        f"Campaign {campaign.pk}: posting #{campaign.posting_id} is on the public board; "
        "5 active members of alibaba to notify (pending).",
        f"{campaign.pk:>5} alibaba     pending    0/5 (0.0%)  emails: 0 sent, 0 pending, 0 failed",
    ]
