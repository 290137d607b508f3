"""The compliance demo: a fictional list and a member held on a noisy alias of it, once."""

import pytest

from tradepost import gates
from tradepost.compliance.demo import COMPLIANCE_DEMO_MEMBERS, DEMO_SOURCE, demo_compliance_load
from tradepost.compliance.models import Entry, ScreeningHit
from tradepost.members.models import Member

pytestmark = pytest.mark.django_db


def test_the_demo_holds_its_member_on_a_hit_and_loads_once():
    assert demo_compliance_load() == 2

    member = Member.objects.get(email=COMPLIANCE_DEMO_MEMBERS[0].email)
    hit = ScreeningHit.objects.get(member=member)
    assert (hit.status, hit.list_source, hit.entry_source_id) == (
        "open",
        DEMO_SOURCE,
        "tpdemo-meridian",
    )
    assert hit.holds is True
    assert gates.compliance_review_pending(member) is True
    assert all(
        "FICTIONAL" in e.remarks for e in Entry.objects.filter(sanctions_list__source=DEMO_SOURCE)
    )

    assert demo_compliance_load() == 0
    assert ScreeningHit.objects.count() == 1
