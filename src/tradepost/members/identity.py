"""Normalising the identifiers that tie one user to one account (clause 4.1).

Pure functions; each raises ValueError with a message fit for the member.
"""

from __future__ import annotations

import hashlib
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tradepost.policy import COUNTRY_CODES
from tradepost.text import confusable_skeleton, text_problem

_GMAIL = {"gmail.com", "googlemail.com"}
# RFC 5321 caps a forward path at 256 octets including the angle brackets; the columns hold 254.
EMAIL_MAX_LENGTH = 254
# SecondAccountApproval.registration_number holds the identity in 64 characters.
REGISTRATION_IDENTITY_MAX_LENGTH = 64


def _fitted(identity: str, limit: int, *, prefix: str = "") -> str:
    """The identity, or if a skeleton grew past the column ("m" becomes "rn", "ß" becomes
    "SS") a digest of it: still one value per identity, never truncated into another's."""
    if len(prefix) + len(identity) <= limit:
        return prefix + identity
    return f"{prefix}#{hashlib.blake2b(identity.encode(), digest_size=24).hexdigest()}"


def normalise_country(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code.")
    return code


def clean_email(value: str) -> str:
    value = (value or "").strip()
    if text_problem(value) or len(value) > EMAIL_MAX_LENGTH:
        raise ValueError("Enter a valid email address.")
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError("Enter a valid email address.") from exc
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_identity(value: str) -> str:
    """Same mailbox, same identity: case, +tags and Gmail dots do not make a new user,
    nor does a look-alike letter ("gmаil.com" with a Cyrillic "а").

    Case is folded before the confusables skeleton, so "BILL" and "bill" stay one mailbox.
    """
    folded = unicodedata.normalize("NFKC", value.strip()).casefold()
    local, _, domain = folded.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        local = local.replace(".", "")
        domain = "gmail.com"
    return _fitted(confusable_skeleton(f"{local}@{domain}"), EMAIL_MAX_LENGTH)


def clean_phone(value: str, *, country: str) -> str:
    """Parse with `phonenumbers` in the member's country; return E.164."""
    try:
        number = phonenumbers.parse((value or "").strip(), country)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("Enter a valid phone number, e.g. +86 571 8502 2088.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("This phone number is not valid for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def registration_number_identity(value: str, *, country: str) -> str:
    """Registers are national: the identity is country plus the number's letters and digits.

    NFKC first, so full-width "ＨＲＢ１２３" is the same number as "HRB123"; then upper case
    and the UTS #39 confusables skeleton, so "НRB 85818" with a Cyrillic "Н" is the same
    number as "HRB 85818" (upper case first: a capital Cyrillic "Н" looks like "H", its small
    letter does not look like "h"). Letters of any script count; spaces and punctuation do not.
    """
    upper = unicodedata.normalize("NFKC", value or "").upper()
    compact = "".join(ch for ch in confusable_skeleton(upper) if ch.isalnum())
    if not compact:
        return ""
    return _fitted(compact, REGISTRATION_IDENTITY_MAX_LENGTH, prefix=f"{country}:")
