"""A member's profile edit keeps the supplier's listings in step (clause 5.2): the country the
listings carry (search filter and facet) and the supplier role that makes them findable."""

from tests.factories import listing_create, phone_for, search_category
from tradepost.catalog import search
from tradepost.catalog.models import Listing
from tradepost.catalog.services import member_profile_update

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


def found(**params: str) -> list[int]:
    query = search.parse_search_params({"q": "flange", "sort": "newest", **params})
    return [hit.id for hit in search.search(query).results]


def country_facets() -> list[tuple[str, int]]:
    query = search.parse_search_params({"q": "flange"})
    return list(search.search(query).country_facets)


def test_a_country_change_through_the_api_moves_the_listings_to_the_new_country(
    supplier, supplier_api
):
    search_category("t-kitchen")
    listing = listing_create(supplier, title="Forged flange DN80")

    response = supplier_api.patch("/members/me", {"country": "DE", "phone": phone_for("DE", 7)})

    assert response.status_code == 200
    assert response.json()["country"] == "DE"
    assert Listing.objects.get(pk=listing.pk).supplier_country == "DE"
    assert found(country="de") == [listing.pk]
    assert found(country="cn") == []
    assert country_facets() == [("DE", 1)]


def test_a_country_change_on_the_profile_page_moves_the_listings_too(supplier, client):
    search_category("t-kitchen")
    listing = listing_create(supplier, title="Forged flange DN80")
    client.force_login(supplier.user, backend=LOGIN_BACKEND)
    form = {
        f"profile-{name}": value
        for name, value in {
            "company_name": supplier.company_name,
            "business_type": supplier.business_type,
            "country": "DE",
            "access_country": "DE",
            "address": supplier.address,
            "contact_name": supplier.contact_name,
            "email": supplier.email,
            "phone": phone_for("DE", 8),
            "registration_number": supplier.registration_number,
            "roles": ["supplier"],
        }.items()
    }

    response = client.post("/account/profile/", form)

    assert response.status_code == 302
    assert Listing.objects.get(pk=listing.pk).supplier_country == "DE"
    assert found(country="de") == [listing.pk]


def test_dropping_the_supplier_role_hides_the_listings(supplier):
    search_category("t-kitchen")
    listing = listing_create(supplier, title="Forged flange DN80")

    member_profile_update(member=supplier, by=supplier.user, changes={"roles": ["buyer"]}, ip=None)

    assert Listing.objects.get(pk=listing.pk).supplier_country == "CN"
    assert found() == []


def test_an_edit_that_changes_neither_keeps_the_listings_as_they_were(supplier):
    search_category("t-kitchen")
    listing = listing_create(supplier, title="Forged flange DN80")

    member_profile_update(
        member=supplier, by=supplier.user, changes={"contact_name": "Li Wei"}, ip=None
    )

    assert Listing.objects.get(pk=listing.pk).supplier_country == "CN"
    assert found() == [listing.pk]
