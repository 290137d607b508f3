"""Pure rules of clauses 11.1 and 11.2, without the database."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradepost.notices import rules
from tradepost.notices.rules import Channel, DeemedReceipt
from tradepost.policy import load_contracting_policy

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("channel", "rule_id", "clause"),
    [
        (Channel.EMAIL, "email-accepted-by-mail-backend", "11.2 (a)"),
        (Channel.PUBLIC_POSTING, "public-posting", "11.2 (b)"),
        (Channel.PERSONAL, "personal-delivery-recorded", "11.2 (a)"),
        (Channel.COURIER, "courier-dispatch-recorded", "11.2 (a)"),
        (Channel.CERTIFIED_MAIL, "certified-mail-dispatch-recorded", "11.2 (a)"),
        (Channel.FAX, "fax-transmission-recorded", "11.2 (a)"),
    ],
)
def test_each_channel_is_deemed_received_when_the_sending_is_recorded(channel, rule_id, clause):
    receipt = rules.deemed_receipt(channel=channel, sent_at=AT)

    assert receipt == DeemedReceipt(at=AT, rule_id=rule_id, clause=clause)


@pytest.mark.parametrize("channel", Channel.values)
def test_nothing_recorded_means_not_deemed_received(channel):
    assert rules.deemed_receipt(channel=channel, sent_at=None) is None


def test_an_unknown_channel_is_an_error():
    with pytest.raises(ValueError, match="unknown notice channel 'pigeon'"):
        rules.deemed_receipt(channel="pigeon", sent_at=AT)


def test_every_channel_has_a_receipt_rule():
    assert sorted(rules.RECEIPT_RULES) == sorted(Channel.values)


_times = st.datetimes(
    # hypothesis takes naive bounds and attaches `timezones` itself.
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2040, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
_receipts = st.builds(
    DeemedReceipt, at=_times, rule_id=st.sampled_from(["a", "b"]), clause=st.just("11.2")
)


@given(st.lists(st.one_of(st.none(), _receipts), max_size=6))
def test_the_earliest_qualifying_event_decides(receipts):
    decided = rules.earliest_receipt(*receipts)

    found = [r for r in receipts if r is not None]
    if not found:
        assert decided is None
    else:
        assert decided.at == min(r.at for r in found)
        assert decided == next(r for r in found if r.at == decided.at)


def test_a_later_email_does_not_move_receipt_by_posting():
    posted = DeemedReceipt(at=AT, rule_id="public-posting", clause="11.2 (b)")
    emailed = DeemedReceipt(
        at=AT + timedelta(hours=1), rule_id="email-accepted-by-mail-backend", clause="11.2 (a)"
    )

    assert rules.earliest_receipt(posted, emailed) == posted
    assert rules.earliest_receipt(emailed, posted) == posted


@pytest.mark.parametrize(
    ("channel", "dispatched_at", "problem"),
    [
        (Channel.COURIER, AT, None),
        (Channel.FAX, AT + timedelta(hours=1), None),
        (Channel.PERSONAL, AT + timedelta(seconds=10), None),  # same minute as issued
        (Channel.COURIER, AT + timedelta(hours=3), "The dispatch time is in the future."),
        (
            Channel.CERTIFIED_MAIL,
            AT - timedelta(seconds=1),
            "The dispatch time is before the notice was issued.",
        ),
        (Channel.EMAIL, AT, "A notice by email is not dispatched by hand."),
        (
            Channel.PUBLIC_POSTING,
            AT,
            "A notice by posting on the public notice board is not dispatched by hand.",
        ),
    ],
)
def test_dispatch_problem(channel, dispatched_at, problem):
    assert (
        rules.dispatch_problem(
            channel=channel,
            dispatched_at=dispatched_at,
            issued_at=AT + timedelta(seconds=59),
            now=AT + timedelta(hours=2),
        )
        == problem
    )


@pytest.mark.parametrize(
    ("failed_attempts", "delay"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=2)),
        (5, timedelta(minutes=16)),
        (9, timedelta(minutes=256)),
        (10, None),
        (11, None),
    ],
)
def test_email_retry_delay_doubles_then_gives_up(failed_attempts, delay):
    assert rules.email_retry_delay(failed_attempts=failed_attempts) == delay


@given(st.integers(min_value=1, max_value=rules.EMAIL_MAX_ATTEMPTS - 1))
def test_email_retry_delay_grows_and_stays_within_the_cap(n):
    delay = rules.email_retry_delay(failed_attempts=n)

    assert rules.EMAIL_RETRY_FIRST_DELAY <= delay <= rules.EMAIL_RETRY_MAX_DELAY
    if n > 1:
        assert delay >= rules.email_retry_delay(failed_attempts=n - 1)


def _entity(key):
    return load_contracting_policy().entity(key)


@pytest.mark.parametrize(
    ("addressed", "member_entity", "flagged", "rule_id"),
    [
        ("hangzhou", "aliexpress_russia", True, "addressed-to-other-entity"),
        ("alibaba_hk", "alibaba_sg", True, "addressed-to-other-entity"),
        ("aliexpress_russia", "aliexpress_russia", False, "addressed-to-contracting-entity"),
        ("hangzhou", "hangzhou", False, "addressed-to-contracting-entity"),
        ("alibaba_sg", None, False, "no-member-to-compare"),
    ],
)
def test_inbound_addressing(addressed, member_entity, flagged, rule_id):
    check = rules.inbound_addressing(
        addressed=_entity(addressed),
        member_entity=_entity(member_entity) if member_entity else None,
    )

    assert (check.flagged, check.rule_id) == (flagged, rule_id)


def test_a_misaddressed_notice_says_where_it_should_have_gone():
    check = rules.inbound_addressing(
        addressed=_entity("hangzhou"), member_entity=_entity("aliexpress_russia")
    )

    assert check.clause == "11.1, 2.1"
    assert check.reason == (
        "Addressed to Hangzhou Alibaba Advertising Co., Ltd., but the member contracts with "
        "AliExpress Russia Holding Private Limited (clause 2.1), whose notice address is: "
        "AliExpress Russia Holding Private Limited, 8 Shenton Way, #45-01 AXA Tower, "
        "Singapore 068811, Attn: Legal Department."
    )
