"""The compliance demo (clause 5.13), loaded by `tradepost demo_data` through
`tradepost.demo`: a small FICTIONAL sanctions list bundled with the project (the real lists
are imported with `tradepost sanctions import`), and a demo member whose company name is a
noisy alias of one of its entries, so the review queue has an open hit and the member is
held pending review, as registration does it."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from tradepost.compliance.models import SanctionsList
from tradepost.compliance.services import sanctions_import
from tradepost.members.models import Member
from tradepost.trade.management.commands.demo_data import DEMO_MEMBER_PASSWORD
from tradepost.trust.demo import DemoMember, demo_member_register

DEMO_LIST = Path(__file__).parent / "demo_data" / "tradepost-demo.ftm.json"
DEMO_SOURCE = "ftm:tradepost-demo"

COMPLIANCE_DEMO_MEMBERS = (
    # A noisy alias of the fictional "Meridian Dual-Use Components FZE" (alias "Meridian
    # Components Trading"): the hit reaches the hold score, so the member is held.
    DemoMember(
        site="alibaba",
        company_name="Meridian Components Trading L.L.C.",
        business_type="trading_company",
        country="AE",
        address="Office 1204, Jafza View 18, Jebel Ali Free Zone, Dubai",
        contact_name="Rashid Al Mansoori",
        email="sales@meridian-components.example.com",
        phone="+971 4 555 0199",
        registration_number="",
        roles=("buyer", "supplier"),
    ),
)


def demo_compliance_load() -> int:
    """Import the demo list once, then register the demo member (screened as any other)."""
    parts = 0
    with transaction.atomic():
        if not SanctionsList.objects.filter(source=DEMO_SOURCE).exists():
            sanctions_import(fmt="ftm", paths=[DEMO_LIST])
            parts += 1
        for spec in COMPLIANCE_DEMO_MEMBERS:
            parts += demo_member_register(spec, password=DEMO_MEMBER_PASSWORD)
    return parts


def compliance_tour(base_url: str) -> list[str]:
    lines = [
        f"Compliance         {base_url}/console/compliance/screeninghit/  (demo-compliance)",
        f"  demo list        {DEMO_SOURCE}: 3 FICTIONAL entries, for the demo only; import the",
        "                   real lists with `tradepost sanctions import` (README, Compliance)",
    ]
    for spec in COMPLIANCE_DEMO_MEMBERS:
        member_id = (
            Member.objects.filter(email=spec.email).values_list("member_id", flat=True).first()
        )
        lines.append(
            f"  held member      {member_id or '-'}  {spec.company_name} ({spec.email}): an "
            "open hit, held pending review"
        )
    return lines
