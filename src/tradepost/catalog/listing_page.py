"""What the public listing page and the supplier storefront show, as plain data: tier rows,
the price at a quantity, country names and years on the platform, formatted for the reader's
locale with Babel (the language Django has active). Pure functions of what the selectors
loaded: no queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tradepost import gates
from tradepost.catalog.cards import country_name as cards_country_name
from tradepost.catalog.cards import price_range_text, quantity_text, unit_name
from tradepost.catalog.models import PriceTier
from tradepost.members.models import MemberStatus
from tradepost.money import money_display

QTY_MAX = 1_000_000_000


def _locale() -> Locale:
    try:
        return Locale.parse(translation.to_locale(translation.get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def number(value: int) -> str:
    """10000 -> "10,000" (the reader's grouping)."""
    return format_decimal(value, locale=_locale())


def quantity(n: int, unit: str) -> str:
    """10000, "piece" -> "10,000 pieces"."""
    return quantity_text(n, unit)


def country_name(code: str) -> str:
    """An ISO 3166 code as the reader calls the country ("DE" -> "Germany")."""
    return cards_country_name(code) if code else ""


def country_names(codes: Iterable[str]) -> list[str]:
    return [country_name(c) for c in codes]


def years_on_platform(since: datetime | date, *, today: date | None = None) -> int:
    """Whole years between the member's registration and today."""
    start = since.date() if isinstance(since, datetime) else since
    today = today or date.today()  # noqa: DTZ011 (a whole-year count; the day does not matter)
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return max(0, years)


def years_text(years: int) -> str:
    if years < 1:
        return gettext("New on Tradepost this year")
    return ngettext("%(n)d year on Tradepost", "%(n)d years on Tradepost", years) % {"n": years}


@dataclass(frozen=True)
class TierRow:
    range: str
    unit_price: str
    min_qty: int


def tier_rows(tiers: Sequence[PriceTier], *, unit: str, currency: str) -> list[TierRow]:
    """Each tier as "300 – 999 pieces" (up to the next tier) or "≥ 1,000 pieces" (the last)."""
    ordered = sorted(tiers, key=lambda t: t.min_qty)
    rows = []
    for i, tier in enumerate(ordered):
        if i + 1 < len(ordered):
            upper = ordered[i + 1].min_qty - 1
            label = f"{number(tier.min_qty)}\u2009–\u2009{quantity(upper, unit)}"
        else:
            label = f"≥ {quantity(tier.min_qty, unit)}"
        rows.append(TierRow(label, money_display(tier.unit_price, currency), tier.min_qty))
    return rows


def price_range(tiers: Sequence[PriceTier], *, currency: str) -> str:
    """ "USD 5.10 – 6.20" (or one price when every tier costs the same)."""
    prices = [t.unit_price for t in tiers]
    if not prices:
        return ""
    return price_range_text(min(prices), max(prices), currency)


@dataclass(frozen=True)
class PriceAt:
    """The answer to the quantity box: a price and total, or why there is none."""

    qty: int | None
    message: str
    ok: bool
    min_qty: int | None = None


def parse_qty(raw: str | None) -> int | str | None:
    """The ?qty= value: None when absent, an int, or "" when it is not a whole number."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not text.isdigit() or int(text) < 1 or int(text) > QTY_MAX:
        return ""
    return int(text)


def price_at(
    tiers: Sequence[PriceTier], *, raw_qty: str | None, moq: int, unit: str, currency: str
) -> PriceAt | None:
    """ "Price at 1,200 pieces: USD 5.90 per piece, total USD 7,080.00", or a plain message."""
    qty = parse_qty(raw_qty)
    if qty is None:
        return None
    if qty == "":
        return PriceAt(None, gettext("Enter a quantity as a whole number, e.g. 1200."), False)
    assert isinstance(qty, int)
    if qty < moq:
        message = gettext(
            "The minimum order is %(moq)s: you asked for %(qty)s. Order at least %(moq)s."
        ) % {"moq": quantity(moq, unit), "qty": quantity(qty, unit)}
        return PriceAt(qty, message, False, moq)
    applicable = [t for t in tiers if t.min_qty <= qty]
    if not applicable:
        lowest = min(tiers, key=lambda t: t.min_qty) if tiers else None
        message = gettext("Prices start at %(qty)s.") % {
            "qty": quantity(lowest.min_qty if lowest else moq, unit)
        }
        return PriceAt(qty, message, False, lowest.min_qty if lowest else moq)
    tier = max(applicable, key=lambda t: t.min_qty)
    total = tier.unit_price * Decimal(qty)
    message = gettext("Price at %(qty)s: %(price)s per %(unit)s, total %(total)s") % {
        "qty": quantity(qty, unit),
        "price": money_display(tier.unit_price, currency),
        "unit": unit_name(unit),
        "total": money_display(total.quantize(Decimal("0.01")), currency),
    }
    return PriceAt(qty, message, True, tier.min_qty)


def trade_refusals(member: Any) -> dict[str, str]:
    """Clause 6.2: why the signed-in member may not order from or message a supplier now,
    by feature ({} when it may), so the listing page offers no button that would only be
    refused. The services refuse the same on their own; this is what the page says."""
    if member is None:
        return {}
    if member.status != MemberStatus.ACTIVE:
        text = gettext("Your account is %(status)s: you cannot order or message suppliers.") % {
            "status": member.get_status_display().lower()
        }
        return {"orders": text, "messaging": text}
    refused = {}
    for feature, text in (
        ("orders", gettext("A disciplinary action restricts orders on your account.")),
        ("messaging", gettext("A disciplinary action restricts messaging on your account.")),
    ):
        if not gates.feature_allowed(member, feature):
            refused[feature] = text
    return refused
