"""Demo listings for `tradepost demo_data`: posted through the listing services, so each one
is screened against the Product Listing Policy and carries its 3.7 licence grant."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tradepost.catalog import demo_images, services
from tradepost.catalog.models import Certification, Listing, ListingStatus, SupplierProfile
from tradepost.members.models import Member


def _listing(
    title: str, description: str, category: str, tiers: list[tuple[int, str]], **extra: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "category": category,
        "currency": extra.pop("currency", "USD"),
        "moq": tiers[0][0],
        "unit": extra.pop("unit", "piece"),
        "price_tiers": [{"min_qty": q, "unit_price": p} for q, p in tiers],
        **extra,
    }


DEMO_LISTINGS: dict[str, list[dict[str, Any]]] = {
    "sales@westlake-textile.example.com": [
        _listing(
            "Cotton twill workwear fabric 240gsm",
            "100% cotton 3/1 twill, 240 gsm, 150 cm wide, reactive dyed, for workwear and "
            "uniforms. Shrinkage under 3%.",
            "fabrics",
            [(1000, "2.10"), (5000, "1.85")],
            unit="metre",
            keywords=["twill", "workwear fabric", "cotton"],
            lead_time_days=20,
            port="Ningbo",
            incoterm="FOB",
            sample_available=True,
        ),
        _listing(
            "High-visibility polyester-cotton work jacket",
            "EN ISO 20471 class 2 hi-vis jacket with reflective tape, 65/35 poly-cotton, "
            "sizes S-3XL, custom logo embroidery.",
            "workwear-uniforms",
            [(200, "9.80"), (1000, "8.40")],
            keywords=["hi-vis", "work jacket"],
            lead_time_days=30,
            port="Shanghai",
            incoterm="FOB",
        ),
    ],
    "trade@kowloonbay-trading.example.com": [
        _listing(
            "LED panel light 600x600 40W",
            "Flat LED panel, 4000K, 3600 lm, flicker-free driver, CE and RoHS, 5-year warranty.",
            "led-lighting",
            [(100, "11.50"), (500, "9.90")],
            keywords=["led panel", "office lighting"],
            sample_available=True,
            incoterm="EXW",
        ),
        _listing(
            "Braided USB-C charging cable 1 m",
            "USB-C to USB-C, 60 W power delivery, nylon braided, tested for 10,000 bends.",
            "cables-wires",
            [(500, "0.95"), (5000, "0.78")],
            keywords=["usb-c", "cable"],
        ),
    ],
    "export@steppe-agro.example.com": [
        _listing(
            "Milling wheat, grade 3, new crop",
            "Protein 12.5% min, moisture 14% max, falling number 250 s min. Bulk or 50 kg bags.",
            "grain-cereals",
            [(500, "238.00"), (5000, "229.00")],
            unit="tonne",
            keywords=["wheat", "milling wheat"],
            port="Aktau",
            incoterm="FCA",
        ),
    ],
    "overseas@pearlriver-electronics.example.com": [
        _listing(
            "True wireless Bluetooth 5.3 earbuds",
            "ENC microphones, 30 h battery with case, USB-C charging, private label available.",
            "audio-headphones",
            [(300, "6.20"), (3000, "5.10")],
            keywords=["earbuds", "tws", "bluetooth"],
            sample_available=True,
            port="Shenzhen",
            incoterm="FOB",
        ),
        # Held for review: dual-use goods offered to a destination needing a licence (5.13 c).
        _listing(
            "Thermal imaging camera module 384x288",
            "Uncooled VOx microbolometer core, 12 um pitch, for industrial inspection.",
            "thermal-night-vision",
            [(10, "420.00"), (100, "385.00")],
            keywords=["thermal camera"],
            ships_to=["KZ", "RU"],
        ),
        # Refused by screening: a counterfeit signal, kept as rejected with its reasons.
        _listing(
            "Replica Louis Vuitton handbag",
            "AAA replica bag, looks identical to the original, ships worldwide.",
            "handbags",
            [(10, "35.00")],
            keywords=["handbag"],
        ),
    ],
}


def demo_listings_load() -> int:
    """Post the demo listings of each demo supplier that has none yet; returns how many."""
    created = 0
    for email, listings in DEMO_LISTINGS.items():
        member = Member.objects.filter(email=email, is_supplier=True).first()
        if member is None or Listing.objects.filter(supplier=member).exists():
            continue
        for data in listings:
            # Pictures go on the draft, so the listing is posted (and licensed, 3.7) once.
            listing = services.listing_create(member=member, data=dict(data), publish=False)
            _listing_images_add(member, listing)
            services.listing_submit(member=member, listing_id=listing.pk)
            created += 1
    return created


DEMO_IMAGES_PER_LISTING = 3

DEMO_PROFILES: dict[str, dict[str, Any]] = {
    "sales@westlake-textile.example.com": {
        "description": "Weaving and dyeing mill on the Qiantang river since 1998: cotton and "
        "poly-cotton fabrics and finished workwear for brands and uniform suppliers in "
        "Europe and the Middle East. 120 looms, in-house lab, OEKO-TEX certified dyes.",
        "main_products": ["Workwear fabric", "Hi-vis jackets", "Uniforms", "Twill"],
        "year_established": 1998,
        "export_markets": ["DE", "NL", "AE", "SA", "PL"],
        "tagline": "Fabrics and workwear, woven in Hangzhou",
    },
    "trade@kowloonbay-trading.example.com": {
        "description": "Sourcing and export of lighting and consumer electronics from the "
        "Pearl River Delta, with quality inspection before every shipment.",
        "main_products": ["LED panels", "Cables", "Chargers"],
        "year_established": 2009,
        "export_markets": ["GB", "AU", "US", "MY"],
        "tagline": "Lighting and electronics, inspected before they ship",
    },
    "export@steppe-agro.example.com": {
        "description": "Grain exporter with elevators in Kostanay and Akmola regions, shipping "
        "through the Caspian port of Aktau.",
        "main_products": ["Milling wheat", "Barley", "Flax seed"],
        "year_established": 2012,
        "export_markets": ["AZ", "IR", "TR", "GE"],
        "tagline": "Kazakh grain, from the steppe to the Caspian",
    },
    "overseas@pearlriver-electronics.example.com": {
        "description": "Audio and sensor electronics factory in Bao'an, Shenzhen: private label "
        "earbuds and speakers, SMT lines and an RF test room.",
        "main_products": ["TWS earbuds", "Bluetooth speakers", "Camera modules"],
        "year_established": 2015,
        "export_markets": ["US", "DE", "FR", "BR", "IN"],
        "tagline": "Private-label audio, made in Shenzhen",
    },
}


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _listing_images_add(member: Member, listing: Listing) -> int:
    kind = _DEMO_SHAPES.get(listing.category.slug, 0)
    for n in range(DEMO_IMAGES_PER_LISTING):
        data = demo_images.product_image(listing.title, n, kind=kind)
        upload = _upload(f"demo-{listing.pk}-{n}.jpg", data)
        services.listing_image_add(member=member, listing_id=listing.pk, upload=upload)
    return DEMO_IMAGES_PER_LISTING


def demo_images_load() -> int:
    """Drawn demo pictures (marked "DEMO IMAGE"): three per demo listing that has none (one
    loaded before demo images existed), and a logo, banner, profile and certificates for
    each demo supplier whose profile has no logo yet. Returns
    how many images were added; a second run adds none."""
    added = 0
    for email in DEMO_LISTINGS:
        member = Member.objects.filter(email=email, is_supplier=True).first()
        if member is None:
            continue
        listings = Listing.objects.filter(supplier=member).exclude(status=ListingStatus.REMOVED)
        for listing in listings.select_related("category").order_by("id"):
            if not listing.images.exists():
                added += _listing_images_add(member, listing)
        profile = SupplierProfile.objects.filter(member=member).first()
        if profile is not None and profile.logo:
            continue
        spec = dict(DEMO_PROFILES.get(email, {}))
        tagline = spec.pop("tagline", "")
        if spec and not (profile and profile.description):
            services.supplier_profile_update(member=member, changes=spec)
        services.supplier_images_update(
            member=member,
            logo=_upload("logo.jpg", demo_images.logo_image(member.company_name)),
            banner=_upload("banner.jpg", demo_images.banner_image(member.company_name, tagline)),
        )
        added += 2
        _demo_certifications(member, DEMO_CERTIFICATIONS.get(email, ()))
        if email in DEMO_VERIFIED_SUPPLIERS:
            _demo_verify(member)
    return added


# Demo suppliers shown as verified (as staff would record after checking their documents), so
# the verified badge, the "verified suppliers only" filter and the home page's featured shelf
# have something to show. Demo data only.
DEMO_VERIFIED_SUPPLIERS = frozenset(
    {"sales@westlake-textile.example.com", "trade@kowloonbay-trading.example.com"}
)


def _demo_verify(member: Member) -> None:
    from tradepost.members.models import User

    staff = User.objects.filter(is_staff=True, is_superuser=True).order_by("id").first()
    if staff is not None:
        services.supplier_profile_staff_update(
            member=member,
            by=staff,
            changes={"verified": True},
            reason="Demo data: documents checked for the demo.",
        )


# (name, issuer, checked by staff): the storefront marks only checked ones as verified.
DEMO_CERTIFICATIONS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "sales@westlake-textile.example.com": (
        ("ISO 9001:2015 quality management", "SGS", True),
        ("OEKO-TEX Standard 100", "Hohenstein", False),
    ),
    "overseas@pearlriver-electronics.example.com": (("CE (RED) test report", "TÜV SÜD", False),),
}

# Which drawing suits a category: 0 carton, 1 device, 2 roll, 3 sack.
_DEMO_SHAPES = {
    "fabrics": 2,
    "workwear-uniforms": 0,
    "led-lighting": 1,
    "cables-wires": 2,
    "grain-cereals": 3,
    "audio-headphones": 1,
    "thermal-night-vision": 1,
}


def _demo_certifications(member: Member, certs: tuple[tuple[str, str, bool], ...]) -> None:
    """Demo certificates (a blank PDF page marked DEMO); the "checked" ones stamped as staff
    would after looking at the document, by the demo staff user."""
    from io import BytesIO

    from django.utils import timezone
    from pypdf import PdfWriter

    from tradepost.members.models import User

    staff = User.objects.filter(is_staff=True, is_superuser=True).order_by("id").first()
    for name, issuer, checked in certs:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        buffer = BytesIO()
        writer.write(buffer)
        upload = SimpleUploadedFile("demo.pdf", buffer.getvalue(), content_type="application/pdf")
        cert = services.certification_add(member=member, name=name, issuer=issuer, upload=upload)
        if checked and staff is not None:
            Certification.objects.filter(pk=cert.pk).update(
                verified_at=timezone.now(), verified_by=staff
            )
