"""Clauses 1.2, 2.1, 4.1, 4.2, 5.1, 5.11: registering a business, second accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tradepost.errors import Conflict, InvalidInput
from tradepost.members import identity
from tradepost.members.models import (
    BusinessType,
    DuplicateSignal,
    Member,
    MemberIdentifier,
    SecondAccountApproval,
    SignalOutcome,
    Site,
    User,
)
from tradepost.members.rules import contracting_entity_for
from tradepost.members.services.common import (
    REGISTRATION_NUMBER_MAX_LENGTH,
    SECOND_ACCOUNT_APPROVAL_DAYS,
    DuplicateAccount,
    SecondAccountAlreadyApproved,
    duplicate_error,
)
from tradepost.members.signals import member_registered
from tradepost.members.validation import (
    Cleaned,
    choice,
    identity_claims,
    optional_text,
    password_problems,
    required_reason,
    required_text,
    roles_clean,
)


@dataclass
class RegistrationInput:
    site: str
    company_name: str
    business_type: str
    country: str
    address: str
    contact_name: str
    email: str
    phone: str
    password: str
    attest_legal_age: bool
    attest_business_use: bool
    accept_terms: bool
    access_country: str | None = None
    registration_number: str | None = None
    roles: list[str] | None = None


def registration_clean(data: RegistrationInput) -> dict[str, Any]:
    """The registration's cleaned values, or InvalidInput naming every field's problems."""
    c = Cleaned()
    c.take("site", choice, data.site, Site, "Site")
    c.take("company_name", required_text, data.company_name, "Company legal name", 200)
    c.take("business_type", choice, data.business_type, BusinessType, "Business type")
    country = c.take("country", identity.normalise_country, data.country)
    if data.access_country:
        c.take("access_country", identity.normalise_country, data.access_country)
    elif country:
        c.values["access_country"] = country
    c.take("address", required_text, data.address, "Address", 1000, multiline=True)
    c.take("contact_name", required_text, data.contact_name, "Contact person", 200)
    c.take("email", identity.clean_email, data.email)
    if country:
        c.take("phone", identity.clean_phone, data.phone, country=country)
    c.take(
        "registration_number",
        optional_text,
        data.registration_number,
        "Registration number",
        REGISTRATION_NUMBER_MAX_LENGTH,
    )
    c.take("roles", roles_clean, data.roles)
    if not data.attest_legal_age:
        c.errors["attest_legal_age"] = [
            "You must confirm you are of legal age to form a binding contract (clause 1.2)."
        ]
    if not data.attest_business_use:
        c.errors["attest_business_use"] = [
            "Tradepost is for businesses only: confirm business use (clauses 5.1 b, 5.11)."
        ]
    if not data.accept_terms:
        c.errors["accept_terms"] = ["You must accept the Terms of Use to register (clause 1.1)."]
    password_errors = password_problems(
        data.password or "",
        User(username=c.values.get("company_name", ""), email=c.values.get("email", "")),
    )
    if password_errors:
        c.errors["password"] = password_errors
    if c.errors:
        raise InvalidInput("Please correct the highlighted fields.", fields=c.errors)
    return c.values


def _new_member_id(country: str) -> str:
    """Clause 4.2: a unique, stable member ID, country prefix plus ten digits."""
    for _ in range(20):
        candidate = f"{country.lower()}{secrets.randbelow(10**10):010d}"
        if not User.objects.filter(username=candidate).exists():
            return candidate
    raise RuntimeError("could not allocate a member ID")


def _usable_approval(matches: list[MemberIdentifier]) -> SecondAccountApproval | None:
    """A live approval naming every identifier the registration shares with a member.

    An approval granted for one shared email does not cover another member's phone number.
    """
    approvals = SecondAccountApproval.objects.select_for_update().filter(
        used_by__isnull=True, closed_at__isnull=True, expires_at__gt=timezone.now()
    )
    for match in matches:
        approvals = approvals.filter(**{match.kind: match.value})
    return approvals.order_by("created_at", "pk").first()


def registration_refusal_record(
    *, error: DuplicateAccount, values: dict[str, Any], ip: str | None
) -> None:
    """Clause 4.1: every identifier a refused registration shares with a member becomes a
    duplicate signal. Call it outside the refused registration's transaction, which rolls
    back, so the signals stay."""
    matches: list[MemberIdentifier] = error.extra.pop("matches", [])
    attempt = {k: values.get(k) for k in ("site", "company_name", "country", "email", "phone")}
    attempt["registration_number"] = values.get("registration_number", "")
    with transaction.atomic():
        DuplicateSignal.objects.bulk_create(
            DuplicateSignal(
                kind=m.kind,
                value=m.value,
                existing_member_id=m.member_id,
                outcome=SignalOutcome.REFUSED,
                attempt=attempt,
                ip=ip,
            )
            for m in matches
        )


@transaction.atomic
def member_create(*, values: dict[str, Any], password: str, ip: str | None) -> Member:
    """Clauses 4.1, 4.2, 2.1: the member and its login from cleaned registration values.

    Refuses (DuplicateAccount, its matches in `extra["matches"]`) a registration whose
    normalised email, phone or registration number is already held, unless staff approved a
    second account. Registration also records the acceptance of the Terms in force (1.1):
    `terms.registration.member_register` does both in one transaction; call that.
    """
    claims = identity_claims(values)
    query = Q()
    for kind, value in claims:
        query |= Q(kind=kind, value=value)
    matches = list(MemberIdentifier.objects.filter(query).select_related("member"))
    approval = _usable_approval(matches) if matches else None
    if matches and approval is None:
        error = duplicate_error(matches)
        error.extra["matches"] = matches
        raise error
    decision = contracting_entity_for(
        site=values["site"], country=values["country"], access_country=values["access_country"]
    )
    member_id = _new_member_id(values["country"])
    user = User.objects.create_user(member_id, password, email=values["email"])
    member = Member.objects.create(
        user=user,
        member_id=member_id,
        site=values["site"],
        company_name=values["company_name"],
        business_type=values["business_type"],
        country=values["country"],
        access_country=values["access_country"],
        address=values["address"],
        contact_name=values["contact_name"],
        email=values["email"],
        phone=values["phone"],
        registration_number=values["registration_number"],
        is_buyer="buyer" in values["roles"],
        is_supplier="supplier" in values["roles"],
        contracting_entity=decision.entity.key,
        contracting_rule=decision.rule_id,
        contracting_clause=decision.clause,
        registration_ip=ip,
    )
    approved = {(m.kind, m.value) for m in matches}
    try:
        with transaction.atomic():
            MemberIdentifier.objects.bulk_create(
                MemberIdentifier(
                    member=member,
                    kind=k,
                    value=v,
                    slot=approval.pk if approval and (k, v) in approved else 0,
                )
                for k, v in claims
            )
    except IntegrityError:
        # Lost a race with a concurrent registration of the same identifiers.
        raced = list(MemberIdentifier.objects.filter(query).exclude(member=member))
        error = duplicate_error(raced)
        error.extra["matches"] = raced
        raise error from None
    if approval is not None:
        approval.used_by = member
        approval.used_at = timezone.now()
        approval.save(update_fields=["used_by", "used_at"])
        DuplicateSignal.objects.bulk_create(
            DuplicateSignal(
                kind=m.kind,
                value=m.value,
                existing_member_id=m.member_id,
                new_member=member,
                outcome=SignalOutcome.APPROVED,
                attempt={"approval": approval.pk},
                ip=ip,
            )
            for m in matches
        )
    member_registered.send(sender=Member, member=member, ip=ip)
    return member


@transaction.atomic
def second_account_approve(
    *, signal: DuplicateSignal, by: User, reason: str
) -> SecondAccountApproval:
    """Clause 4.1 "except with Alibaba.com's approval": staff allow one more account.

    Only a refused registration can be approved. Approving the same attempt again while its
    approval is unused answers that approval, so a repeated click never allows two accounts.
    """
    reason = required_reason(reason)
    if signal.outcome != SignalOutcome.REFUSED:
        raise Conflict("Only a refused registration can be approved.")
    attempt = signal.attempt or {}
    country = attempt.get("country", "")
    identifiers = {
        "email": identity.email_identity(attempt["email"]) if attempt.get("email") else "",
        "phone": attempt.get("phone", "") or "",
        "registration_number": identity.registration_number_identity(
            attempt.get("registration_number", "") or "", country=country
        ),
    }
    now = timezone.now()
    open_approvals = SecondAccountApproval.objects.select_for_update().filter(
        used_by__isnull=True, closed_at__isnull=True, **identifiers
    )
    pending = open_approvals.filter(expires_at__gt=now).order_by("created_at", "pk").first()
    if pending is not None:
        return pending
    open_approvals.update(closed_at=now)  # expired and unused: replaced by the new one
    try:
        with transaction.atomic():
            return SecondAccountApproval.objects.create(
                **identifiers,
                reason=reason,
                approved_by=by,
                expires_at=now + timedelta(days=SECOND_ACCOUNT_APPROVAL_DAYS),
            )
    except IntegrityError:
        # A concurrent approval of the same identifiers committed first (the constraint
        # one_open_second_account_approval): it is the one that counts.
        raise SecondAccountAlreadyApproved(
            "Another staff member has just approved a second account for this registration; "
            "that approval applies. Refresh to see it."
        ) from None
