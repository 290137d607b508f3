"""Demo data for verification (clause 7.2): the demo suppliers the catalog shows as verified
get a real verification record behind the badge. Demo data only: their tier is set to a
paying one (the subscriptions part may also do so), the "documents" are blank PDFs drawn
here, and the checks are recorded by a demo Trust & safety agent."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from tradepost.billing.models import VerificationRequest, VerificationStatus
from tradepost.billing.services import verification as services
from tradepost.catalog.models import SupplierProfile
from tradepost.catalog.policy import load_membership_tiers
from tradepost.catalog.services import supplier_profile_staff_update
from tradepost.members.models import Member, User
from tradepost.policy.verification import load_verification_policy

# (email, paying tier when the supplier is on the default one, licence number).
DEMO_VERIFICATIONS = (
    ("sales@westlake-textile.example.com", "gold", "DEMO-BL-330100-2006-0417"),
    ("trade@kowloonbay-trading.example.com", "silver", "DEMO-BR-HK-61184722"),
)


def _blank_pdf(name: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def demo_verification_load() -> int:
    staff = (
        User.objects.filter(is_staff=True, is_active=True, groups__name="Trust & safety agent")
        .order_by("id")
        .first()
        or User.objects.filter(is_staff=True, is_superuser=True).order_by("id").first()
    )
    if staff is None:
        return 0
    default_tier = load_membership_tiers().default_tier
    added = 0
    for email, tier, licence in DEMO_VERIFICATIONS:
        member = Member.objects.filter(email=email, is_supplier=True).first()
        if member is None:
            continue
        if VerificationRequest.objects.filter(supplier=member).exists():
            continue
        profile = SupplierProfile.objects.filter(member=member).first()
        if profile is None or profile.membership_tier == default_tier:
            supplier_profile_staff_update(
                member=member,
                by=staff,
                changes={"membership_tier": tier},
                reason="Demo data: a paying tier so the supplier can be verified.",
            )
        fields = [
            key
            for key in load_verification_policy().default_fields()
            if key != "registration_number" or member.registration_number
        ]
        request = services.verification_request(
            member=member,
            fields=fields,
            claims={"business_licence": licence},
            documents=[("business_licence", _blank_pdf("demo-business-licence.pdf"))],
        )
        for check in request.checks.all():
            services.verification_check_record(
                verification_id=request.pk,
                field=check.field,
                result="verified",
                note="Demo data: checked against the demo documents.",
                by=staff,
            )
        services.verification_decide(
            verification_id=request.pk, decision=VerificationStatus.VERIFIED, by=staff
        )
        added += 1
    return added


def verification_tour(base_url: str) -> list[str]:
    lines = []
    for email, _tier, _licence in DEMO_VERIFICATIONS:
        member_id = Member.objects.filter(email=email).values_list("member_id", flat=True).first()
        if member_id:
            lines.append(
                f"Verification       {base_url}/suppliers/{member_id}/verification/  ({email})"
            )
    lines.append(f"  review           {base_url}/console/billing/verificationrequest/")
    return lines
