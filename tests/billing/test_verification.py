"""Verification of paying suppliers (clause 7.2): eligibility, checks, decisions, expiry and
the catalog's verified flag kept in step."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.billing.verification_helpers import (
    licence_png,
    request_create,
    supplier_create,
    verified_create,
    verifier_create,
)
from tradepost.audit.models import AuditEntry
from tradepost.billing.models import VerificationRequest, VerificationStatus
from tradepost.billing.rules.verification import verification_current, verification_eligibility
from tradepost.billing.selectors.verification import verification_public
from tradepost.billing.services import verification as svc
from tradepost.billing.verification_providers import set_verification_provider
from tradepost.billing.verification_providers.base import ProviderCheck, ProviderSubmission
from tradepost.catalog.models import SupplierProfile
from tradepost.errors import DomainError, InvalidInput
from tradepost.members.models import Member, MemberStatus
from tradepost.policy import PolicyError
from tradepost.policy.verification import load_verification_policy, parse_verification_policy


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier(db):
    return supplier_create()


@pytest.fixture
def verifier(db):
    return verifier_create()


# --- Policy and rules ---------------------------------------------------------------------


def test_the_policy_loads_with_a_year_of_validity_and_the_licence_required():
    policy = load_verification_policy()

    assert policy.validity_days == 365
    assert policy.required_documents() == ["business_licence"]
    assert "legal_name" in policy.default_fields()
    assert "year_established" not in policy.default_fields()


def test_the_policy_refuses_an_unknown_tier():
    data = {
        "eligible_tiers": ["platinum"],
        "fields": {
            "legal_name": {"label": "Legal name", "source": "member.company_name", "default": True}
        },
        "documents": {"licence": {"label": "Licence", "required": True}},
    }

    with pytest.raises(PolicyError, match="unknown tiers"):
        parse_verification_policy(data, tiers={"free", "gold"})


@pytest.mark.parametrize(
    ("tier", "supplier_role", "active", "open_request", "code"),
    [
        ("gold", True, True, False, ""),
        ("silver", True, True, False, ""),
        ("free", True, True, False, "verification_not_eligible"),
        ("gold", False, True, False, "not_a_supplier"),
        ("gold", True, False, False, "account_not_active"),
        ("gold", True, True, True, "verification_pending"),
    ],
)
def test_eligibility_is_for_active_paying_suppliers(
    tier, supplier_role, active, open_request, code
):
    decision = verification_eligibility(
        is_supplier=supplier_role,
        member_active=active,
        tier=tier,
        default_tier="free",
        has_open_request=open_request,
        policy=load_verification_policy(),
    )

    assert decision.allowed is (code == "")
    assert decision.code == code
    assert decision.clause == "7.2"


def test_a_verification_is_current_only_until_it_expires():
    now = timezone.now()

    assert verification_current(status="verified", expires_at=now + timedelta(1), now=now)
    assert not verification_current(status="verified", expires_at=now, now=now)
    assert not verification_current(status="expired", expires_at=now + timedelta(1), now=now)


# --- Requests -----------------------------------------------------------------------------


def test_a_paying_supplier_asks_with_its_record_as_the_claims(supplier):
    request = request_create(supplier)

    claims = {c.field: c.claimed_value for c in request.checks.all()}
    assert request.status == VerificationStatus.SUBMITTED
    assert request.provider == "manual"
    assert request.membership_tier == "gold"
    assert claims == {
        "legal_name": supplier.company_name,
        "registration_number": "91330100MA27XK1234",
        "registered_address": supplier.address,
        "country": "CN",
        "business_licence": "BL-330100-2004-0815",
    }
    assert [d.kind for d in request.documents.all()] == ["business_licence"]
    assert request.documents.get().content_type == "application/pdf"
    entry = AuditEntry.objects.get(action="verification_request")
    assert entry.member_id == supplier.member_id
    assert entry.clause == "7.2"


def test_a_free_supplier_may_not_ask(db):
    member = supplier_create(tier="free")

    with pytest.raises(svc.VerificationNotEligible) as caught:
        request_create(member)

    assert caught.value.code == "verification_not_eligible"
    assert caught.value.status == 403
    assert VerificationRequest.objects.count() == 0


def test_a_suspended_supplier_may_not_ask(supplier):
    Member.objects.filter(pk=supplier.pk).update(status=MemberStatus.SUSPENDED)
    supplier.refresh_from_db()

    with pytest.raises(DomainError) as caught:
        request_create(supplier)

    assert caught.value.code == "account_not_active"


def test_one_open_request_at_a_time(supplier):
    request_create(supplier)

    with pytest.raises(svc.VerificationPending) as caught:
        request_create(supplier)

    assert caught.value.status == 409
    assert VerificationRequest.objects.count() == 1


def test_the_business_licence_is_required(supplier):
    with pytest.raises(InvalidInput) as caught:
        request_create(supplier, documents=[("address_proof", licence_png())])

    assert list(caught.value.fields) == ["documents.business_licence"]
    assert VerificationRequest.objects.count() == 0


def test_a_document_that_is_not_a_pdf_or_image_is_refused(supplier):
    upload = SimpleUploadedFile(
        "licence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )

    with pytest.raises(InvalidInput) as caught:
        request_create(supplier, documents=[("business_licence", upload)])

    assert caught.value.code == "invalid_document"
    assert VerificationRequest.objects.count() == 0


def test_unknown_fields_and_missing_claims_are_named(supplier):
    with pytest.raises(InvalidInput) as caught:
        request_create(supplier, fields=["legal_name", "turnover", "business_licence"], claims={})

    assert caught.value.fields == {
        "fields": ["Not a field that can be verified: turnover."],
        "claims.business_licence": ["Enter the business licence number."],
    }


def test_a_field_the_profile_lacks_cannot_be_claimed(supplier):
    Member.objects.filter(pk=supplier.pk).update(registration_number="")
    supplier.refresh_from_db()

    with pytest.raises(InvalidInput) as caught:
        request_create(supplier, fields=["registration_number"], claims={})

    assert list(caught.value.fields) == ["fields.registration_number"]


def test_a_provider_may_answer_checks_at_once(supplier):
    class Registry:
        name = "registry"

        def submit(self, *, request_id, country, claims):
            return ProviderSubmission(
                reference="REG-1",
                checks=[ProviderCheck(field="legal_name", result="verified", verified_value="X")],
            )

    set_verification_provider(Registry())
    try:
        request = request_create(supplier)
    finally:
        set_verification_provider(None)

    check = request.checks.get(field="legal_name")
    assert request.provider == "registry"
    assert request.provider_reference == "REG-1"
    assert (check.result, check.verified_value, check.provider) == ("verified", "X", "registry")
    assert request.checks.filter(result="pending").count() == 4


# --- Checks and decisions -----------------------------------------------------------------


def test_staff_record_a_check_and_the_request_goes_into_review(supplier, verifier):
    request = request_create(supplier)

    check = svc.verification_check_record(
        verification_id=request.pk, field="legal_name", result="verified", by=verifier
    )

    request.refresh_from_db()
    assert request.status == VerificationStatus.IN_REVIEW
    assert check.verified_value == supplier.company_name
    assert check.checked_by == verifier
    assert check.provider == "manual"
    assert AuditEntry.objects.get(action="verification_check_record").actor == verifier


def test_a_bad_result_is_refused(supplier, verifier):
    request = request_create(supplier)

    with pytest.raises(InvalidInput) as caught:
        svc.verification_check_record(
            verification_id=request.pk, field="legal_name", result="pending", by=verifier
        )

    assert list(caught.value.fields) == ["result"]


def test_a_member_cannot_record_checks(supplier):
    request = request_create(supplier)

    with pytest.raises(DomainError) as caught:
        svc.verification_check_record(
            verification_id=request.pk, field="legal_name", result="verified", by=supplier.user
        )

    assert caught.value.code == "permission_denied"


def test_verifying_needs_every_field_checked(supplier, verifier):
    request = request_create(supplier)
    svc.verification_check_record(
        verification_id=request.pk, field="legal_name", result="verified", by=verifier
    )

    with pytest.raises(InvalidInput) as caught:
        svc.verification_decide(verification_id=request.pk, decision="verified", by=verifier)

    assert caught.value.code == "checks_incomplete"


def test_verifying_sets_a_year_of_validity_and_the_catalog_flag(supplier, verifier):
    request = verified_create(supplier, verifier, mismatch=("registered_address",))

    profile = SupplierProfile.objects.get(member=supplier)
    assert request.status == VerificationStatus.VERIFIED
    assert request.expires_at - request.verified_at == timedelta(days=365)
    assert profile.verified is True
    assert AuditEntry.objects.get(action="supplier_verified_sync").after == {"verified": True}
    assert profile.staff_changes.get().by == verifier


def test_the_public_record_leaves_out_what_did_not_verify(supplier, verifier):
    verified_create(supplier, verifier, mismatch=("registered_address",))

    public = verification_public(supplier.member_id)

    assert public.verified is True
    assert [f.field for f in public.fields] == [
        "legal_name",
        "registration_number",
        "country",
        "business_licence",
    ]
    assert public.verified_by == "Tradepost staff (Trust & safety agent)"
    assert "verifier" not in {f.checked_by for f in public.fields}


def test_rejecting_needs_a_reason_and_leaves_the_flag_off(supplier, verifier):
    request = request_create(supplier)

    with pytest.raises(InvalidInput):
        svc.verification_decide(verification_id=request.pk, decision="rejected", by=verifier)
    svc.verification_decide(
        verification_id=request.pk, decision="rejected", by=verifier, reason="Licence expired."
    )

    request.refresh_from_db()
    assert request.status == VerificationStatus.REJECTED
    assert request.decision_reason == "Licence expired."
    assert SupplierProfile.objects.get(member=supplier).verified is False


def test_a_decided_request_cannot_be_decided_again(supplier, verifier):
    request = verified_create(supplier, verifier)

    with pytest.raises(svc.VerificationIllegalTransition) as caught:
        svc.verification_decide(
            verification_id=request.pk, decision="rejected", by=verifier, reason="No."
        )

    assert caught.value.status == 409


def test_a_renewal_replaces_the_earlier_verification(supplier, verifier):
    first = verified_create(supplier, verifier)

    second = verified_create(supplier, verifier)

    first.refresh_from_db()
    assert first.status == VerificationStatus.EXPIRED
    assert second.status == VerificationStatus.VERIFIED
    assert SupplierProfile.objects.get(member=supplier).verified is True


# --- Expiry -------------------------------------------------------------------------------


def test_the_expiry_task_lapses_verifications_past_their_period(supplier, verifier):
    request = verified_create(supplier, verifier)
    other = verified_create(supplier_create(), verifier)

    count = svc.verification_expire_due(now=request.expires_at + timedelta(seconds=1))

    request.refresh_from_db()
    assert count == 2
    assert request.status == VerificationStatus.EXPIRED
    assert SupplierProfile.objects.get(member=supplier).verified is False
    assert SupplierProfile.objects.get(member=other.supplier).verified is False
    assert AuditEntry.objects.filter(action="verification_expire", actor=None).count() == 2


def test_the_expiry_task_leaves_current_verifications(supplier, verifier):
    request = verified_create(supplier, verifier)

    count = svc.verification_expire_due(now=request.expires_at - timedelta(days=1))

    assert count == 0
    assert SupplierProfile.objects.get(member=supplier).verified is True


def test_a_lapsed_verification_is_not_public_before_the_task_runs(supplier, verifier):
    request = verified_create(supplier, verifier)

    public = verification_public(supplier.member_id, now=request.expires_at)

    assert public.verified is False
    assert public.fields == []


def test_a_missing_claim_and_a_missing_licence_are_named_together(supplier):
    with pytest.raises(InvalidInput) as caught:
        request_create(supplier, claims={}, documents=[])

    assert sorted(caught.value.fields) == ["claims.business_licence", "documents.business_licence"]


def test_the_cron_command_expires_what_is_due(supplier, verifier):
    from io import StringIO

    from django.core.management import call_command

    request = verified_create(supplier, verifier)
    VerificationRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()

    call_command("verification", "expire", stdout=out)

    assert out.getvalue() == "1 verification expired.\n"
    assert SupplierProfile.objects.get(member=supplier).verified is False


def test_the_task_runs_the_expiry(supplier, verifier):
    from tradepost.billing.verification_tasks import verifications_expire_task

    verified_create(supplier, verifier)

    assert verifications_expire_task.call() == 0
