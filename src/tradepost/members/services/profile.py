"""Clauses 5.2 and 5.8: keeping member information current; business referees."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tradepost.errors import Conflict, InvalidInput, NotFound
from tradepost.members import identity
from tradepost.members.models import (
    BusinessReferee,
    BusinessType,
    Member,
    MemberIdentifier,
    ProfileRevision,
    User,
)
from tradepost.members.rules import contracting_entity_for
from tradepost.members.services.common import (
    REGISTRATION_NUMBER_MAX_LENGTH,
    duplicate_error,
)
from tradepost.members.signals import member_names_changed
from tradepost.members.validation import (
    Cleaned,
    choice,
    identity_claims,
    optional_text,
    required_text,
    roles_clean,
)

# --- Profile (clause 5.2) -----------------------------------------------------------------

EDITABLE_FIELDS = (
    "company_name",
    "business_type",
    "country",
    "access_country",
    "address",
    "contact_name",
    "email",
    "phone",
    "registration_number",
    "roles",
)


@transaction.atomic
def member_update_profile(
    *, member: Member, by: User, changes: dict[str, Any], ip: str | None
) -> Member:
    """Clause 5.2: keep information current. Each edit is a revision (who, when, what).

    A change of country or access country re-decides the contracting entity (2.1).
    A change of email, phone or registration number is held to clause 4.1 like registration.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput("Unknown fields.", fields={k: ["Not editable."] for k in unknown})
    current = {
        "company_name": member.company_name,
        "business_type": member.business_type,
        "country": member.country,
        "access_country": member.access_country,
        "address": member.address,
        "contact_name": member.contact_name,
        "email": member.email,
        "phone": member.phone,
        "registration_number": member.registration_number,
        "roles": member.roles,
    }
    merged = {**current, **{k: v for k, v in changes.items() if v is not None}}
    c = Cleaned()
    c.take("company_name", required_text, merged["company_name"], "Company legal name", 200)
    c.take("business_type", choice, merged["business_type"], BusinessType, "Business type")
    country = c.take("country", identity.normalise_country, merged["country"])
    c.take("access_country", identity.normalise_country, merged["access_country"])
    c.take("address", required_text, merged["address"], "Address", 1000, multiline=True)
    c.take("contact_name", required_text, merged["contact_name"], "Contact person", 200)
    c.take("email", identity.clean_email, merged["email"])
    if country:
        c.take("phone", identity.clean_phone, merged["phone"], country=country)
    c.take(
        "registration_number",
        optional_text,
        merged["registration_number"],
        "Registration number",
        REGISTRATION_NUMBER_MAX_LENGTH,
    )
    c.take("roles", roles_clean, merged["roles"])
    if c.errors:
        raise InvalidInput("Please correct the highlighted fields.", fields=c.errors)
    new = c.values
    diff = {k: [current[k], new[k]] for k in EDITABLE_FIELDS if current[k] != new[k]}
    if not diff:
        return member
    claims = identity_claims(new)
    old_claims = set(member.identifiers.values_list("kind", "value"))
    added = [(k, v) for k, v in claims if (k, v) not in old_claims]
    if added:
        query = Q()
        for kind, value in added:
            query |= Q(kind=kind, value=value)
        taken = list(MemberIdentifier.objects.filter(query).exclude(member=member))
        if taken:
            raise duplicate_error(taken)
    member.identifiers.exclude(
        pk__in=[i.pk for i in member.identifiers.all() if (i.kind, i.value) in set(claims)]
    ).delete()
    try:
        with transaction.atomic():
            MemberIdentifier.objects.bulk_create(
                MemberIdentifier(member=member, kind=k, value=v) for k, v in added
            )
    except IntegrityError:
        raise duplicate_error([]) from None
    for key in EDITABLE_FIELDS:
        if key == "roles":
            member.is_buyer = "buyer" in new["roles"]
            member.is_supplier = "supplier" in new["roles"]
        else:
            setattr(member, key, new[key])
    if "country" in diff or "access_country" in diff:
        decision = contracting_entity_for(
            site=member.site, country=member.country, access_country=member.access_country
        )
        if decision.entity.key != member.contracting_entity:
            diff["contracting_entity"] = [member.contracting_entity, decision.entity.key]
        member.contracting_entity = decision.entity.key
        member.contracting_rule = decision.rule_id
        member.contracting_clause = decision.clause
    member.save()
    if "email" in diff:
        User.objects.filter(pk=member.user_id).update(email=member.email)
    ProfileRevision.objects.create(member=member, changed_by=by, changes=diff, ip=ip)
    if "company_name" in diff or "contact_name" in diff:
        member_names_changed.send(sender=Member, member=member)
    return member


# --- Business referees (clause 5.8) -------------------------------------------------------


@transaction.atomic
def referee_add(
    *,
    member: Member,
    name: str,
    company: str = "",
    email: str = "",
    phone: str = "",
    relationship: str = "",
    consent_given: bool,
) -> BusinessReferee:
    """Clause 5.8: the member warrants the referee consented; we record that warranty."""
    c = Cleaned()
    c.take("name", required_text, name, "Referee name", 200)
    c.take("company", optional_text, company, "Company", 200)
    if email:
        c.take("email", identity.clean_email, email)
    if phone:
        c.take("phone", identity.clean_phone, phone, country=member.country)
    c.take("relationship", optional_text, relationship, "Relationship", 200)
    if c.errors:
        raise InvalidInput("Please correct the highlighted fields.", fields=c.errors)
    Member.objects.select_for_update().filter(pk=member.pk).first()  # serialise the count
    if member.referees.count() >= 20:
        raise Conflict("A member can list at most 20 business referees.")
    referee = BusinessReferee.objects.create(
        member=member,
        name=c.values["name"],
        company=c.values.get("company", ""),
        email=c.values.get("email", ""),
        phone=c.values.get("phone", ""),
        relationship=c.values.get("relationship", ""),
        consent_given=consent_given,
        consent_recorded_at=timezone.now() if consent_given else None,
    )
    member_names_changed.send(sender=Member, member=member)
    return referee


@transaction.atomic
def referee_remove(*, member: Member, referee_id: int) -> None:
    deleted, _ = BusinessReferee.objects.filter(pk=referee_id, member=member).delete()
    if not deleted:
        raise NotFound("No such referee.")
    member_names_changed.send(sender=Member, member=member)
