"""Pure catalog rules: the transition table, listing input checks, caps, policy files."""

from decimal import Decimal

import pytest

from tradepost.catalog import rules
from tradepost.catalog.models import ListingStatus as S
from tradepost.catalog.policy import (
    load_bundled_listing_policy,
    load_categories,
    load_membership_tiers,
    parse_categories,
    parse_listing_policy,
)
from tradepost.catalog.rules import Actor
from tradepost.catalog.screening import Decision
from tradepost.policy import PolicyError

LEAVES = {"pumps-valves", "fasteners"}


def data(**overrides) -> dict:
    base = {
        "title": "Pipe flange",
        "description": "Forged flange.",
        "category": "pumps-valves",
        "currency": "usd",
        "moq": 100,
        "unit": "piece",
        "price_tiers": [{"min_qty": 100, "unit_price": "12.50"}],
    }
    base.update(overrides)
    return base


# --- Transition table ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_status", "to_status", "actor"),
    [
        (S.DRAFT, S.PUBLISHED, Actor.STAFF),
        (S.REMOVED, S.PUBLISHED, Actor.STAFF),
        (S.REMOVED, S.DRAFT, Actor.SUPPLIER),
        (S.REJECTED, S.PUBLISHED, Actor.STAFF),
        (S.PUBLISHED, S.REJECTED, Actor.STAFF),
        (S.DRAFT, S.DRAFT, Actor.SUPPLIER),
    ],
)
def test_transitions_not_in_the_table_are_not_allowed(from_status, to_status, actor):
    assert rules.transition_allowed(from_status, to_status, actor) is False


@pytest.mark.parametrize(
    ("from_status", "to_status", "actor"),
    [
        (S.DRAFT, S.PUBLISHED, Actor.SUPPLIER),
        (S.PENDING_REVIEW, S.PUBLISHED, Actor.STAFF),
        (S.PUBLISHED, S.REMOVED, Actor.STAFF),
        (S.PUBLISHED, S.PENDING_REVIEW, Actor.SUPPLIER),
    ],
)
def test_transitions_in_the_table_are_allowed(from_status, to_status, actor):
    assert rules.transition_allowed(from_status, to_status, actor) is True


def test_removed_is_terminal():
    assert [t for t in rules.TRANSITIONS if t[0] == S.REMOVED] == []


def test_every_staff_decision_target_is_reachable_from_pending_review():
    for target in rules.STAFF_DECISIONS.values():
        assert rules.transition_allowed(S.PENDING_REVIEW, target, Actor.STAFF) is True


@pytest.mark.parametrize(
    ("decision", "rejected_by_staff", "expected"),
    [
        (Decision.PUBLISH, False, S.PUBLISHED),
        (Decision.REVIEW, False, S.PENDING_REVIEW),
        (Decision.REFUSE, False, S.REJECTED),
        (Decision.PUBLISH, True, S.PENDING_REVIEW),
        (Decision.REFUSE, True, S.REJECTED),
    ],
)
def test_status_after_screening(decision, rejected_by_staff, expected):
    assert rules.status_after_screening(decision, rejected_by_staff=rejected_by_staff) == expected


# --- Caps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cap", "in_use", "allowed"),
    [(50, 49, True), (50, 50, False), (0, 0, False), (None, 10**6, True)],
)
def test_cap_allows(cap, in_use, allowed):
    assert rules.cap_allows(cap=cap, in_use=in_use) is allowed


def test_staff_override_wins_over_the_tier_cap():
    assert rules.listing_cap(tier_cap=50, override=3) == 3
    assert rules.listing_cap(tier_cap=50, override=None) == 50
    assert rules.listing_cap(tier_cap=None, override=None) is None


# --- Listing input ------------------------------------------------------------------------


def test_valid_listing_is_normalised():
    fields, errors = rules.check_listing_fields(
        data(incoterm="fob", ships_to=["de", "us"], keywords=["A", "a", "b"]),
        leaf_categories=LEAVES,
    )

    assert errors == {}
    assert fields.currency == "USD"
    assert fields.incoterm == "FOB"
    assert fields.ships_to == ["DE", "US"]
    assert fields.keywords == ["A", "b"]
    assert fields.price_tiers == [rules.Tier(min_qty=100, unit_price=Decimal("12.50"))]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"currency": "ABC"}, "currency", "Give an ISO 4217 currency code, e.g. USD."),
        ({"currency": "XAU"}, "currency", "Give an ISO 4217 currency code, e.g. USD."),
        (
            {"category": "nope"},
            "category",
            "Unknown category 'nope': choose a leaf category of GET /api/v1/categories.",
        ),
        (
            {"category": "industrial-machinery"},
            "category",
            "Unknown category 'industrial-machinery': choose a leaf category of "
            "GET /api/v1/categories.",
        ),
        (
            {"description": "x" * 20_001},
            "description",
            "At most 20,000 characters (this has 20,001).",
        ),
        ({"title": ""}, "title", "This field is required."),
        ({"moq": -5}, "moq", "Must be between 1 and 1,000,000,000."),
        (
            {"incoterm": "FOO"},
            "incoterm",
            "Give an Incoterms 2020 rule: EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF.",
        ),
        ({"ships_to": ["XX"]}, "ships_to", "Unknown ISO 3166-1 country codes: XX."),
        ({"description": "bad\x00text"}, "description", "The text contains control characters."),
        (
            {"title": "Brass valve \u202egnp.exe"},
            "title",
            "The text contains invisible or text-direction formatting characters (U+202E); "
            "names and titles must read as they are written.",
        ),
        (
            {"keywords": ["val\u200dve"]},
            "keywords[0]",
            "The text contains invisible or text-direction formatting characters (U+200D); "
            "names and titles must read as they are written.",
        ),
        ({"price_tiers": []}, "price_tiers", "Give at least one price tier."),
        (
            {"price_tiers": [{"min_qty": 100, "unit_price": "-1"}]},
            "price_tiers[0].unit_price",
            "Must be more than 0.",
        ),
        (
            {"price_tiers": [{"min_qty": -100, "unit_price": "1"}]},
            "price_tiers[0].min_qty",
            "Must be between 1 and 1,000,000,000.",
        ),
        (
            {"price_tiers": [{"min_qty": 100, "unit_price": "1.23456"}]},
            "price_tiers[0].unit_price",
            'Give the unit price as a decimal string, e.g. "12.50" (at most 4 decimals).',
        ),
        (
            {"price_tiers": [{"min_qty": 100, "unit_price": "NaN"}]},
            "price_tiers[0].unit_price",
            'Give the unit price as a decimal string, e.g. "12.50" (at most 4 decimals).',
        ),
        (
            {
                "price_tiers": [
                    {"min_qty": 100, "unit_price": "2"},
                    {"min_qty": 50, "unit_price": "1"},
                ]
            },
            "price_tiers",
            "Tiers must be in ascending order of min_qty, each larger than the one before.",
        ),
        (
            {
                "price_tiers": [
                    {"min_qty": 100, "unit_price": "1"},
                    {"min_qty": 500, "unit_price": "2"},
                ]
            },
            "price_tiers",
            "A larger quantity cannot have a higher unit price than a smaller one.",
        ),
        (
            {"price_tiers": [{"min_qty": 200, "unit_price": "1"}]},
            "price_tiers",
            "The first tier starts at 200, above the minimum order quantity (100): "
            "an order of the MOQ would have no price.",
        ),
    ],
)
def test_bad_listing_input_names_the_field(overrides, field, message):
    fields, errors = rules.check_listing_fields(data(**overrides), leaf_categories=LEAVES)

    assert fields is None
    assert errors == {field: [message]}


@pytest.mark.parametrize(
    ("code", "valid"), [("USD", True), ("CNY", True), ("EUR", True), ("XTS", False), ("US", False)]
)
def test_currency_valid(code, valid):
    assert rules.currency_valid(code) is valid


def test_content_hash_is_stable_whatever_the_key_order():
    assert rules.content_sha256({"a": 1, "b": [1, 2]}) == rules.content_sha256(
        {"b": [1, 2], "a": 1}
    )


# --- Policy files -------------------------------------------------------------------------


def test_bundled_policy_files_are_valid():
    categories = load_categories()
    leaves = [node for node, _ in categories.walk() if not node.children]

    assert len(leaves) >= 50
    assert load_bundled_listing_policy().version == "2026.12.1"
    assert load_membership_tiers().tiers["free"].cap == 50
    assert load_membership_tiers().tiers["gold"].cap is None


def test_category_tree_needs_unique_slugs():
    with pytest.raises(PolicyError, match="duplicate category slug 'a'"):
        parse_categories(
            {"categories": [{"slug": "a", "name": "A", "children": [{"slug": "a", "name": "B"}]}]}
        )


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('brands = "protected"\nwindow', 'brands = "nope"\nwindow', "unknown brand list 'nope'"),
        (
            'destinations = "embargoed"\n\n[[rules]]',
            'destinations = "nowhere"\n\n[[rules]]',
            "unknown destination set 'nowhere'",
        ),
        ('codes = ["RU", "BY"]', 'codes = ["RU", "QQ"]', "unknown country or region codes"),
        (
            'id = "prohibited.narcotics"',
            'id = "prohibited.weapons"',
            "duplicate rule id 'prohibited.weapons'",
        ),
        (
            'categories = ["industrial-chemicals"]\ndocuments',
            'categories = ["no-such-thing"]\ndocuments',
            "unknown category slugs ['no-such-thing']",
        ),
        ('action = "refuse"\nurls', 'action = "delete"\nurls', "offsite.action"),
    ],
)
def test_invalid_listing_policy_is_refused_with_the_reason(replace, by, message):
    from tradepost.catalog.policy import bundled_listing_policy_text

    text = bundled_listing_policy_text()
    assert replace in text
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_listing_policy(
            text.replace(replace, by, 1), known_categories=load_categories().slugs()
        )
