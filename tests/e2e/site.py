"""The site as the page checks see it: seeded data, the page registry and logging in.

`seed()` writes a small but realistic marketplace through the services (registration,
listing posting with real Pillow PNG images through `listing_image_add`, so thumbnails are
made as on upload, moderation, notices). `pages_for(role, data)` lists every page a role can
reach, built from the seeded objects. Edit `PAGES` to add a page: one line per page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import listing_create, member_create, staff_create

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
ROLES = ("anonymous", "buyer", "supplier", "staff")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# A long unbroken word, as suppliers type them: pages must wrap it (overflow-wrap).
LONG_WORD = "Supercalifragilisticexpialidocious-stainless-steel-flange-DN50-PN16-EN1092-1"


def png_upload(name: str, colour: tuple[int, int, int], size=(800, 600)) -> SimpleUploadedFile:
    """A real PNG (Pillow): a coloured field with a lighter square, as a product photo stands in."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    light = tuple(min(255, c + 90) for c in colour)
    draw.rectangle([w // 4, h // 4, 3 * w // 4, 3 * h // 4], fill=light)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


COLOURS = [(30, 90, 160), (170, 60, 40), (40, 130, 70), (120, 70, 150), (200, 150, 30)]


def images_add(member, listing, count: int) -> None:
    from tradepost.catalog import services

    for i in range(count):
        services.listing_image_add(
            member=member,
            listing_id=listing.pk,
            upload=png_upload(f"photo-{i}.png", COLOURS[i % len(COLOURS)]),
        )


@dataclass
class Seeded:
    supplier: Any  # verified CN supplier with published listings and images
    supplier2: Any  # unverified DE supplier
    buyer: Any
    staff: Any
    listing: Any  # published, three images, three tiers
    listings: list
    draft: Any
    held: Any  # pending review (the moderation queue)
    supplier_notice: Any
    buyer_notice: Any
    terms_versions: list

    def ids(self) -> dict[str, Any]:
        return {
            "listing": self.listing.pk,
            "draft": self.draft.pk,
            "held": self.held.pk,
            "supplier_member_id": self.supplier.member_id,
            "supplier_pk": self.supplier.pk,
            "supplier2_member_id": self.supplier2.member_id,
            "supplier_notice": self.supplier_notice.pk,
            "buyer_notice": self.buyer_notice.pk,
            "terms_version": self.terms_versions[-1].pk,
            "terms_first": self.terms_versions[0].pk,
        }


PRODUCTS = [
    ("Stainless steel pipe flange DN50", "pumps-valves", [(100, "12.50"), (500, "11.00")]),
    ("Cotton twill workwear fabric 240gsm", "fabrics", [(1000, "2.10"), (5000, "1.85")]),
    ("LED panel light 600x600 40W", "led-lighting", [(100, "11.50"), (500, "9.90")]),
    ("Braided USB-C charging cable 1 m", "cables-wires", [(500, "0.95"), (5000, "0.78")]),
    ("Hi-vis polyester work jacket", "workwear-uniforms", [(200, "9.80"), (1000, "8.40")]),
]


def _tiers(pairs) -> list[dict[str, Any]]:
    return [{"min_qty": q, "unit_price": p} for q, p in pairs]


def seed() -> Seeded:
    """Members, listings with images, a held listing, notices: every page has something."""
    from tradepost.catalog import services as catalog_services
    from tradepost.notices.services import notice_issue
    from tradepost.terms.models import TermsVersion

    supplier = member_create(
        country="CN",
        company_name="Hangzhou Westlake Valve Manufacturing Co., Ltd.",
        roles=["supplier"],
    )
    supplier2 = member_create(
        country="DE", company_name="Rheinland Maschinenteile GmbH", roles=["supplier"]
    )
    buyer = member_create(
        country="US", company_name="Lakeshore Retail Supply Inc.", roles=["buyer"]
    )
    staff = staff_create(username="page-check-staff", superuser=True)
    catalog_services.supplier_profile_update(
        member=supplier,
        changes={
            "description": "Forged valves and flanges since 2004. " + LONG_WORD,
            "main_products": ["flanges", "valves", "pipe fittings"],
            "year_established": 2004,
            "export_markets": ["DE", "US", "GB"],
        },
    )
    catalog_services.supplier_profile_staff_update(
        member=supplier, by=staff, changes={"verified": True}, reason="Documents checked."
    )

    listings = []
    for i, (title, category, tiers) in enumerate(PRODUCTS):
        owner = supplier if i % 2 == 0 else supplier2
        listing = listing_create(
            owner,
            title=title,
            category=category,
            moq=tiers[0][0],
            price_tiers=_tiers(tiers),
            description=f"{title}: made to order, export packing. {LONG_WORD}",
            lead_time_days=20,
            port="Ningbo",
            incoterm="FOB",
            ships_to=["DE", "US", "GB"],
        )
        images_add(owner, listing, 3 if i == 0 else 1)
        listings.append(listing)
    main = listings[0]
    main.refresh_from_db()
    main_tiers = [(100, "12.50"), (500, "11.00"), (2000, "9.75")]
    catalog_services.listing_update(
        member=supplier,
        listing_id=main.pk,
        changes={"price_tiers": _tiers(main_tiers)},
        publish=True,
    )
    draft = listing_create(supplier, publish=False, title="Brass ball valve DN25 (draft)")
    held = listing_create(supplier, title="KN95 masks", category="personal-protective-equipment")

    supplier_notice = notice_issue(
        member=supplier,
        kind="legal",
        channel="public_posting",
        subject="Notice about your listing photos",
        body="Please check the photos of your listings against the Product Listing Policy.",
        by=staff,
    )
    buyer_notice = notice_issue(
        member=buyer,
        kind="legal",
        channel="personal",
        subject="Your account details",
        body="Please confirm your business address.",
        by=staff,
    )
    versions = list(TermsVersion.objects.filter(site=buyer.site).order_by("effective_date"))
    for obj in (main, draft, held):
        obj.refresh_from_db()
    return Seeded(
        supplier=supplier,
        supplier2=supplier2,
        buyer=buyer,
        staff=staff,
        listing=main,
        listings=listings,
        draft=draft,
        held=held,
        supplier_notice=supplier_notice,
        buyer_notice=buyer_notice,
        terms_versions=versions,
    )


# --- The page registry --------------------------------------------------------------------

# Every role sees the public pages; each logged-in role adds its own. Paths are format
# strings over Seeded.ids(). A page not there yet (404) fails the check and names itself.
PUBLIC = [
    "/",
    "/search/",
    "/search/?q=flange",
    "/search/?q=flange&qty=600&country=CN&verified=true",
    "/search/?q=zzzqqq",
    "/listings/{listing}/",
    "/suppliers/{supplier_member_id}/",
    "/suppliers/{supplier2_member_id}/",
    "/terms",
    "/terms/history",
    "/terms/versions/{terms_version}",
    "/terms/diff?from={terms_first}&to={terms_version}",
    "/notices/public/",
    "/notices/public/{supplier_notice}/",
    "/about/",
    "/privacy/",
    "/help/",
]
ANONYMOUS = ["/register/", "/login/", "/password-reset/"]
MEMBER = [
    "/account/",
    "/account/password/",
    "/my/",
    "/my/favourites/",
    "/my/saved-searches/",
    "/notices/",
]
SUPPLIER = [
    "/my/listings/",
    "/my/listings/new/",
    "/my/listings/{listing}/",
    "/my/listings/{draft}/",
    "/my/supplier-profile/",
    "/notices/{supplier_notice}/",
]
BUYER = ["/notices/{buyer_notice}/"]
STAFF = [
    "/console/",
    "/console/members/member/",
    "/console/members/member/{supplier_pk}/change/",
    "/console/catalog/listingawaitingreview/",
    "/console/catalog/listing/",
    "/console/catalog/listing/{listing}/change/",
    "/console/catalog/listing/{held}/moderate/",
    "/console/notices/notice/",
]
PAGES: dict[str, list[str]] = {
    "anonymous": PUBLIC + ANONYMOUS,
    "buyer": PUBLIC + MEMBER + BUYER,
    "supplier": PUBLIC + MEMBER + SUPPLIER,
    "staff": [*STAFF, "/", "/search/?q=flange", "/listings/{listing}/"],
}


def pages_for(role: str, data: Seeded) -> list[tuple[str, str]]:
    """(slug, path) of every page of the role; the slug names the page whatever its ids."""
    ids = data.ids()
    return [(slug_for(path), path.format(**ids)) for path in PAGES[role]]


def slug_for(template: str) -> str:
    """A file-name-safe name for a path: `/listings/{listing}/` -> `listings-listing`."""
    import re

    return re.sub(r"[^A-Za-z0-9_]+", "-", template).strip("-") or "home"


# --- Logging in ---------------------------------------------------------------------------


def session_cookie(user, live_server_url: str) -> dict[str, Any]:
    """Log in through Django's test client and hand its session cookie to the browser."""
    from urllib.parse import urlparse

    from django.conf import settings

    client = Client()
    client.force_login(user, backend=LOGIN_BACKEND)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    host = urlparse(live_server_url).hostname
    return {"name": cookie.key, "value": cookie.value, "domain": host, "path": "/"}


def user_for(role: str, data: Seeded):
    return {
        "anonymous": None,
        "buyer": data.buyer.user,
        "supplier": data.supplier.user,
        "staff": data.staff,
    }[role]


PageFactory = Callable[[str], Any]
