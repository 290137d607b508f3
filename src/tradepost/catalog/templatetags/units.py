"""`{% load units %}{{ listing.unit|unit_name }}`: a stored unit in the reader's language."""

from __future__ import annotations

from django import template

from tradepost.catalog.cards import unit_name

register = template.Library()


@register.filter(name="unit_name")
def unit_name_filter(unit: str) -> str:
    return unit_name(unit or "")
