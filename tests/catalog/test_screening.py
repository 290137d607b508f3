"""Product Listing Policy screening: a pure function, each rule kind with its matched text."""

import socket
import urllib.request

import pytest

from tradepost.catalog.policy import (
    bundled_listing_policy_text,
    load_bundled_listing_policy,
    parse_listing_policy,
)
from tradepost.catalog.screening import Decision, ListingContent, screen_listing
from tradepost.policy import PolicyError

POLICY = load_bundled_listing_policy()


def content(**overrides) -> ListingContent:
    fields = {
        "title": "Stainless steel pipe flange DN50",
        "description": "Forged weld neck flange, PN16.",
        "category_path": ("industrial-machinery", "pumps-valves"),
        "category_name": "Pumps & Valves",
        "supplier_country": "CN",
    }
    fields.update(overrides)
    return ListingContent(**fields)


def found(screening) -> list[tuple[str, str, str, int | None, int | None]]:
    return [(m.rule, m.field, m.text, m.start, m.end) for m in screening.matches]


def test_clean_listing_is_published_with_no_matches():
    screening = screen_listing(content(), POLICY)

    assert screening.decision == Decision.PUBLISH
    assert screening.matches == ()
    assert screening.policy_version == POLICY.version


def test_prohibited_item_is_refused_with_the_matched_words():
    screening = screen_listing(content(title="Assault rifle spare parts"), POLICY)

    assert screening.decision == Decision.REFUSE
    assert found(screening) == [("prohibited.weapons", "title", "Assault rifle", 0, 13)]
    assert screening.matches[0].kind == "prohibited"
    assert screening.matches[0].action == "refuse"


def test_restricted_item_is_held_for_review_with_the_documents_required():
    screening = screen_listing(
        content(
            title="KN95 face masks",
            category_path=("health-medical", "personal-protective-equipment"),
            category_name="Personal Protective Equipment",
        ),
        POLICY,
    )

    assert screening.decision == Decision.REVIEW
    assert found(screening) == [
        ("restricted.ppe", "title", "KN95", 0, 4),
        ("restricted.ppe", "category", "Personal Protective Equipment", None, None),
    ]
    assert screening.documents_required == (
        "Test report against the claimed standard (e.g. EN 149, NIOSH 42 CFR 84, GB 2626)",
        "Certificate of conformity from a notified body",
    )


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "Whites only distributors.",
            [("wording.discriminatory", "description", "Whites only", 0, 11)],
        ),
        (
            "Great porn magazine racks.",
            [("wording.sexually_explicit", "description", "porn", 6, 10)],
        ),
        ("This is shit quality.", [("wording.offensive", "description", "shit", 8, 12)]),
    ],
)
def test_curated_prohibited_wording_is_refused(description, expected):
    screening = screen_listing(content(description=description), POLICY)

    assert screening.decision == Decision.REFUSE
    assert found(screening) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Bastard file for metal",
        "Shag carpet",
        "Gay-Lussac flask",
        "Fanny pack",
        "Pussy willow",
        "Anal fissure cream",
    ],
)
def test_ordinary_trade_goods_pass_screening(title):
    screening = screen_listing(content(title=title), POLICY)

    assert screening.decision == Decision.PUBLISH
    assert screening.matches == ()


@pytest.mark.parametrize(
    ("title", "rule", "text", "start", "end"),
    [
        ("Wanker valve", "wording.word_list.en", "Wanker", 0, 6),
        ("Cheap WÄNKER valve", "wording.word_list.en", "WÄNKER", 6, 12),
        ("Valvula para MARICON", "wording.word_list.es", "MARICON", 13, 20),
        ("Gilipollas", "wording.word_list.es", "Gilipollas", 0, 10),
        ("Robinet ENCULE", "wording.word_list.fr", "ENCULE", 8, 14),
        ("Robinet mérde", "wording.word_list.fr", "mérde", 8, 13),
        ("Ventil Scheisse", "wording.word_list.de", "Scheisse", 7, 15),
        ("Ventil SCHEISSE", "wording.word_list.de", "SCHEISSE", 7, 15),
        ("Válvula cuzao", "wording.word_list.pt", "cuzao", 8, 13),
        ("Válvula CARALHO", "wording.word_list.pt", "CARALHO", 8, 15),
        ("Клапан ЕБАНЫЙ", "wording.word_list.ru", "ЕБАНЫЙ", 7, 13),
        ("Клапан мудак", "wording.word_list.ru", "мудак", 7, 12),
    ],
)
def test_a_listed_word_in_each_language_is_held_with_its_rule_and_text(
    title, rule, text, start, end
):
    screening = screen_listing(content(title=title), POLICY)

    assert screening.decision == Decision.REVIEW
    assert found(screening) == [(rule, "title", text, start, end)]
    assert screening.matches[0].kind == "wording"
    assert screening.matches[0].clause == "5.5 (c), (d)"


def test_a_decomposed_accent_is_matched_and_reported_as_written():
    title = "Robinét enculé"  # e + combining acute accent

    screening = screen_listing(content(title=title), POLICY)

    assert found(screening) == [("wording.word_list.fr", "title", "enculé", 9, 16)]


@pytest.mark.parametrize(
    "title",
    [
        "Scunthorpe steel coil",
        "Computación industrial",
        "Computer power supply",
        "Pirocatecol 99% grau técnico",
        "Запчасти для корабля",
        "Spastik-Therapiegerät",
        "Putaway racking",
    ],
)
def test_a_listed_word_inside_another_word_is_not_matched(title):
    screening = screen_listing(content(title=title), POLICY)

    assert screening.decision == Decision.PUBLISH
    assert screening.matches == ()


def test_a_policy_names_its_words_by_iso_639_1_language():
    text = bundled_listing_policy_text().replace("\nru = [", "\nxx = [")

    with pytest.raises(PolicyError, match=r"unknown ISO 639-1 language codes \['xx'\]"):
        parse_listing_policy(text, known_categories=None)


def test_a_stored_version_of_the_better_profanity_era_screens_with_the_bundled_words():
    text = bundled_listing_policy_text()
    start, end = text.index("[wording]"), text.index("[brands]")
    legacy = (
        text[:start]
        + '[wording]\nclause = "5.5 (c), (d)"\nword_list = "better-profanity"\n'
        + 'action = "review"\nallow = ["flange"]\n\n'
        + text[end:]
    ).replace('version = "2026.12.1"', 'version = "2026.11.1"')
    policy = parse_listing_policy(legacy, known_categories=None)

    screening = screen_listing(content(title="Wanker valve"), policy)

    assert policy.wording.legacy is True
    assert found(screening) == [("wording.word_list.en", "title", "Wanker", 0, 6)]


def test_trade_words_and_model_numbers_pass():
    text = "Pipe flange, LED strip, virgin olive oil, low fat, cooking pot, Galaxy A55 case."
    screening = screen_listing(content(description=text), POLICY)

    assert screening.decision == Decision.PUBLISH
    assert screening.matches == ()


@pytest.mark.parametrize(
    ("description", "rule", "text", "start", "end"),
    [
        ("Order at www.cheap-flanges.com today", "offsite.url", "www.cheap-flanges.com", 9, 30),
        (
            "Order at https://cheap.example.org/x",
            "offsite.url",
            "https://cheap.example.org/x",
            9,
            36,
        ),
        ("Mail sales@cheap-flanges.com", "offsite.email", "sales@cheap-flanges.com", 5, 28),
        ("WhatsApp +86 138 0013 8000", "offsite.phone", "+86 138 0013 8000", 9, 26),
        ("Call 138 0013 8000 now", "offsite.phone", "138 0013 8000", 5, 18),
    ],
)
def test_offsite_links_emails_and_phones_are_refused(description, rule, text, start, end):
    screening = screen_listing(content(description=description), POLICY)

    assert screening.decision == Decision.REFUSE
    assert found(screening) == [(rule, "description", text, start, end)]
    assert screening.matches[0].kind == "offsite"


def test_links_to_the_platform_itself_are_allowed():
    screening = screen_listing(
        content(description="See https://tradepost.example/listings/7 for the matching gasket."),
        POLICY,
    )

    assert screening.decision == Decision.PUBLISH


def test_specifications_are_not_mistaken_for_phone_numbers():
    text = "MOQ 1000 pcs, 120*60*75 cm, ISO 9001:2015, HS code 8471300000, 220V 50Hz, 2400 mAh."
    screening = screen_listing(content(description=text), POLICY)

    assert screening.matches == ()


def test_brand_next_to_a_counterfeit_signal_is_refused():
    screening = screen_listing(content(title="Replica Rolex Submariner AAA quality"), POLICY)

    assert screening.decision == Decision.REFUSE
    assert found(screening) == [
        ("counterfeit.replica", "title", "Replica Rolex", 0, 13),
        ("counterfeit.brand_authorisation", "title", "Rolex", 8, 13),
    ]


def test_brand_alone_is_held_for_proof_of_the_right_to_sell():
    screening = screen_listing(content(title="Nike running shoes, original stock"), POLICY)

    assert screening.decision == Decision.REVIEW
    assert found(screening) == [("counterfeit.brand_authorisation", "title", "Nike", 0, 4)]
    assert screening.documents_required == (
        "Trade mark registration certificate, or the brand owner's authorisation or "
        "distribution agreement",
    )


def test_signal_far_from_the_brand_is_not_a_counterfeit_match():
    description = "Adidas compatible laces. " + "x" * 120 + " Not a replica of anything."
    screening = screen_listing(content(description=description), POLICY)

    assert [m.rule for m in screening.matches] == ["counterfeit.brand_authorisation"]


def test_dual_use_goods_to_an_embargoed_destination_are_refused():
    screening = screen_listing(
        content(
            title="Quadcopter drone 5 km range",
            category_path=("consumer-electronics", "drones-uav"),
            category_name="Drones & UAVs",
            ships_to=("IR",),
        ),
        POLICY,
    )

    assert screening.decision == Decision.REFUSE
    assert found(screening) == [
        ("sanctions.dual_use_embargoed", "ships_to", "IR", None, None),
        ("sanctions.embargoed_destination", "ships_to", "IR", None, None),
    ]


def test_dual_use_goods_to_a_licence_destination_named_in_the_text_are_held():
    screening = screen_listing(
        content(
            title="CNC milling machine",
            description="Exported to Russia and Germany.",
            category_path=("industrial-machinery", "cnc-machines"),
            category_name="CNC Machine Tools",
        ),
        POLICY,
    )

    assert screening.decision == Decision.REVIEW
    assert found(screening) == [("sanctions.dual_use_licence", "description", "Russia", 12, 18)]


def test_ordinary_goods_to_a_licence_destination_pass():
    screening = screen_listing(content(description="Exported to Russia."), POLICY)

    assert screening.decision == Decision.PUBLISH


def test_supplier_export_markets_count_as_destinations():
    screening = screen_listing(
        content(
            category_path=("consumer-electronics", "drones-uav"),
            category_name="Drones & UAVs",
            export_markets=("KP",),
        ),
        POLICY,
    )

    assert [(m.rule, m.field, m.text) for m in screening.matches] == [
        ("sanctions.dual_use_embargoed", "supplier.export_markets", "KP"),
        ("sanctions.embargoed_destination", "supplier.export_markets", "KP"),
    ]


def test_strictest_action_decides_and_every_match_is_kept():
    screening = screen_listing(
        content(title="Nike shoes", description="Mail us at a@b-shoes.com"), POLICY
    )

    assert screening.decision == Decision.REFUSE
    assert [m.rule for m in screening.matches] == [
        "counterfeit.brand_authorisation",
        "offsite.email",
    ]


def test_keywords_and_attributes_are_screened_with_their_field_names():
    screening = screen_listing(
        content(keywords=("flange", "replica Gucci"), attributes=(("Brand", "www.x-shop.com"),)),
        POLICY,
    )

    assert [(m.rule, m.field, m.text) for m in screening.matches] == [
        ("counterfeit.replica", "keywords[1]", "replica Gucci"),
        ("counterfeit.brand_authorisation", "keywords[1]", "Gucci"),
        ("offsite.url", "attributes[0].value", "www.x-shop.com"),
    ]


def test_screening_is_deterministic_and_never_uses_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("screening tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    listing = content(description="Visit www.flanges-direct.com or call +86 138 0013 8000")

    first = screen_listing(listing, POLICY)
    second = screen_listing(listing, POLICY)

    assert first == second
    assert [m.rule for m in first.matches] == ["offsite.url", "offsite.phone"]


def test_a_policy_document_can_change_an_action():
    text = (
        bundled_listing_policy_text()
        .replace('version = "2026.12.1"', 'version = "test.1"')
        .replace(
            'clause = "5.5 (g), 5.6 (f)"\naction = "refuse"',
            'clause = "5.5 (g), 5.6 (f)"\naction = "review"',
        )
    )
    policy = parse_listing_policy(text, known_categories=None)

    screening = screen_listing(content(description="www.flanges-direct.com"), policy)

    assert policy.version == "test.1"
    assert screening.decision == Decision.REVIEW
