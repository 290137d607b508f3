"""Shared by the member use cases: domain errors and limits. Field cleaning is in
`tradepost.members.validation`."""

from __future__ import annotations

from tradepost.errors import AccountNotActive, Conflict, DomainError
from tradepost.members.models import IdentifierKind, MemberIdentifier
from tradepost.members.validation import ROLES

__all__ = [
    "REGISTRATION_NUMBER_MAX_LENGTH",
    "ROLES",
    "SECOND_ACCOUNT_APPROVAL_DAYS",
    "AccountNotActive",
    "DuplicateAccount",
    "InvalidCredentials",
    "SecondAccountAlreadyApproved",
    "duplicate_error",
]

# The approval keeps the number's identity ("DE:" + letters and digits) in 64 characters.
REGISTRATION_NUMBER_MAX_LENGTH = 60
SECOND_ACCOUNT_APPROVAL_DAYS = 14


class DuplicateAccount(DomainError):
    """Clause 4.1: one user, one member account, unless staff approves another."""

    code = "duplicate_account"
    status = 409


class SecondAccountAlreadyApproved(Conflict):
    """Clause 4.1: another staff member approved a second account for the same identifiers
    at the same moment; one approval allows one account."""

    code = "second_account_already_approved"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401


def duplicate_error(matches: list[MemberIdentifier]) -> DuplicateAccount:
    labels = {k: str(IdentifierKind(k).label).lower() for k in IdentifierKind.values}
    fields: dict[str, list[str]] = {}
    for kind in sorted({m.kind for m in matches}):
        fields[kind] = [f"This {labels[kind]} already belongs to a member account."]
    return DuplicateAccount(
        "A member account already exists for this business. One user may hold one account "
        "(clause 4.1); contact support if you need staff approval for a second account.",
        fields=fields,
    )
