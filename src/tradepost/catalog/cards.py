"""What a listing card shows, one shape for every page that lists listings.

`listing_cards` takes Listing rows or search `ListingHit`s and answers frozen `ListingCard`s
for `catalog/_listing_card.html`. It runs a fixed number of queries for any number of
listings: one for the first images of all of them, plus (for Listing rows whose relations were
not loaded) one each for price tiers, suppliers and supplier profiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext

from tradepost.catalog.models import Listing, ListingImage, PriceTier, SupplierProfile
from tradepost.catalog.search.results import ListingHit, price_at
from tradepost.members.models import Member
from tradepost.money import amount_text, money_display


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int | None
    height: int | None


@dataclass(frozen=True)
class ListingCard:
    id: int
    url: str
    title: str
    category_name: str
    thumbnail: Thumbnail | None  # None: the template draws a neutral placeholder
    currency: str
    min_price: Decimal | None
    max_price: Decimal | None
    price_range: str  # "USD 5.80 – 6.20", "USD 6.20", or "" without tiers
    qty: int | None  # the searched quantity, if any
    qty_text: str  # "1,000 pieces" (the searched quantity with the unit)
    price_at_qty: Decimal | None
    price_at_qty_text: str  # "USD 5.80"
    qty_tier_min: int | None  # the min_qty of the tier that applies at `qty`
    moq: int
    unit: str
    moq_text: str  # "300 pieces"
    sample_available: bool
    supplier_name: str
    supplier_url: str
    supplier_member_id: str
    supplier_country: str  # ISO 3166-1 alpha-2
    supplier_country_name: str  # "China"
    supplier_verified: bool
    # Clause 3.6: the supplier's rating (search cards; None elsewhere or when unrated)
    supplier_rating: Decimal | None = None
    supplier_rating_count: int = 0
    supplier_rating_number: str = ""  # "4.6", as the reader writes it
    supplier_rating_text: str = ""  # "4.6 out of 5, 12 ratings"
    supplier_rating_stars: str = ""  # "★★★★☆": the average to the nearest whole star
    # Clause 2.6: placed by a Promotion Service ("top_ranking" or "sponsored")
    promotion: str = ""


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "en")


def country_name(code: str) -> str:
    """An ISO 3166 code as the reader calls the country ("CN" -> "China", or "中国")."""
    try:
        names = Locale.parse(_locale()).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("en").territories
    return names.get(code.upper()) or code.upper()


def price_range_text(low: Decimal | None, high: Decimal | None, currency: str) -> str:
    if low is None or high is None:
        return ""
    if low == high:
        return money_display(low, currency)
    locale = _locale()
    low_text = amount_text(low, currency, locale=locale)
    high_text = amount_text(high, currency, locale=locale)
    return f"{currency}\xa0{low_text}\u2009–\u2009{high_text}"


_UNITS: dict[str, Callable[[int], str]] = {
    "piece": lambda n: ngettext("%(n)s piece", "%(n)s pieces", n),
    "set": lambda n: ngettext("%(n)s set", "%(n)s sets", n),
    "pair": lambda n: ngettext("%(n)s pair", "%(n)s pairs", n),
    "box": lambda n: ngettext("%(n)s box", "%(n)s boxes", n),
    "carton": lambda n: ngettext("%(n)s carton", "%(n)s cartons", n),
    "bag": lambda n: ngettext("%(n)s bag", "%(n)s bags", n),
    "roll": lambda n: ngettext("%(n)s roll", "%(n)s rolls", n),
    "unit": lambda n: ngettext("%(n)s unit", "%(n)s units", n),
    "metre": lambda n: ngettext("%(n)s metre", "%(n)s metres", n),
    "meter": lambda n: ngettext("%(n)s meter", "%(n)s meters", n),
    "tonne": lambda n: ngettext("%(n)s tonne", "%(n)s tonnes", n),
    "ton": lambda n: ngettext("%(n)s ton", "%(n)s tons", n),
    "kilogram": lambda n: ngettext("%(n)s kilogram", "%(n)s kilograms", n),
    "litre": lambda n: ngettext("%(n)s litre", "%(n)s litres", n),
    "square metre": lambda n: ngettext("%(n)s square metre", "%(n)s square metres", n),
}


# The unit words suppliers store (the editor's choices and the plural table above), marked for
# translation so "per piece" reads "每件" in Chinese; a unit typed otherwise shows as typed.
_UNIT_WORDS = frozenset(
    (
        gettext_noop("piece"),
        gettext_noop("set"),
        gettext_noop("pair"),
        gettext_noop("dozen"),
        gettext_noop("box"),
        gettext_noop("carton"),
        gettext_noop("pack"),
        gettext_noop("bag"),
        gettext_noop("roll"),
        gettext_noop("sheet"),
        gettext_noop("bottle"),
        gettext_noop("kg"),
        gettext_noop("kilogram"),
        gettext_noop("gram"),
        gettext_noop("tonne"),
        gettext_noop("ton"),
        gettext_noop("metre"),
        gettext_noop("meter"),
        gettext_noop("square metre"),
        gettext_noop("cubic metre"),
        gettext_noop("litre"),
        gettext_noop("container"),
        gettext_noop("unit"),
    )
)


def stars(average: Decimal) -> str:
    """4.6 -> "★★★★★", 3.4 -> "★★★☆☆" (drawn beside the number, hidden from readers)."""
    full = max(0, min(5, int(average.quantize(Decimal(1), rounding=ROUND_HALF_UP))))
    return "★" * full + "☆" * (5 - full)


def rating_text(average: Decimal, count: int) -> tuple[str, str]:
    """("4.6", "4.6 out of 5, 12 ratings") in the reader's language."""
    number = format_decimal(average, format="0.0", locale=_locale())
    text = ngettext(
        "%(average)s out of 5, %(count)s rating",
        "%(average)s out of 5, %(count)s ratings",
        count,
    ) % {"average": number, "count": format_decimal(count, locale=_locale())}
    return number, text


def unit_name(unit: str) -> str:
    """A stored unit as the reader says it ("piece" -> "件" in Chinese); English unchanged."""
    key = unit.strip().lower()
    if key not in _UNIT_WORDS:
        return unit
    text = gettext(key)
    return unit if text == key else text


def quantity_text(n: int, unit: str) -> str:
    """ "10,000 pieces": thousands separated for the reader, the unit in the plural it needs."""
    number = format_decimal(n, locale=_locale())
    key = unit.strip().lower()
    if key.endswith("s") and key[:-1] in _UNITS:
        key = key[:-1]
    if key in _UNITS:
        return _UNITS[key](n) % {"n": number}
    return f"{number} {unit}".strip()


def _first_images(listing_ids: Sequence[int]) -> dict[int, ListingImage]:
    """The first image (position, id) of each listing, in one query."""
    if not listing_ids:
        return {}
    ranked = (
        ListingImage.objects.filter(listing_id__in=listing_ids)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("listing_id")], order_by=[F("position"), F("id")]
            )
        )
        .filter(rank=1)
    )
    return {image.listing_id: image for image in ranked}


def _thumbnail(image: ListingImage | None) -> Thumbnail | None:
    """The image's thumbnail when it has one (made on upload), else the image itself."""
    if image is None or not image.image:
        return None
    thumb = getattr(image, "thumbnail", None)
    if thumb:
        return Thumbnail(
            url=thumb.url,
            width=getattr(image, "thumbnail_width", None) or image.width,
            height=getattr(image, "thumbnail_height", None) or image.height,
        )
    return Thumbnail(url=image.image.url, width=image.width, height=image.height)


def _prefetched(listing: Listing, name: str) -> list | None:
    cache = getattr(listing, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def _card(
    *,
    pk: int,
    title: str,
    category_name: str,
    tiers: Sequence[tuple[int, Decimal]],
    currency: str,
    moq: int,
    unit: str,
    sample: bool,
    supplier_name: str,
    supplier_member_id: str,
    country: str,
    verified: bool,
    image: ListingImage | None,
    qty: int | None,
    rating: Decimal | None = None,
    rating_count: int = 0,
    promotion: str = "",
    click_url: str = "",
) -> ListingCard:
    prices = [price for _, price in tiers]
    if rating is None or rating_count <= 0:
        rating, rating_count = None, 0
    number, text = rating_text(rating, rating_count) if rating is not None else ("", "")
    low, high = (min(prices), max(prices)) if prices else (None, None)
    at_qty = price_at(tuple(tiers), qty) if qty is not None else None
    tier_min = max((m for m, _ in tiers if m <= qty), default=None) if qty is not None else None
    return ListingCard(
        id=pk,
        url=click_url or reverse("catalog:listing_detail", args=[pk]),
        title=title,
        category_name=category_name,
        thumbnail=_thumbnail(image),
        currency=currency,
        min_price=low,
        max_price=high,
        price_range=price_range_text(low, high, currency),
        qty=qty,
        qty_text=quantity_text(qty, unit) if qty is not None else "",
        price_at_qty=at_qty,
        price_at_qty_text=money_display(at_qty, currency) if at_qty is not None else "",
        qty_tier_min=tier_min,
        moq=moq,
        unit=unit,
        moq_text=quantity_text(moq, unit),
        sample_available=sample,
        supplier_name=supplier_name,
        supplier_url=reverse("catalog:supplier_detail", args=[supplier_member_id]),
        supplier_member_id=supplier_member_id,
        supplier_country=country,
        supplier_country_name=country_name(country) if country else "",
        supplier_verified=verified,
        supplier_rating=rating,
        supplier_rating_count=rating_count,
        supplier_rating_number=number,
        supplier_rating_text=text,
        supplier_rating_stars=stars(rating) if rating is not None else "",
        promotion=promotion,
    )


def listing_cards(
    items: Iterable[Listing | ListingHit], *, qty: int | None = None
) -> list[ListingCard]:
    """Cards for `items`, in their order. `qty`: show the price of the tier at that quantity."""
    items = list(items)
    images = _first_images([item.pk if isinstance(item, Listing) else item.id for item in items])
    rows = [item for item in items if isinstance(item, Listing)]
    tiers = _tiers_of(rows)
    suppliers = _suppliers_of(rows)
    verified = _verified_of(rows)
    cards = []
    for item in items:
        if isinstance(item, ListingHit):
            cards.append(
                _card(
                    pk=item.id,
                    title=item.title,
                    category_name=item.category_name,
                    tiers=item.price_tiers,
                    currency=item.currency,
                    moq=item.moq,
                    unit=item.unit,
                    sample=item.sample_available,
                    supplier_name=item.supplier_name,
                    supplier_member_id=item.supplier_member_id,
                    country=item.supplier_country,
                    verified=item.supplier_verified,
                    image=images.get(item.id),
                    qty=qty,
                    rating=item.supplier_rating,
                    rating_count=item.supplier_rating_count,
                    promotion=item.promotion if item.promoted else "",
                    click_url=item.click_url,
                )
            )
            continue
        supplier = suppliers[item.supplier_id]
        category = Listing._meta.get_field("category")
        cards.append(
            _card(
                pk=item.pk,
                title=item.title,
                category_name=item.category.name if category.is_cached(item) else "",
                tiers=tiers[item.pk],
                currency=item.currency,
                moq=item.moq,
                unit=item.unit,
                sample=item.sample_available,
                supplier_name=supplier.company_name,
                supplier_member_id=supplier.member_id,
                country=item.supplier_country or supplier.country,
                verified=verified.get(item.supplier_id, False),
                image=images.get(item.pk),
                qty=qty,
            )
        )
    return cards


def _tiers_of(rows: list[Listing]) -> dict[int, list[tuple[int, Decimal]]]:
    out: dict[int, list[tuple[int, Decimal]]] = {}
    missing = []
    for row in rows:
        loaded = _prefetched(row, "price_tiers")
        if loaded is None:
            missing.append(row.pk)
        else:
            out[row.pk] = sorted((t.min_qty, t.unit_price) for t in loaded)
    for pk in missing:
        out[pk] = []
    if missing:
        for listing_id, min_qty, price in (
            PriceTier.objects.filter(listing_id__in=missing)
            .order_by("listing_id", "min_qty")
            .values_list("listing_id", "min_qty", "unit_price")
        ):
            out[listing_id].append((min_qty, price))
    return out


def _suppliers_of(rows: list[Listing]) -> dict[int, Member]:
    field = Listing._meta.get_field("supplier")
    out = {row.supplier_id: row.supplier for row in rows if field.is_cached(row)}
    missing = {row.supplier_id for row in rows} - set(out)
    if missing:
        out.update(Member.objects.in_bulk(list(missing)))
    return out


def _verified_of(rows: list[Listing]) -> dict[int, bool]:
    ids = {row.supplier_id for row in rows}
    if not ids:
        return {}
    return dict(
        SupplierProfile.objects.filter(member_id__in=ids).values_list("member_id", "verified")
    )
