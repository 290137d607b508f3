"""Test data. Members are created through the registration service, as in production."""

from __future__ import annotations

import itertools

from tradepost.members import services
from tradepost.members.models import Member, User

PASSWORD = "purple-anchor-delta-7"
_seq = itertools.count(1)

# Valid numbers per country, varied by a sequence so each member is distinct.
_PHONE_PATTERNS = {
    "CN": "+86 138 0013 {n:04d}",
    "HK": "+852 5123 {n:04d}",
    "MO": "+853 6612 {n:04d}",
    "DE": "+49 30 9018{n:04d}",
    "US": "+1 415 555 {n:04d}",
    "RU": "+7 912 345 {n:04d}",
    "KZ": "+7 701 234 {n:04d}",
    "GB": "+44 20 7946 {n:04d}",
    "SG": "+65 6123 {n:04d}",
    "FR": "+33 1 42 68 {a:02d} {b:02d}",
}


def phone_for(country: str, n: int) -> str:
    pattern = _PHONE_PATTERNS[country]
    return pattern.format(n=n % 10000, a=(n // 100) % 100, b=n % 100)


def registration_payload(**overrides) -> dict:
    n = next(_seq)
    country = overrides.get("country", "DE")
    payload = {
        "site": "alibaba",
        "company_name": f"Example Trading {n} Ltd",
        "business_type": "manufacturer",
        "country": country,
        "address": f"{n} Industrial Road",
        "contact_name": f"Contact {n}",
        "email": f"buyer{n}@example{n}.com",
        "phone": phone_for(country, n),
        "password": PASSWORD,
        "attest_legal_age": True,
        "attest_business_use": True,
        "accept_terms": True,
    }
    payload.update(overrides)
    return payload


def member_create(**overrides) -> Member:
    payload = registration_payload(**overrides)
    return services.member_register(data=services.RegistrationInput(**payload), ip="203.0.113.7")


def staff_create(*, username: str = "staff", role: str | None = None, superuser=False) -> User:
    from django.contrib.auth.models import Group

    user = User.objects.create_user(
        username,
        PASSWORD,
        email=f"{username}@tradepost.test",
        is_staff=True,
        is_superuser=superuser,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user
