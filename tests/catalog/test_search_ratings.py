"""Clause 3.6: supplier ratings on search cards, as a search filter (`min_rating`) and a sort
(`sort=rating`), in the API and the page, on the rating copy trade keeps in the catalog."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from tests.conftest import ApiClient
from tests.factories import member_create, search_category, searchable_listing
from tradepost.catalog import search
from tradepost.catalog.models import SupplierRating
from tradepost.catalog.services import supplier_rating_record, supplier_ratings_replace
from tradepost.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def run(**params) -> search.SearchResult:
    return search.search(search.parse_search_params({k: str(v) for k, v in params.items()}))


def titles(result: search.SearchResult) -> list[str]:
    return [hit.title for hit in result.results]


def rated_supplier(average: str | None, count: int = 1):
    member = member_create(country="CN", roles=["supplier"])
    if average is not None:
        supplier_rating_record(member_pk=member.pk, average=Decimal(average), count=count)
    return member


@pytest.fixture
def world(db):
    """Five pans, newest last: suppliers rated 5.0 (1), 4.0 (9), 4.0 (2), 3.9 (30), none."""
    kitchen = search_category("r-kitchen")
    specs = [("Pan five", "5.0", 1), ("Pan four many", "4.0", 9), ("Pan four few", "4.0", 2)]
    specs += [("Pan three nine", "3.9", 30), ("Pan unrated", None, 0)]
    listings = {}
    for title, average, count in specs:
        supplier = rated_supplier(average, count)
        listings[title] = searchable_listing(
            supplier, kitchen, title=title, tiers=[(1, str(10 + len(listings)))]
        )
    return listings


# --- The search service (both backends) ---------------------------------------------------


@pytest.mark.parametrize(
    ("min_rating", "expected"),
    [
        (5, ["Pan five"]),
        (4, ["Pan four few", "Pan four many", "Pan five"]),
        (3, ["Pan three nine", "Pan four few", "Pan four many", "Pan five"]),
        (1, ["Pan three nine", "Pan four few", "Pan four many", "Pan five"]),
    ],
)
def test_min_rating_keeps_suppliers_rated_at_least_that(world, min_rating, expected):
    result = run(q="pan", sort="newest", min_rating=min_rating)

    assert titles(result) == expected
    assert result.count == len(expected)


def test_the_rating_sort_puts_the_best_average_then_the_most_ratings_first(world):
    result = run(sort="rating")

    assert titles(result) == [
        "Pan five",
        "Pan four many",
        "Pan four few",
        "Pan three nine",
        "Pan unrated",
    ]


def test_rating_filter_and_sort_combine_with_words_and_price(world):
    result = run(q="pan", min_rating=4, max_price="11.50", sort="rating")

    assert titles(result) == ["Pan five", "Pan four many"]


def test_a_price_sort_with_a_rating_filter_orders_by_price(world):
    result = run(min_rating=4, sort="-price")

    assert titles(result) == ["Pan four few", "Pan four many", "Pan five"]


def test_facets_count_what_the_rating_filter_keeps(world):
    result = run(min_rating=4)

    assert [(c.slug, c.count) for c in result.category_facets] == [("r-kitchen", 3)]
    assert result.country_facets == [("CN", 3)]


def test_hits_carry_the_suppliers_rating(world):
    hits = {hit.title: hit for hit in run(q="pan").results}

    assert (hits["Pan four many"].supplier_rating, hits["Pan four many"].supplier_rating_count) == (
        Decimal("4.0"),
        9,
    )
    assert (hits["Pan unrated"].supplier_rating, hits["Pan unrated"].supplier_rating_count) == (
        None,
        0,
    )


def test_a_new_rating_shows_at_once_without_reindexing(world):
    supplier_id = world["Pan unrated"].supplier_id

    supplier_rating_record(member_pk=supplier_id, average=Decimal("4.96"), count=25)

    assert titles(run(sort="rating"))[0] == "Pan unrated"
    assert SupplierRating.objects.get(member_id=supplier_id).average == Decimal("5.0")


@pytest.mark.parametrize("raw", ["0", "6", "4.5", "four", "-1", "²", " "])
def test_bad_min_rating_is_refused_by_the_parser(raw):
    if raw.strip() == "":
        assert search.parse_search_params({"min_rating": raw}).min_rating is None
        return
    with pytest.raises(InvalidInput) as caught:
        search.parse_search_params({"min_rating": raw})

    assert list(caught.value.fields) == ["min_rating"]


# --- The rating copy ------------------------------------------------------------------------


def test_a_count_of_zero_removes_the_rating(db):
    member = rated_supplier("4.2", 3)

    supplier_rating_record(member_pk=member.pk, average=None, count=0)

    assert SupplierRating.objects.filter(member_id=member.pk).count() == 0


@pytest.mark.parametrize(("average", "count"), [("0.9", 1), ("5.1", 1), (None, 2), ("4", -1)])
def test_an_impossible_rating_is_refused(db, average, count):
    member = member_create(country="CN", roles=["supplier"])

    with pytest.raises(InvalidInput):
        supplier_rating_record(
            member_pk=member.pk, average=Decimal(average) if average else None, count=count
        )

    assert SupplierRating.objects.count() == 0


def test_replace_swaps_every_rating(db):
    old, new = rated_supplier("2.0"), member_create(country="CN", roles=["supplier"])

    made = supplier_ratings_replace([(new.pk, Decimal("4.44"), 7)])

    assert made == 1
    assert list(SupplierRating.objects.values_list("member_id", "average", "count")) == [
        (new.pk, Decimal("4.4"), 7)
    ]
    assert old.pk != new.pk


# --- The API --------------------------------------------------------------------------------


def test_the_api_filters_sorts_and_shows_the_rating(world):
    response = ApiClient().get("/listings?min_rating=4&sort=rating")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["title"] for r in results] == ["Pan five", "Pan four many", "Pan four few"]
    assert [r["supplier_rating"] for r in results] == [
        {"average": "5", "count": 1},
        {"average": "4", "count": 9},
        {"average": "4", "count": 2},
    ]


def test_the_api_shows_no_rating_as_null_and_zero(world):
    response = ApiClient().get("/listings?q=unrated")

    assert response.json()["results"][0]["supplier_rating"] == {"average": None, "count": 0}


@pytest.mark.parametrize("value", ["0", "6", "3.5", "x"])
def test_the_api_answers_422_for_a_bad_min_rating(world, value):
    response = ApiClient().get(f"/listings?min_rating={value}")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert list(response.json()["error"]["fields"]) == ["min_rating"]


def test_the_openapi_document_lists_min_rating_and_the_rating_sort(db):
    spec = ApiClient().client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/listings"]["get"]["parameters"]}

    assert "min_rating" in params
    assert "rating" in params["sort"]["description"]


# --- The page -------------------------------------------------------------------------------


def test_the_page_shows_the_rating_on_cards(client, world):
    body = client.get("/search/", {"q": "pan"}).content.decode()

    assert "Supplier rating: 4.0 out of 5, 9 ratings" in body
    assert "Supplier rating: 5.0 out of 5, 1 rating<" in body
    assert body.count('class="listing-card-rating"') == 4


def test_the_page_filters_by_rating_with_a_chip_and_sorts(client, world):
    response = client.get("/search/", {"min_rating": "4", "sort": "rating"})
    body = response.content.decode()

    assert response.status_code == 200
    assert body.count('<article class="listing-card">') == 3
    assert body.index("Pan five") < body.index("Pan four many") < body.index("Pan four few")
    assert "Supplier rating: 4 stars and up" in body
    assert '<option value="4" selected>4 stars and up</option>' in body
    assert '<option value="rating" selected>Best-rated suppliers</option>' in body


def test_the_page_explains_a_bad_min_rating(client, world):
    response = client.get("/search/", {"min_rating": "9"})
    body = response.content.decode()

    assert response.status_code == 422
    assert "Choose a rating from the list." in body
    assert 'id="id_min_rating" name="min_rating" aria-describedby="id_min_rating-hint' in body


@pytest.mark.parametrize("rated", [False, True])
def test_ratings_add_no_query_per_card(client, rated, django_assert_max_num_queries):
    kitchen = search_category("r-pots")
    for n in range(25):
        supplier = rated_supplier(f"{1 + n % 5}.0" if rated else None, n + 1)
        searchable_listing(supplier, kitchen, title=f"Pot {n}")

    with django_assert_max_num_queries(12):
        response = client.get("/search/", {"q": "pot", "sort": "rating", "min_rating": "1"})

    assert response.status_code == 200
    assert response.content.decode().count('<article class="listing-card">') == (20 if rated else 0)
