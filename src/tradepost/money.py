"""Money as text, one way for the whole project.

Two forms only: `decimal_str` for machines and form fields (a plain decimal, never exponent
notation: `str(Decimal("1E+2"))` is "1E+2"), and `money_display` for people (the currency's
ISO code, "USD 9,900.00", with the locale's grouping and separators through Babel's CLDR data:
in trade between countries "$" is also CAD, AUD, HKD...). Templates use the `money` filter:
`{% load money %}{{ tier.unit_price|money:listing.currency }}`; the catalog's cards and price
ranges use the same `amount_text`, so a price reads the same on a listing and an order.
"""

from __future__ import annotations

from decimal import Decimal

from babel.core import UnknownLocaleError
from babel.numbers import format_currency
from django import template
from django.utils import translation

register = template.Library()


def decimal_str(value: Decimal | None) -> str | None:
    """A plain decimal string without trailing zeros: 100 -> "100", 12.50 -> "12.5"."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount_text(value: Decimal, currency: str, *, locale: str | None = None) -> str:
    """The amount alone ("9,900.00", "9.900,00" in German), in the currency's usual decimals
    and never fewer than it has: a unit price of 0.0125 USD is "0.0125", not "0.01"."""
    language = translation.to_locale(locale or translation.get_language() or "en")
    for candidate in (language, "en"):
        try:
            return format_currency(
                value, currency, format="#,##0.00", locale=candidate, decimal_quantization=False
            )
        except (UnknownLocaleError, ValueError):
            continue
    return decimal_str(value) or "0"


def money_display(value: Decimal, currency: str, *, locale: str | None = None) -> str:
    """`value` in `currency` as a reader of `locale` (default: the active language) writes
    it, after the ISO code: "USD 9,900.00", "EUR 1.000,00", "JPY 1,000"."""
    return f"{currency}\xa0{amount_text(value, currency, locale=locale)}"


@register.filter(name="money")
def money_filter(value: Decimal | None, currency: str) -> str:
    if value is None or value == "":
        return ""
    return money_display(Decimal(value), currency)
