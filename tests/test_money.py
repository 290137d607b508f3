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
        ("100", "USD", "en", "USD\xa0100.00"),
        ("1000", "USD", "en", "USD\xa01,000.00"),
        ("0.5", "USD", "en", "USD\xa00.50"),
        ("12.50", "USD", "en", "USD\xa012.50"),
        ("0.0125", "USD", "en", "USD\xa00.0125"),
        ("1000", "EUR", "de", "EUR\xa01.000,00"),
        ("12.50", "EUR", "fr", "EUR\xa012,50"),
        ("1000", "JPY", "en", "JPY\xa01,000"),
        ("100", "USD", "xx-unknown", "USD\xa0100.00"),
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

    assert (german, english) == ("EUR\xa01.000,00", "EUR\xa01,000.00")
