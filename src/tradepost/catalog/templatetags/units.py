"""`{% load units %}{{ listing.unit|unit_name }}`: a stored unit in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils import translation

from tradepost.catalog.cards import quantity_text, unit_name

register = template.Library()


@register.filter(name="unit_name")
def unit_name_filter(unit: str) -> str:
    return unit_name(unit or "")


@register.filter(name="quantity")
def quantity_filter(n: int | Decimal | None, unit: str) -> str:
    """`{{ line.quantity|quantity:line.unit }}`: "1,000 pieces", as on the listing page; a
    fractional quantity (an RFQ for 2.5 tons) keeps its decimals: "2.5 tons"."""
    if n is None or n == "":
        return ""
    value = Decimal(n)
    if value == value.to_integral_value():
        return quantity_text(int(value), unit or "")
    number = format_decimal(
        value.normalize(), locale=translation.to_locale(translation.get_language() or "en")
    )
    return f"{number} {unit_name(unit or '')}"
