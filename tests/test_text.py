"""Shared text hygiene: invisible formatting characters and confusables skeletons."""

import pytest

from tradepost.text import FORMATTING_CHARACTERS, clean_name, confusable_skeleton


def test_the_formatting_characters_are_exactly_the_refused_ranges():
    assert sorted(f"{ord(ch):04X}" for ch in FORMATTING_CHARACTERS) == [
        "200B", "200C", "200D", "200E", "200F",
        "202A", "202B", "202C", "202D", "202E",
        "2066", "2067", "2068", "2069",
        "FEFF",
    ]  # fmt: skip


@pytest.mark.parametrize("ch", sorted(FORMATTING_CHARACTERS))
def test_clean_name_refuses_each_formatting_character_inside_a_name(ch):
    with pytest.raises(ValueError, match=f"U\\+{ord(ch):04X}"):
        clean_name(f"Acme{ch} Trading")


def test_clean_name_keeps_ordinary_names_of_any_script():
    assert (
        clean_name("  Ōsaka Seimitsu 大阪精密 ООО «Ромашка» ")
        == "Ōsaka Seimitsu 大阪精密 ООО «Ромашка»"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HRB 85818", "\u041dRB 85818"),
        ("paypal", "p\u0430yp\u0430l"),
        ("HRB", "\uff28\uff32\uff22"),
    ],
)
def test_look_alikes_share_a_skeleton(a, b):
    assert confusable_skeleton(a) == confusable_skeleton(b)
