"""GET /api/v1/listings, GET /api/v1/listings/{id} and the /search/ page."""

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import ApiClient
from tests.factories import member_create, search_category, searchable_listing, staff_create
from tradepost.catalog.models import SupplierProfile
from tradepost.catalog.search.query import SORTS
from tradepost.catalog.search_api import SearchOut
from tradepost.trust.services import member_change_status

HOSTILE = [
    '"',
    '""',
    "AND OR (",
    "*",
    "NEAR(",
    "NEAR(a b, 2)",
    "{title}: x",
    "title:pan",
    "pan NOT pot",
    "-pan",
    "pan OR",
    "^pan",
    "pan*",
    "'; DROP TABLE catalog_listing; --",
    "\\",
    "()",
    ":",
    "& | ! <->",
    "'",
    "\u0000",
    "🙂 pan",
    "x" * 5000,
]


@pytest.fixture
def catalog(db):
    kitchen = search_category("t-kitchen")
    cn = member_create(country="CN", roles=["supplier"])
    SupplierProfile.objects.create(member=cn, verified=True)
    pan = searchable_listing(
        cn,
        kitchen,
        title="Cast iron pan",
        keywords=["skillet"],
        tiers=[(10, "9.50"), (100, "7.25")],
        sample=True,
    )
    draft = searchable_listing(cn, kitchen, title="Draft pan", status="draft")
    return {"pan": pan, "draft": draft, "supplier": cn, "kitchen": kitchen}


def test_search_answers_count_results_and_facets(catalog):
    pan = catalog["pan"]

    response = ApiClient().get("/listings?q=pan&qty=150")

    assert response.status_code == 200
    assert SearchOut.model_validate(response.json()).count == 1
    assert response.json() == {
        "count": 1,
        "count_exact": True,
        "page": 1,
        "page_size": 20,
        "max_page": 50,
        "results": [
            {
                "id": pan.pk,
                "url": f"/listings/{pan.pk}/",
                "title": "Cast iron pan",
                "category": {"slug": "t-kitchen", "name": "T Kitchen"},
                "supplier": {
                    "member_id": catalog["supplier"].member_id,
                    "company_name": catalog["supplier"].company_name,
                    "country": "CN",
                    "verified": True,
                },
                "supplier_rating": {"average": None, "count": 0},
                "currency": "USD",
                "min_unit_price": "7.25",
                "price_at_qty": "7.25",
                "price_tiers": [
                    {"min_qty": 10, "unit_price": "9.5"},
                    {"min_qty": 100, "unit_price": "7.25"},
                ],
                "moq": 10,
                "unit": "piece",
                "sample_available": True,
                "published_at": DjangoJSONEncoder().default(pan.published_at),
                "promoted": False,
            }
        ],
        "facets": {"category": {"t-kitchen": 1}, "country": {"CN": 1}},
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_price=cheap", "min_price"),
        ("qty=0", "qty"),
        ("country=XX", "country"),
        ("sort=popular", "sort"),
        ("verified=maybe", "verified"),
        ("page=-1", "page"),
        ("category=nothing-here", "category"),
    ],
)
def test_bad_parameters_answer_422_naming_the_field(catalog, query, field):
    response = ApiClient().get(f"/listings?{query}")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_page_past_the_cap_answers_422(catalog):
    response = ApiClient().get("/listings?q=pan&page=51")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "page_too_deep"
    assert response.json()["error"]["max_page"] == 50


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_query_text_never_fails(catalog, q):
    response = ApiClient().client.get("/api/v1/listings", {"q": q})

    assert response.status_code in (200, 422)
    assert response["Content-Type"] == "application/json; charset=utf-8"


@hypothesis_settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=60), sort=st.sampled_from(SORTS))
def test_any_query_text_answers_200_or_422(catalog, settings, q, sort):
    settings.RATE_LIMITS = {}

    response = ApiClient().client.get("/api/v1/listings", {"q": q, "sort": sort})

    assert response.status_code in (200, 422), response.content


def test_a_published_listing_reads_by_id(catalog):
    pan = catalog["pan"]

    response = ApiClient().get(f"/listings/{pan.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["title"], body["keywords"]) == (pan.pk, "Cast iron pan", ["skillet"])
    assert body["supplier"]["verified"] is True
    assert body["category_path"] == ["t-kitchen"]


@pytest.mark.parametrize("path", ["draft", "missing", "huge"])
def test_anything_but_a_published_listing_is_404(catalog, path):
    listing_id = {"draft": catalog["draft"].pk, "missing": 999999, "huge": 10**30}[path]

    response = ApiClient().get(f"/listings/{listing_id}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_suspended_suppliers_listing_is_404(catalog):
    staff = staff_create(username="agent", superuser=True)
    member_change_status(
        member=catalog["supplier"], to_status="suspended", reason="Check.", by=staff
    )

    response = ApiClient().get(f"/listings/{catalog['pan'].pk}")

    assert response.status_code == 404


def test_the_search_page_lists_results_and_facets(client, catalog):
    response = client.get("/search/", {"q": "pan"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Cast iron pan" in body
    assert "Draft pan" not in body
    assert "1 listing" in body
    assert 'href="?q=pan&amp;category=t-kitchen"' in body
    assert "USD\xa07.25\u2009–\u20099.50" in body


def test_the_search_page_shows_the_tier_price_at_the_quantity(client, catalog):
    response = client.get("/search/", {"q": "pan", "qty": "150"})

    assert 'USD\xa07.25 <span class="listing-card-per">at 150 pieces</span>' in (
        response.content.decode()
    )


def test_the_search_page_explains_bad_parameters(client, catalog):
    response = client.get("/search/", {"q": "pan", "page": "51"})

    assert response.status_code == 422
    assert "Results stop at page 50" in response.content.decode()
