"""Registering a business (clauses 1.1, 1.2, 2.1, 4.1, 4.2, 5.1, 5.11): the member and its
acceptance of the Terms in force, in one transaction.

Registration is orchestrated here, above members: members creates the member
(`members.services.member_create`), the terms layer records what it accepted (1.1, 4.4).
"""

from __future__ import annotations

from django.db import transaction

from tradepost.members.models import Member
from tradepost.members.services import (
    DuplicateAccount,
    RegistrationInput,
    member_create,
    registration_clean,
    registration_refusal_record,
)
from tradepost.terms.models import AcceptanceMethod
from tradepost.terms.selectors import terms_version_in_force
from tradepost.terms.services import terms_accept

__all__ = ["RegistrationInput", "member_register"]


def member_register(*, data: RegistrationInput, ip: str | None) -> Member:
    """Clauses 1.1, 1.2, 4.1, 4.2, 5.1, 5.11, 2.1: register a business as a member, bound by
    the version of the Terms in force on its site (accepted at registration, 1.1).

    Refuses a registration whose normalised email, phone or registration number is already
    held (unless staff approved a second account); every match is recorded as a signal,
    even though the registration itself rolls back.
    """
    values = registration_clean(data)
    try:
        return _member_create_accepting_terms(values=values, password=data.password, ip=ip)
    except DuplicateAccount as exc:
        registration_refusal_record(error=exc, values=values, ip=ip)
        raise


@transaction.atomic
def _member_create_accepting_terms(*, values: dict, password: str, ip: str | None) -> Member:
    member = member_create(values=values, password=password, ip=ip)
    version = terms_version_in_force(site=member.site)
    terms_accept(member_pk=member.pk, version=version, method=AcceptanceMethod.REGISTRATION, ip=ip)
    return member
