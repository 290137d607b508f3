"""Cleaning what members type, shared by registration and profile edits (clauses 4.1, 5.1, 5.2).

The one validation layer of the member use cases: the services call these and answer every
problem as `InvalidInput` with field errors; pages and the API only parse and show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models

from tradepost.errors import InvalidInput
from tradepost.members import identity
from tradepost.members.models import IdentifierKind, User
from tradepost.text import clean_name, clean_text, text_problem

ROLES = ("buyer", "supplier")


@dataclass
class Cleaned:
    """Values cleaned so far and the problems found, per field: every field is checked, so a
    form shows all its problems at once. `take` runs one cleaner, which raises ValueError."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def take(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            value = fn(*args, **kwargs)
        except ValueError as exc:
            self.errors.setdefault(name, []).append(str(exc))
            return None
        self.values[name] = value
        return value


def required_text(value: str | None, label: str, max_length: int, multiline: bool = False) -> str:
    text = clean_text(value or "", multiline=True) if multiline else clean_name(value or "")
    if not text:
        raise ValueError(f"{label} is required.")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long (at most {max_length} characters).")
    return text


def choice(value: str, choices: type[models.TextChoices], label: str) -> str:
    if value not in choices.values:
        raise ValueError(f"{label} must be one of: {', '.join(choices.values)}.")
    return value


def roles_clean(value: list[str] | None) -> list[str]:
    roles = list(ROLES) if value is None else list(dict.fromkeys(value))
    if not roles or any(r not in ROLES for r in roles):
        raise ValueError("Roles must be a non-empty list of 'buyer' and/or 'supplier'.")
    return roles


def optional_text(value: str | None, label: str, max_length: int) -> str:
    text = clean_name(value or "")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long (at most {max_length} characters).")
    return text


def password_problems(password: str, user: User) -> list[str]:
    """Django's validators, plus text a member could never type again at a login form."""
    if text_problem(password):
        return ["The password may not contain control characters or invalid Unicode."]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def required_reason(reason: str | None, *, missing: str = "A reason is required.") -> str:
    try:
        text = clean_text(reason or "", multiline=True)
    except ValueError as exc:
        raise InvalidInput(f"The reason {exc}.", fields={"reason": [str(exc)]}) from None
    if not text:
        raise InvalidInput(missing, fields={"reason": ["Required."]})
    return text


def identity_claims(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Clause 4.1: the normalised identifiers one member may hold (email, phone, reg. no.)."""
    claims: list[tuple[str, str]] = [
        (IdentifierKind.EMAIL, identity.email_identity(values["email"])),
        (IdentifierKind.PHONE, values["phone"]),
    ]
    reg = identity.registration_number_identity(
        values["registration_number"], country=values["country"]
    )
    if reg:
        claims.append((IdentifierKind.REGISTRATION_NUMBER, reg))
    return claims
