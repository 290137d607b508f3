"""One money formatting for the project: plain decimals for machines, Babel for people."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from tradepost.money import decimal_str, money_display


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("100"), "100"),
        (Decimal("100.0000"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("1000"), "1000"),
        (Decimal("0.5"), "0.5"),
        (Decimal("12.50"), "12.5"),
        (Decimal("0.0125"), "0.0125"),
        (Decimal("0.0000"), "0"),
        (None, None),
    ],
)
def test_decimal_str_is_a_plain_decimal_never_an_exponent(value, text):
    assert decimal_str(value) == text


@pytest.mark.parametrize(
    ("value", "currency", "locale", "text"),
    [
        ("100", "USD", "en", "$100.00"),
        ("1000", "USD", "en", "$1,000.00"),
        ("0.5", "USD", "en", "$0.50"),
        ("12.50", "USD", "en", "$12.50"),
        ("0.0125", "USD", "en", "$0.0125"),
        ("1000", "EUR", "de", "1.000,00\xa0€"),
        ("12.50", "EUR", "fr", "12,50\xa0€"),
        ("1000", "JPY", "en", "¥1,000"),
        ("100", "USD", "xx-unknown", "$100.00"),
    ],
)
def test_money_display_follows_the_locale(value, currency, locale, text):
    assert money_display(Decimal(value), currency, locale=locale) == text


def test_the_money_filter_uses_the_active_language():
    template = Template("{% load money %}{{ price|money:'EUR' }}")

    with translation.override("de"):
        german = template.render(Context({"price": Decimal("1000.0000")}))
    with translation.override("en"):
        english = template.render(Context({"price": Decimal("1000.0000")}))

    assert (german, english) == ("1.000,00\xa0€", "€1,000.00")
