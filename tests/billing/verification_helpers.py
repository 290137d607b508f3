"""Helpers for the verification tests (clause 7.2): a paying supplier, staff, uploads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import image_bytes, member_create, pdf_bytes, staff_create
from tradepost.billing.services import verification as svc
from tradepost.catalog.models import SupplierProfile
from tradepost.members.models import Member, User

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


def supplier_create(*, tier: str = "gold", **overrides) -> Member:
    member = member_create(country="CN", roles=["supplier"], **overrides)
    Member.objects.filter(pk=member.pk).update(registration_number="91330100MA27XK1234")
    member.refresh_from_db()
    SupplierProfile.objects.update_or_create(
        member=member, defaults={"membership_tier": tier, "year_established": 2004}
    )
    return member


def verifier_create(username: str = "verifier") -> User:
    return staff_create(username=username, role="Trust & safety agent")


def licence_pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def licence_png(name: str = "licence.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def request_create(member: Member, **overrides):
    kwargs = {
        "documents": [("business_licence", licence_pdf())],
        "claims": {"business_licence": "BL-330100-2004-0815"},
    }
    kwargs.update(overrides)
    return svc.verification_request(member=member, **kwargs)


def verified_create(member: Member, by: User, *, mismatch: tuple[str, ...] = ()):
    """A request with every field checked (verified unless named in `mismatch`) and decided."""
    request = request_create(member)
    for check in request.checks.all():
        result = "mismatch" if check.field in mismatch else "verified"
        svc.verification_check_record(
            verification_id=request.pk, field=check.field, result=result, by=by
        )
    return svc.verification_decide(verification_id=request.pk, decision="verified", by=by)
