"""Money as text, one way for the whole project.

Two forms only: `decimal_str` for machines and form fields (a plain decimal, never exponent
notation: `str(Decimal("1E+2"))` is "1E+2"), and `money_display` for people (the currency's
symbol and the locale's grouping and separators, through Babel's CLDR data). Templates use
the `money` filter: `{% load money %}{{ tier.unit_price|money:listing.currency }}`.
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


def money_display(value: Decimal, currency: str, *, locale: str | None = None) -> str:
    """`value` in `currency` as a reader of `locale` (default: the active language) writes it.

    At least the currency's usual decimals ("$12.50"), and never fewer than the price has:
    a unit price of 0.0125 USD shows as "$0.0125", not rounded to "$0.01".
    """
    language = translation.to_locale(locale or translation.get_language() or "en")
    try:
        return format_currency(value, currency, locale=language, decimal_quantization=False)
    except (UnknownLocaleError, ValueError):
        return format_currency(value, currency, locale="en", decimal_quantization=False)


@register.filter(name="money")
def money_filter(value: Decimal | None, currency: str) -> str:
    if value is None or value == "":
        return ""
    return money_display(Decimal(value), currency)
