"""The listing form as people fill it in: their decimal separator, lists to choose from,
an error summary that names the fields as people say them."""

import pytest
from django.utils import translation

from tradepost.catalog.forms import ListingForm, parse_local_decimal, plain_problem
from tradepost.errors import InvalidInput


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("de", "12,50", "12.50"),
        ("de", "1.250,50", "1250.50"),
        ("de", "12.50", "12.50"),
        ("zh-hans", "12.50", "12.50"),
        ("zh-hans", "1,250.50", "1250.50"),
        ("en", "0.0125", "0.0125"),
        ("fr", "12,5", "12.5"),
    ],
)
def test_a_price_is_read_in_the_readers_locale(language, typed, value):
    with translation.override(language):
        assert str(parse_local_decimal(typed)) == value


@pytest.mark.parametrize("typed", ["12,50", "abc", "1,2,3"])
def test_a_comma_is_not_a_decimal_separator_in_chinese(typed):
    with translation.override("zh-hans"):
        assert parse_local_decimal(typed) is None


def _bound(**data) -> ListingForm:
    return ListingForm(data, category_choices=[("Machinery", [("pumps-valves", "Pumps")])])


def test_the_form_sends_the_services_a_plain_decimal_from_a_german_comma():
    with translation.override("de"):
        form = _bound(tier_qty_0="100", tier_price_0="3,20", currency="EUR", unit="piece")
        assert form.is_valid(), form.errors

    assert form.listing_data()["price_tiers"] == [{"min_qty": 100, "unit_price": "3.20"}]


def test_a_chinese_reader_typing_a_comma_is_told_how_to_write_the_price():
    with translation.override("zh-hans"):
        form = _bound(tier_qty_0="100", tier_price_0="3,20")
        assert not form.is_valid()

    assert form.errors["tier_price_0"] == ["Enter a number, such as 12.50."]


def test_currency_unit_and_countries_are_lists_to_choose_from():
    form = _bound()

    currencies = dict(form.fields["currency"].choices)
    assert "Most used" in currencies
    assert ("USD", "USD – US Dollar") in currencies["Most used"]
    assert "XAU" not in {code for code, _ in currencies["All currencies"]}
    assert ("kg", "kilogram (kg)") in form.fields["unit"].choices
    assert ("DE", "Germany") in form.fields["ships_to"].choices


def test_an_unlisted_unit_of_an_existing_listing_is_kept():
    form = ListingForm(initial={"unit": "spool"})

    assert ("spool", "spool") in form.fields["unit"].choices


def test_ships_to_takes_several_countries():
    form = _bound(ships_to=["DE", "FR"])

    assert form.is_valid(), form.errors
    assert form.listing_data()["ships_to"] == ["DE", "FR"]


def test_domain_errors_land_on_the_fields_in_plain_words():
    form = _bound()
    assert form.is_valid()

    form.add_domain_error(
        InvalidInput(
            "The listing has invalid fields.",
            fields={
                "moq": ["Required."],
                "price_tiers[1].unit_price": ["Must be more than 0."],
                "price_tiers": [
                    "Tiers must be in ascending order of min_qty, each larger than the one before."
                ],
                "currency": ["Give an ISO 4217 currency code, e.g. USD."],
                "keywords[2]": ["Too long."],
            },
        )
    )

    assert form.errors["tier_price_1"] == ["Must be more than 0."]
    assert form.errors["tier_qty_0"] == [
        "Tiers must be in order of quantity, from smallest to largest, each larger than the one "
        "before."
    ]
    assert form.errors["currency"] == ["Choose a currency."]
    assert form.errors["keywords"] == ["Keyword 3: Too long."]
    summary = form.error_summary()
    assert [(e["id"], e["label"]) for e in summary] == [
        ("id_currency", "Currency"),
        ("id_moq", "Minimum order quantity"),
        ("id_tier_qty_0", "Price tier 1: from quantity"),
        ("id_tier_price_1", "Price tier 2: unit price"),
        ("id_keywords", "Keywords"),
    ]
    assert not any("min_qty" in e["message"] or "price_tiers" in e["message"] for e in summary)


def test_plain_problem_names_the_minimum_order_quantity():
    problem = (
        "The first tier starts at 500, above the minimum order quantity (100): an order of "
        "the MOQ would have no price."
    )

    assert plain_problem(problem) == (
        "The first tier starts at 500, above the minimum order quantity (100): an order of "
        "the minimum order quantity would have no price."
    )


def test_filled_tier_rows_show_with_two_blank_ones_and_the_rest_wait():
    form = ListingForm(initial={"tier_qty_0": 100, "tier_price_0": "3", "tier_qty_1": 500})

    rows = form.tier_rows()

    assert len(rows) == 10
    assert [r["spare"] for r in rows[:5]] == [False, False, False, False, True]
    assert [r["empty"] for r in rows[:3]] == [False, False, True]
