"""Shared by the member use cases: domain errors, field cleaning, identity claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tradepost.errors import DomainError, InvalidInput
from tradepost.members import identity
from tradepost.members.models import (
    IdentifierKind,
    MemberIdentifier,
    User,
)
from tradepost.text import clean_name, clean_text, text_problem

ROLES = ("buyer", "supplier")
# The approval keeps the number's identity ("DE:" + letters and digits) in 64 characters.
REGISTRATION_NUMBER_MAX_LENGTH = 60
SECOND_ACCOUNT_APPROVAL_DAYS = 14


class DuplicateAccount(DomainError):
    """Clause 4.1: one user, one member account, unless staff approves another."""

    code = "duplicate_account"
    status = 409


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401


class AccountNotActive(DomainError):
    code = "account_not_active"
    status = 403


# --- Registration -------------------------------------------------------------------------


@dataclass
class _Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def take(self, name: str, fn, *args, **kwargs) -> Any:
        try:
            value = fn(*args, **kwargs)
        except ValueError as exc:
            self.errors.setdefault(name, []).append(str(exc))
            return None
        self.values[name] = value
        return value


def _required_text(value: str | None, label: str, max_length: int, multiline=False) -> str:
    text = clean_text(value or "", multiline=True) if multiline else clean_name(value or "")
    if not text:
        raise ValueError(f"{label} is required.")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long (at most {max_length} characters).")
    return text


def _choice(value: str, choices, label: str) -> str:
    if value not in choices.values:
        raise ValueError(f"{label} must be one of: {', '.join(choices.values)}.")
    return value


def _roles(value: list[str] | None) -> list[str]:
    roles = list(ROLES) if value is None else list(dict.fromkeys(value))
    if not roles or any(r not in ROLES for r in roles):
        raise ValueError("Roles must be a non-empty list of 'buyer' and/or 'supplier'.")
    return roles


def _optional_text(value: str | None, label: str, max_length: int) -> str:
    text = clean_name(value or "")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long (at most {max_length} characters).")
    return text


def _password_problems(password: str, user: User) -> list[str]:
    """Django's validators, plus text a member could never type again at a login form."""
    if text_problem(password):
        return ["The password may not contain control characters or invalid Unicode."]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _required_reason(reason: str | None, *, missing: str = "A reason is required.") -> str:
    try:
        text = clean_text(reason or "", multiline=True)
    except ValueError as exc:
        raise InvalidInput(f"The reason {exc}.", fields={"reason": [str(exc)]}) from None
    if not text:
        raise InvalidInput(missing, fields={"reason": ["Required."]})
    return text


def _identity_claims(values: dict[str, Any]) -> list[tuple[str, str]]:
    claims = [
        (IdentifierKind.EMAIL, identity.email_identity(values["email"])),
        (IdentifierKind.PHONE, values["phone"]),
    ]
    reg = identity.registration_number_identity(
        values["registration_number"], country=values["country"]
    )
    if reg:
        claims.append((IdentifierKind.REGISTRATION_NUMBER, reg))
    return claims


def _duplicate_error(matches: list[MemberIdentifier]) -> DuplicateAccount:
    labels = {k: str(IdentifierKind(k).label).lower() for k in IdentifierKind.values}
    fields: dict[str, list[str]] = {}
    for kind in sorted({m.kind for m in matches}):
        fields[kind] = [f"This {labels[kind]} already belongs to a member account."]
    return DuplicateAccount(
        "A member account already exists for this business. One user may hold one account "
        "(clause 4.1); contact support if you need staff approval for a second account.",
        fields=fields,
    )
