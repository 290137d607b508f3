"""Legal notices to the platform (11.1): effective when received, misaddressed ones flagged."""

from datetime import timedelta

import pytest

from tests.factories import member_create
from tests.notices.conftest import T0
from tradepost.errors import InvalidInput
from tradepost.notices import services
from tradepost.notices.models import InboundLegalNotice


def _register(by, **overrides):
    data = {
        "sender_name": "Kuznetsov & Partners",
        "sender_address": "Tverskaya 1, Moscow",
        "addressed_entity": "hangzhou",
        "channel": "courier",
        "received_at": T0 - timedelta(hours=2),
        "subject": "Demand to restore listing",
        "reference": "DHL 1234567890",
    }
    data.update(overrides)
    return services.inbound_notice_register(by=by, **data)


def test_a_notice_to_hangzhou_about_an_aliexpress_russia_member_is_flagged(db, clock, legal):
    member = member_create(site="aliexpress", country="RU")
    assert member.contracting_entity == "aliexpress_russia"

    inbound = _register(legal, member=member)

    assert inbound.flagged_wrong_entity is True
    assert (inbound.flag_rule, inbound.flag_clause) == ("addressed-to-other-entity", "11.1, 2.1")
    assert inbound.flag_reason.startswith(
        "Addressed to Hangzhou Alibaba Advertising Co., Ltd., but the member contracts with "
        "AliExpress Russia Holding Private Limited (clause 2.1)"
    )
    assert inbound.effective_at == inbound.received_at == T0 - timedelta(hours=2)
    assert inbound.registered_by == legal


def test_a_notice_to_the_members_contracting_entity_is_not_flagged(db, clock, legal):
    member = member_create(country="CN")

    inbound = _register(legal, member=member, channel="certified_mail")

    assert (inbound.flagged_wrong_entity, inbound.flag_rule) == (
        False,
        "addressed-to-contracting-entity",
    )


def test_without_a_member_the_entity_cannot_be_checked(db, clock, legal):
    inbound = _register(legal, addressed_entity="alibaba_sg", channel="personal")

    assert (inbound.flagged_wrong_entity, inbound.flag_rule) == (False, "no-member-to-compare")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"channel": "email"}, ["channel"]),
        ({"channel": "fax"}, ["channel"]),
        ({"addressed_entity": "acme"}, ["addressed_entity"]),
        ({"received_at": T0 + timedelta(minutes=1)}, ["received_at"]),
        ({"sender_name": ""}, ["sender_name"]),
    ],
)
def test_registration_refuses_what_11_1_does_not_allow(db, clock, legal, overrides, fields):
    with pytest.raises(InvalidInput) as excinfo:
        _register(legal, **overrides)

    assert list(excinfo.value.fields) == fields
    assert InboundLegalNotice.objects.count() == 0
