"""Test data. Members are created through the registration service, as in production."""

from __future__ import annotations

import itertools

from tradepost.members.models import Member, User
from tradepost.terms.registration import RegistrationInput, member_register

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
    return member_register(data=RegistrationInput(**payload), ip="203.0.113.7")


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


# --- Catalog ------------------------------------------------------------------------------


def listing_payload(**overrides) -> dict:
    """A listing that passes the Product Listing Policy, in the shape the API takes."""
    payload = {
        "title": "Stainless steel pipe flange DN50",
        "description": "Forged stainless steel 304 weld neck flange, PN16, for water pipelines.",
        "category": "pumps-valves",
        "currency": "USD",
        "moq": 100,
        "unit": "piece",
        "price_tiers": [
            {"min_qty": 100, "unit_price": "12.50"},
            {"min_qty": 500, "unit_price": "11.00"},
        ],
        "keywords": ["flange", "stainless steel"],
    }
    payload.update(overrides)
    return payload


def listing_create(member: Member, *, publish: bool = True, **overrides):
    from tradepost.catalog import services as catalog_services

    data = listing_payload(**overrides)
    return catalog_services.listing_create(member=member, data=data, publish=publish)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (200, 150)) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes(*, pages: int = 1, password: str | None = None) -> bytes:
    """A real PDF (pypdf), blank pages, optionally encrypted."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- Search -------------------------------------------------------------------------------


def search_category(slug: str, *, parent=None):
    """A category for search tests, outside the policy file's tree."""
    from tradepost.catalog.models import Category

    return Category.objects.create(slug=slug, name=slug.replace("-", " ").title(), parent=parent)


def searchable_listing(
    supplier: Member,
    category,
    *,
    title: str,
    description: str = "Sold by the container.",
    keywords: list[str] | None = None,
    tiers: list[tuple[int, str]] | None = None,
    currency: str = "USD",
    sample: bool = False,
    status: str = "published",
):
    """A listing written straight to the database and indexed, as the catalog services do."""
    from decimal import Decimal

    from django.utils import timezone

    from tradepost.catalog import search
    from tradepost.catalog.models import Listing, PriceTier

    ladder = [(qty, Decimal(price)) for qty, price in (tiers or [(1, "10.00")])]
    listing = Listing.objects.create(
        supplier=supplier,
        title=title,
        description=description,
        category=category,
        keywords=keywords or [],
        currency=currency,
        moq=ladder[0][0],
        unit="piece",
        sample_available=sample,
        status=status,
        min_unit_price=min(price for _, price in ladder),
        supplier_country=supplier.country,
        published_at=timezone.now() if status == "published" else None,
    )
    PriceTier.objects.bulk_create(
        PriceTier(listing=listing, min_qty=qty, unit_price=price) for qty, price in ladder
    )
    search.index_listing(listing)
    return listing
