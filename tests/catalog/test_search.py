"""The search service: words, filters, sorting, facets, window and page cap (both backends)."""

from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import member_create, search_category, searchable_listing
from tradepost.catalog import search
from tradepost.catalog.models import SupplierProfile
from tradepost.catalog.search import postgres, sqlite
from tradepost.errors import InvalidInput


def run(**params) -> search.SearchResult:
    return search.search(search.parse_search_params({k: str(v) for k, v in params.items()}))


def titles(result: search.SearchResult) -> list[str]:
    return [hit.title for hit in result.results]


@pytest.fixture
def tree(db) -> dict:
    lighting = search_category("t-lighting")
    return {
        "lighting": lighting,
        "strips": search_category("t-led-strips", parent=lighting),
        "bulbs": search_category("t-bulbs", parent=lighting),
        "kitchen": search_category("t-kitchen"),
    }


@pytest.fixture
def cn(db):
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def de(db):
    return member_create(country="DE", roles=["supplier"])


def test_words_match_title_keywords_and_description(tree, cn):
    searchable_listing(cn, tree["strips"], title="RGB strip light")
    searchable_listing(cn, tree["strips"], title="Light A", keywords=["waterproof"])
    searchable_listing(cn, tree["strips"], title="Light B", description="Fully waterproof.")
    searchable_listing(cn, tree["strips"], title="Light C")

    result = run(q="waterproof", sort="newest")

    assert titles(result) == ["Light B", "Light A"]
    assert result.count == 2
    assert result.count_exact is True


def test_every_word_must_match(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Steel water bottle")
    searchable_listing(cn, tree["kitchen"], title="Glass water bottle")

    assert titles(run(q="steel bottle")) == ["Steel water bottle"]


def test_quoted_phrase_matches_words_in_order(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Water bottle, steel")
    searchable_listing(cn, tree["kitchen"], title="Bottle for water")

    assert titles(run(q='"water bottle"')) == ["Water bottle, steel"]


def test_words_are_stemmed_and_case_ignored(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Steel BOTTLES")

    assert titles(run(q="bottle STEEL")) == ["Steel BOTTLES"]


def test_category_filter_includes_every_category_below(tree, cn):
    searchable_listing(cn, tree["strips"], title="Lamp strip")
    searchable_listing(cn, tree["bulbs"], title="Lamp bulb")
    searchable_listing(cn, tree["kitchen"], title="Lamp oil")

    assert titles(run(q="lamp", category="t-lighting", sort="newest")) == [
        "Lamp bulb",
        "Lamp strip",
    ]
    assert titles(run(q="lamp", category="t-bulbs")) == ["Lamp bulb"]


def test_unknown_category_is_invalid_input(tree):
    with pytest.raises(InvalidInput) as caught:
        run(q="lamp", category="no-such-category")

    assert caught.value.fields == {"category": ["Unknown category."]}


def test_country_filter(tree, cn, de):
    searchable_listing(cn, tree["kitchen"], title="Pan from China")
    searchable_listing(de, tree["kitchen"], title="Pan from Germany")

    assert titles(run(q="pan", country="de")) == ["Pan from Germany"]


@pytest.mark.parametrize(("verified", "expected"), [("true", ["Pan A"]), ("false", ["Pan B"])])
def test_verified_supplier_filter(tree, cn, de, verified, expected):
    SupplierProfile.objects.create(member=cn, verified=True)
    search.supplier_changed(member_pk=cn.pk)
    searchable_listing(cn, tree["kitchen"], title="Pan A")
    searchable_listing(de, tree["kitchen"], title="Pan B")

    assert titles(run(q="pan", verified=verified)) == expected


def test_verification_reaches_listings_already_indexed(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan A")
    SupplierProfile.objects.create(member=cn, verified=True)

    search.supplier_changed(member_pk=cn.pk)

    assert titles(run(q="pan", verified="true")) == ["Pan A"]


def test_sample_filter(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan A", sample=True)
    searchable_listing(cn, tree["kitchen"], title="Pan B")

    assert titles(run(q="pan", sample="true")) == ["Pan A"]


def test_moq_max_filter(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan A", tiers=[(10, "5.00")])
    searchable_listing(cn, tree["kitchen"], title="Pan B", tiers=[(500, "4.00")])

    assert titles(run(q="pan", moq_max=100)) == ["Pan A"]
    assert titles(run(q="pan", moq_max=500, sort="newest")) == ["Pan B", "Pan A"]


def test_price_filter_without_quantity_uses_the_lowest_unit_price(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan A", tiers=[(10, "9.00"), (100, "4.00")])
    searchable_listing(cn, tree["kitchen"], title="Pan B", tiers=[(10, "6.00")])

    assert titles(run(q="pan", max_price="5")) == ["Pan A"]
    assert titles(run(q="pan", min_price="5")) == ["Pan B"]


def test_price_filter_at_quantity_uses_the_tier_for_that_quantity(tree, cn):
    tiers = [(10, "9.00"), (100, "4.00")]
    pan = searchable_listing(cn, tree["kitchen"], title="Pan A", tiers=tiers)
    searchable_listing(cn, tree["kitchen"], title="Pan B", tiers=[(50, "3.00")])

    at_20 = run(q="pan", max_price="5", qty=20)
    at_100 = run(q="pan", max_price="5", qty=100, sort="newest")

    assert titles(at_20) == []
    assert titles(at_100) == ["Pan B", "Pan A"]
    assert at_100.results[1].id == pan.pk
    assert at_100.results[1].price_at_qty == Decimal("4.0000")


def test_quantity_below_the_moq_leaves_the_listing_out(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan A", tiers=[(100, "4.00")])

    assert titles(run(q="pan", qty=99)) == []
    assert titles(run(q="pan", qty=100)) == ["Pan A"]


def test_price_filters_and_sorting_compare_one_currency(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan USD", tiers=[(1, "3.00")])
    searchable_listing(cn, tree["kitchen"], title="Pan EUR", currency="EUR", tiers=[(1, "2.00")])

    assert titles(run(q="pan", max_price="10")) == ["Pan USD"]
    assert titles(run(q="pan", max_price="10", currency="eur")) == ["Pan EUR"]
    assert titles(run(q="pan", sort="price")) == ["Pan USD"]
    assert titles(run(q="pan", sort="newest")) == ["Pan EUR", "Pan USD"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Pan cheap", "Pan mid", "Pan dear"]),
        ("-price", ["Pan dear", "Pan mid", "Pan cheap"]),
        ("newest", ["Pan mid", "Pan dear", "Pan cheap"]),
    ],
)
def test_sorting(tree, cn, sort, expected):
    searchable_listing(cn, tree["kitchen"], title="Pan cheap", tiers=[(1, "1.00")])
    searchable_listing(cn, tree["kitchen"], title="Pan dear", tiers=[(1, "9.00")])
    searchable_listing(cn, tree["kitchen"], title="Pan mid", tiers=[(1, "5.00")])

    assert titles(run(q="pan", sort=sort)) == expected


def test_sorting_by_price_at_quantity(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan A", tiers=[(1, "5.00"), (100, "1.00")])
    searchable_listing(cn, tree["kitchen"], title="Pan B", tiers=[(1, "3.00")])

    assert titles(run(q="pan", sort="price", qty=1)) == ["Pan B", "Pan A"]
    assert titles(run(q="pan", sort="price", qty=100)) == ["Pan A", "Pan B"]


def test_relevance_puts_title_before_keywords_before_description(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Older tray")
    searchable_listing(cn, tree["kitchen"], title="Pot", description="Comes with a tray.")
    searchable_listing(cn, tree["kitchen"], title="Pan", keywords=["tray"])
    searchable_listing(cn, tree["kitchen"], title="Tray for ovens")

    result = run(q="tray")

    assert titles(result) == ["Tray for ovens", "Older tray", "Pan", "Pot"]


def test_relevance_tiers_page_across_tiers(tree, cn, settings):
    settings.SEARCH_PAGE_SIZE = 2
    searchable_listing(cn, tree["kitchen"], title="Pot", description="A tray.")
    searchable_listing(cn, tree["kitchen"], title="Pan", keywords=["tray"])
    searchable_listing(cn, tree["kitchen"], title="Tray one")
    searchable_listing(cn, tree["kitchen"], title="Tray two")
    searchable_listing(cn, tree["kitchen"], title="Tray three")

    pages = [titles(run(q="tray", page=n)) for n in (1, 2, 3, 4)]

    assert pages == [["Tray three", "Tray two"], ["Tray one", "Pan"], ["Pot"], []]


def test_facets_count_categories_with_their_ancestors_and_countries(tree, cn, de):
    searchable_listing(cn, tree["strips"], title="Lamp 1")
    searchable_listing(cn, tree["strips"], title="Lamp 2")
    searchable_listing(de, tree["bulbs"], title="Lamp 3")
    searchable_listing(de, tree["kitchen"], title="Lamp 4")

    result = run(q="lamp")

    assert [(c.slug, c.parent_slug, c.count) for c in result.category_facets] == [
        ("t-lighting", None, 3),
        ("t-led-strips", "t-lighting", 2),
        ("t-bulbs", "t-lighting", 1),
        ("t-kitchen", None, 1),
    ]
    assert result.country_facets == [("CN", 2), ("DE", 2)]


def test_facets_follow_the_filters(tree, cn, de):
    searchable_listing(cn, tree["strips"], title="Lamp 1", tiers=[(1, "1.00")])
    searchable_listing(de, tree["bulbs"], title="Lamp 2", tiers=[(1, "8.00")])

    result = run(q="lamp", max_price="2")

    assert [(c.slug, c.count) for c in result.category_facets] == [
        ("t-led-strips", 1),
        ("t-lighting", 1),
    ]
    assert result.country_facets == [("CN", 1)]


def test_no_words_lists_every_published_listing_newest_first(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan")
    searchable_listing(cn, tree["kitchen"], title="Draft pan", status="draft")
    searchable_listing(cn, tree["kitchen"], title="Pot")

    result = run()

    assert titles(result) == ["Pot", "Pan"]
    assert result.query.sort == "newest"


def test_pages(tree, cn, settings):
    settings.SEARCH_PAGE_SIZE = 2
    for n in range(5):
        searchable_listing(cn, tree["kitchen"], title=f"Pan {n}")

    pages = [run(q="pan", page=n) for n in (1, 2, 3)]

    assert [titles(p) for p in pages] == [["Pan 4", "Pan 3"], ["Pan 2", "Pan 1"], ["Pan 0"]]
    assert pages[0].pages == 3


def test_count_and_facets_cover_the_newest_window_of_matches(tree, cn, settings):
    settings.SEARCH_PAGE_SIZE = 2
    settings.SEARCH_MAX_PAGE = 1
    settings.SEARCH_WINDOW = 3
    for n in range(5):
        searchable_listing(cn, tree["kitchen"], title=f"Pan {n}", tiers=[(1, f"{n + 1}.00")])

    plain = run(q="pan")
    by_price = run(q="pan", sort="price")

    assert (plain.count, plain.count_exact) == (3, False)
    assert [c.count for c in plain.category_facets] == [3]
    assert titles(by_price) == ["Pan 2", "Pan 3"]


def test_a_page_past_the_cap_is_refused(settings):
    settings.SEARCH_MAX_PAGE = 50

    with pytest.raises(InvalidInput) as caught:
        search.parse_search_params({"q": "pan", "page": "51"})

    assert caught.value.code == "page_too_deep"
    assert caught.value.fields == {"page": ["At most 50."]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "abc"}, "min_price"),
        ({"min_price": "NaN"}, "min_price"),
        ({"max_price": "-1"}, "max_price"),
        ({"min_price": "5", "max_price": "4"}, "min_price"),
        ({"qty": "0"}, "qty"),
        ({"qty": "1.5"}, "qty"),
        ({"moq_max": "99999999999999999999"}, "moq_max"),
        ({"country": "XX"}, "country"),
        ({"verified": "maybe"}, "verified"),
        ({"currency": "dollars"}, "currency"),
        ({"sort": "popular"}, "sort"),
        ({"page": "0"}, "page"),
        ({"q": "x" * 201}, "q"),
        ({"q": "nul\x00byte"}, "q"),
        ({"q": "\ud800"}, "q"),
        ({"category": "../etc"}, "category"),
    ],
)
def test_bad_parameters_name_the_field(params, field):
    with pytest.raises(InvalidInput) as caught:
        search.parse_search_params(params)

    assert caught.value.code == "invalid_input"
    assert list(caught.value.fields) == [field]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("steel bottle", [("steel",), ("bottle",)]),
        ('"water bottle" steel', [("water", "bottle"), ("steel",)]),
        ("AND OR ( NEAR(x", [("and",), ("or",), ("near",), ("x",)]),
        ('"unclosed phrase', [("unclosed", "phrase")]),
        ("t-shirt", [("t",), ("shirt",)]),
        ('* " : ^ {title}', [("title",)]),
        ("steel steel", [("steel",)]),
    ],
)
def test_terms_are_plain_words(text, expected):
    assert [t.words for t in search.query.terms(text)] == expected


def test_price_bounds_are_inclusive(tree, cn):
    searchable_listing(cn, tree["kitchen"], title="Pan", tiers=[(1, "12.34")])

    assert titles(run(q="pan", min_price="12.34", max_price="12.34")) == ["Pan"]
    assert titles(run(q="pan", min_price="12.35")) == []


@pytest.mark.parametrize("bits_share", [0.0, 2.0])
def test_exact_filters_answer_alike_as_tags_or_as_docid_bits(tree, cn, de, monkeypatch, bits_share):
    backend = postgres if connection.vendor == "postgresql" else sqlite
    monkeypatch.setattr(backend, "BITS_SHARE", bits_share)
    monkeypatch.setattr(backend, "BITS_COMBINED", 0.0)
    monkeypatch.setattr(backend, "_shares", backend._Shares())
    SupplierProfile.objects.create(member=cn, verified=True)
    searchable_listing(cn, tree["strips"], title="Lamp A", sample=True)
    searchable_listing(cn, tree["kitchen"], title="Lamp B")
    searchable_listing(de, tree["bulbs"], title="Lamp C", sample=True)
    searchable_listing(de, tree["kitchen"], title="Lamp D")

    answers = [
        titles(run(q="lamp", country="CN", sort="newest")),
        titles(run(q="lamp", verified="false", sample="true")),
        titles(run(category="t-lighting", sample="true", sort="newest")),
        titles(run(verified="true", sample="false")),
    ]

    assert answers == [["Lamp B", "Lamp A"], ["Lamp C"], ["Lamp C", "Lamp A"], ["Lamp B"]]


def test_the_window_is_the_first_matches_by_relevance(tree, cn, settings):
    settings.SEARCH_PAGE_SIZE = 3
    settings.SEARCH_MAX_PAGE = 1
    settings.SEARCH_WINDOW = 3
    searchable_listing(cn, tree["kitchen"], title="Tray oldest")
    searchable_listing(cn, tree["kitchen"], title="Pot one", description="A tray.")
    searchable_listing(cn, tree["kitchen"], title="Tray new")
    searchable_listing(cn, tree["kitchen"], title="Pot two", description="A tray.")

    result = run(q="tray")

    assert titles(result) == ["Tray new", "Tray oldest", "Pot two"]
    assert (result.count, result.count_exact) == (3, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's buckets")
@pytest.mark.parametrize(("shift", "rest"), [(14, 5000), (1, 5000), (1, 0)])
def test_reading_the_window_bucket_by_bucket_gives_the_same_answers(
    tree, cn, settings, monkeypatch, shift, rest
):
    monkeypatch.setattr(postgres, "BUCKET_SHIFT", shift)
    monkeypatch.setattr(postgres, "REST_MATCHES", rest)
    settings.SEARCH_WINDOW = 5
    settings.SEARCH_PAGE_SIZE = 5
    settings.SEARCH_MAX_PAGE = 1
    for i in range(14):
        searchable_listing(
            cn,
            tree["kitchen"],
            title=f"Lamp {i}" if i % 4 == 0 else f"Item {i}",
            description="A desk lamp." if i % 3 == 1 else "Sold by the container.",
            sample=i % 2 == 0,
        )

    def answer(**params) -> tuple[list[str], int, bool]:
        result = run(**params)
        return [t.split()[1] for t in titles(result)], result.count, result.count_exact

    assert answer(q="lamp") == (["12", "8", "4", "0", "13"], 5, False)
    assert answer(q="lamp", sort="newest") == (["13", "12", "10", "8", "7"], 5, False)
    assert answer(q="lamp", sample="true") == (["12", "8", "4", "0", "10"], 5, True)
    assert answer(q='"desk lamp"') == (["13", "10", "7", "4", "1"], 5, True)
    assert answer(sample="false") == (["13", "11", "9", "7", "5"], 5, False)
