"""Demo part of the service catalogue (issue 13): one supplier on the Gold plan, paid with
the SIMULATED provider, with its invoice (a Chinese address, printed with the CID font)."""

from __future__ import annotations

from django.db import transaction

from tradepost.billing.selectors.subscriptions import member_active_plan
from tradepost.billing.services.subscriptions import subscription_start
from tradepost.members.models import Member
from tradepost.terms.services import AgreementAcceptanceRequired, agreement_accept
from tradepost.trade.management.commands.demo_data import DEMO_MEMBER_PASSWORD
from tradepost.trust.demo import DemoMember, demo_member_register

GOLD_SUPPLIER = DemoMember(
    site="alibaba",
    company_name="Hangzhou Jade River Hardware Co., Ltd.",
    business_type="manufacturer",
    country="CN",
    address="浙江省杭州市余杭区文一西路969号 (969 Wenyi West Road, Yuhang, Hangzhou)",
    contact_name="Chen Jiayi",
    email="sales@jade-river-hardware.example.com",
    phone="+86 138 0013 7701",
    registration_number="91330110MA2B0DEMO1",
    roles=("supplier",),
)
GOLD_PLAN = "gold-cny-12m"


def demo_subscriptions_load() -> int:
    """Register the demo Gold supplier and subscribe it once (accepting the paid services'
    Additional Agreement in force first, if there is one)."""
    parts = 0
    with transaction.atomic():
        parts += demo_member_register(GOLD_SUPPLIER, password=DEMO_MEMBER_PASSWORD)
        member = Member.objects.get(email=GOLD_SUPPLIER.email)
        if member_active_plan(member) is not None:
            return parts
        for _attempt in range(5):
            try:
                subscription_start(member=member, plan_id=GOLD_PLAN, by=member.user)
            except AgreementAcceptanceRequired as exc:
                agreement_accept(member=member, version_id=exc.agreement.version.id, ip=None)
                continue
            return parts + 1
    return parts


def subscriptions_tour(base_url: str) -> list[str]:
    member = Member.objects.filter(email=GOLD_SUPPLIER.email).first()
    active = member_active_plan(member) if member else None
    invoice = active.invoices.order_by("issued_at").first() if active else None
    return [
        f"Billing            {base_url}/account/billing/  (plans offered by region, clause 2.3)",
        f"  gold supplier    {member.member_id if member else '-'}  {GOLD_SUPPLIER.company_name}"
        f" ({GOLD_SUPPLIER.email}), plan {active.plan_id if active else '-'}",
        f"  invoice          {invoice.number if invoice else '-'}  "
        f"{base_url}/account/billing/invoices/{invoice.pk if invoice else 0}.pdf"
        " (SIMULATED payment)",
        f"  console          {base_url}/console/billing/subscription/",
    ]
