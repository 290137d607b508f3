"""The member's workspace pages: dashboard, my listings, favourites, saved searches, and the
listing editor's images in the same step."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.catalog.conftest import LOGIN_BACKEND
from tests.factories import image_bytes, listing_create, member_create
from tradepost.catalog import services
from tradepost.catalog.models import FavouriteListing, Listing, ListingStatus, SavedSearch


@pytest.fixture
def buyer(db):
    return member_create(country="US", roles=["buyer"])


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer.user, backend=LOGIN_BACKEND)
    return client


def _png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def test_the_dashboard_asks_to_log_in(client, db):
    response = client.get("/my/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_supplier_dashboard_shows_statuses_attention_and_the_cap(supplier_client, supplier):
    listing_create(supplier)
    listing_create(supplier, title="Replica Rolex watch", description="A replica Rolex watch.")

    response = supplier_client.get("/my/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 of 50 listings in use" in html
    assert 'href="/my/listings/?status=published"' in html
    assert "Needs your attention" in html
    assert "Replica Rolex watch" in html
    assert "replicas and copies of brands cannot be listed" in html
    attention = html.split("Needs your attention", 1)[1].split("Quick links", 1)[0]
    assert "counterfeit" not in attention
    assert "Clause" not in attention
    assert "Saved listings" not in html  # a supplier only: no buyer sections


def test_a_buyer_dashboard_shows_favourites_searches_and_notices(buyer_client, buyer, supplier):
    listing = listing_create(supplier)
    services.favourite_listing_add(member=buyer, listing_id=listing.pk)
    services.saved_search_create(member=buyer, name="Flanges", query="q=flange")

    response = buyer_client.get("/my/")

    html = response.content.decode()
    assert "Saved listings" in html
    assert listing.title in html
    assert '<a href="/search/?q=flange">Flanges</a>' in html
    assert "Latest notices" in html
    assert "Needs your attention" not in html


def test_a_member_who_buys_and_sells_sees_both(client, db):
    both = member_create(roles=["buyer", "supplier"])
    client.force_login(both.user, backend=LOGIN_BACKEND)

    html = client.get("/my/").content.decode()

    assert "Selling" in html
    assert "Buying" in html


def _dashboard_data(supplier, buyer, n: int) -> None:
    others = [member_create(roles=["supplier"]) for _ in range(max(1, n // 3))]
    for i in range(n):
        mine = listing_create(supplier, title=f"Flange model {i}")
        theirs = listing_create(others[i % len(others)], title=f"Valve model {i}")
        services.favourite_listing_add(member=buyer, listing_id=theirs.pk)
        services.favourite_listing_add(member=supplier, listing_id=theirs.pk)
        services.saved_search_create(member=supplier, name=f"search {i}", query=f"q={i}")
        assert mine.pk
    for other in others:
        services.favourite_supplier_add(member=supplier, supplier_member_id=other.member_id)


@pytest.mark.parametrize("n", [1, 9])
def test_the_dashboard_runs_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, n
):
    both = member_create(roles=["buyer", "supplier"])
    buyer = member_create(roles=["buyer"])
    _dashboard_data(both, buyer, n)
    client.force_login(both.user, backend=LOGIN_BACKEND)

    # One of them asks whether a disciplinary action caps the listings (clause 6.2 iii), one
    # counts the header's unread messages.
    # And one reads the open maintenance windows (cached; the cache starts empty in a test).
    with django_assert_max_num_queries(26):
        response = client.get("/my/")

    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 9])
def test_favourites_and_my_listings_run_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, n
):
    both = member_create(roles=["buyer", "supplier"])
    buyer = member_create(roles=["buyer"])
    _dashboard_data(both, buyer, n)
    client.force_login(both.user, backend=LOGIN_BACKEND)

    client.get("/my/")  # the first page of a session also loads per-session data
    # My listings asks whether a disciplinary action caps the listings (clause 6.2 iii); the
    # header counts unread messages.
    for url, most in (("/my/favourites/", 9), ("/my/listings/", 12), ("/my/saved-searches/", 6)):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_my_listings_filters_by_status(supplier_client, supplier):
    listing_create(supplier, title="Published flange")
    listing_create(supplier, publish=False, title="Draft flange")

    html = supplier_client.get("/my/listings/?status=draft").content.decode()

    assert "Draft flange" in html
    assert "Published flange" not in html
    assert 'href="?status=draft" aria-current="page"' in html


def test_the_save_button_saves_and_goes_back_without_javascript(buyer_client, buyer, supplier):
    listing = listing_create(supplier)

    response = buyer_client.post(
        f"/my/favourites/listings/{listing.pk}/", {"next": f"/listings/{listing.pk}/"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/listings/{listing.pk}/"
    assert FavouriteListing.objects.get(member=buyer).listing == listing


def test_the_save_button_does_not_redirect_off_site(buyer_client, supplier):
    listing = listing_create(supplier)

    response = buyer_client.post(
        f"/my/favourites/listings/{listing.pk}/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == "/my/favourites/"


def test_the_save_button_swaps_itself_with_htmx(buyer_client, buyer, supplier):
    listing = listing_create(supplier)
    url = f"/my/favourites/listings/{listing.pk}/"

    saved = buyer_client.post(url, HTTP_HX_REQUEST="true")
    unsaved = buyer_client.post(url, HTTP_HX_REQUEST="true")

    assert saved.status_code == 200
    assert 'aria-pressed="true"' in saved.content.decode()
    assert 'aria-pressed="false"' in unsaved.content.decode()
    assert FavouriteListing.objects.filter(member=buyer).count() == 0


def test_saving_a_draft_is_not_found(buyer_client, supplier):
    draft = listing_create(supplier, publish=False)

    assert buyer_client.post(f"/my/favourites/listings/{draft.pk}/").status_code == 404


def test_the_save_button_needs_a_post(buyer_client, supplier):
    listing = listing_create(supplier)

    assert buyer_client.get(f"/my/favourites/listings/{listing.pk}/").status_code == 405


def test_favourites_page_lists_listings_and_suppliers(buyer_client, buyer, supplier):
    listing = listing_create(supplier)
    services.favourite_listing_add(member=buyer, listing_id=listing.pk)
    buyer_client.post(f"/my/favourites/suppliers/{supplier.member_id}/")

    html = buyer_client.get("/my/favourites/").content.decode()

    assert listing.title in html
    assert supplier.company_name in html
    assert f'action="/my/favourites/suppliers/{supplier.member_id}/"' in html


def test_save_a_search_from_its_query_string(buyer_client, buyer):
    page = buyer_client.get("/my/saved-searches/?query=q%3Dpump%26country%3DCN%26page%3D2")
    assert 'value="q=pump&amp;country=CN&amp;page=2"' in page.content.decode()

    response = buyer_client.post(
        "/my/saved-searches/", {"name": "Pumps", "query": "q=pump&country=CN&page=2"}
    )

    assert response.status_code == 302
    saved = SavedSearch.objects.get(member=buyer)
    assert (saved.name, saved.query) == ("Pumps", "country=CN&q=pump")
    html = buyer_client.get("/my/saved-searches/").content.decode()
    assert '<a href="/search/?country=CN&amp;q=pump">Pumps</a>' in html
    assert "“pump” · Supplier country: CN" in html


def test_a_nameless_search_shows_the_error_summary(buyer_client):
    response = buyer_client.post("/my/saved-searches/", {"name": "", "query": "q=pump"})

    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#id_name">Name this search: Give the search a name.</a>' in html
    assert SavedSearch.objects.count() == 0


def test_delete_a_saved_search(buyer_client, buyer):
    saved = services.saved_search_create(member=buyer, name="Pumps", query="q=pump")

    response = buyer_client.post(f"/my/saved-searches/{saved.pk}/delete/")

    assert response.status_code == 302
    assert SavedSearch.objects.count() == 0


def test_a_listing_is_created_with_three_images_in_one_post(supplier_client, supplier):
    from tests.catalog.test_views import form

    data = form()
    data["images"] = [_png("front.png"), _png("side.png"), _png("box.png")]

    response = supplier_client.post("/my/listings/new/", data)

    listing = Listing.objects.get(supplier=supplier)
    assert response.status_code == 302
    assert listing.status == ListingStatus.PUBLISHED
    assert listing.images.count() == 3
    page = supplier_client.get(f"/my/listings/{listing.pk}/").content.decode()
    assert page.count('class="ws-image"') == 3
    assert "Cover" in page


def test_a_bad_image_keeps_nothing_and_says_which_file(supplier_client, supplier):
    from tests.catalog.test_views import form

    data = form()
    data["images"] = [_png("front.png"), SimpleUploadedFile("notes.png", b"text")]

    response = supplier_client.post("/my/listings/new/", data)

    assert response.status_code == 200
    assert Listing.objects.count() == 0
    errors = response.context["form"].errors["images"]
    assert len(errors) == 1
    assert errors[0].startswith("notes.png: ")
    assert '<a href="#id_images">Product images: notes.png' in response.content.decode()


def test_move_an_image_without_javascript(supplier_client, supplier):
    listing = services.listing_create_with_images(
        member=supplier,
        data=__import__("tests.factories", fromlist=["listing_payload"]).listing_payload(),
        images=[_png("a.png"), _png("b.png")],
    )
    a, b = listing.images.values_list("pk", flat=True)

    response = supplier_client.post(
        f"/my/listings/{listing.pk}/images/{b}/move/", {"direction": "up"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#images")
    assert list(listing.images.values_list("pk", flat=True)) == [b, a]


def test_reorder_images_by_drag(supplier_client, supplier):
    from tests.factories import listing_payload

    listing = services.listing_create_with_images(
        member=supplier, data=listing_payload(), images=[_png("a.png"), _png("b.png")]
    )
    a, b = listing.images.values_list("pk", flat=True)

    response = supplier_client.post(
        f"/my/listings/{listing.pk}/images/order/", {"image": [b, a]}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 204
    assert list(listing.images.values_list("pk", flat=True)) == [b, a]


def test_someone_elses_images_are_not_found(buyer_client, supplier):
    from tests.factories import listing_payload

    listing = services.listing_create_with_images(
        member=supplier, data=listing_payload(), images=[_png("a.png")]
    )
    (a,) = listing.images.values_list("pk", flat=True)
    other = member_create(roles=["supplier"])
    buyer_client.force_login(other.user, backend=LOGIN_BACKEND)

    response = buyer_client.post(f"/my/listings/{listing.pk}/images/{a}/move/", {"direction": "up"})

    assert response.status_code == 404


def test_the_editor_lists_currencies_units_and_countries(supplier_client):
    html = supplier_client.get("/my/listings/new/").content.decode()

    assert '<option value="EUR">EUR – Euro</option>' in html
    assert '<option value="kg">kilogram (kg)</option>' in html
    assert 'name="ships_to" value="DE"' in html
    assert 'name="images"' in html
    assert "multiple" in html
    assert 'enctype="multipart/form-data"' in html


def _menu(client, user) -> str:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/my/")
    request.user = user
    from django.urls import resolve

    request.resolver_match = resolve("/my/")
    return render_to_string("includes/member_menu.html", request=request)


def test_the_member_menu_shows_a_buyer_only_what_applies(buyer):
    html = _menu(None, buyer.user)

    assert 'href="/my/" aria-current="page">Dashboard' in html
    assert 'href="/my/favourites/"' in html
    assert 'href="/my/saved-searches/"' in html
    assert 'href="/my/listings/"' not in html


def test_the_member_menu_shows_a_supplier_only_what_applies(supplier):
    html = _menu(None, supplier.user)

    assert 'href="/my/listings/"' in html
    assert 'href="/my/supplier-profile/"' in html
    assert 'href="/my/favourites/"' not in html


def test_the_editor_keeps_rule_ids_out_of_the_main_text(supplier_client, supplier):
    listing = listing_create(supplier, title="Replica Rolex watch", description="A replica.")

    html = supplier_client.get(f"/my/listings/{listing.pk}/").content.decode()

    main, why = html.split('<details class="ws-why">', 1)
    assert "replicas and copies of brands cannot be listed" in main
    assert "(rules:" not in html
    rule = listing.screening["matches"][0]["rule"]
    assert rule not in main
    assert rule in why


def test_without_rule_ids():
    from tradepost.catalog.screening_advice import without_rule_ids

    assert without_rule_ids(
        "Your listing “X” was refused by the Product Listing Policy (rules: a.b, c.d). Fix it."
    ) == ("Your listing “X” was refused by the Product Listing Policy. Fix it.")


def test_the_favourite_button_partial_shows_the_saved_state(buyer, supplier):
    from django.template import engines
    from django.test import RequestFactory

    listing = listing_create(supplier)
    services.favourite_listing_add(member=buyer, listing_id=listing.pk)
    request = RequestFactory().get(f"/listings/{listing.pk}/")
    request.user = buyer.user
    page = engines["django"].from_string(
        "{% load favourites %}{% listing_saved listing_id as saved %}"
        "{% supplier_saved supplier_pk as s_saved %}"
        '{% include "catalog/_favourite_button.html" with listing_id=listing_id saved=saved %}'
        "{{ s_saved }}"
    )

    html = page.render({"listing_id": listing.pk, "supplier_pk": supplier.pk}, request)

    assert f'action="/my/favourites/listings/{listing.pk}/"' in html
    assert 'aria-pressed="true"' in html
    assert f'name="next" value="/listings/{listing.pk}/"' in html
    assert html.rstrip().endswith("False")


@pytest.mark.parametrize(
    ("match", "problem"),
    [
        (
            {"kind": "offsite", "action": "refuse", "field": "description", "text": "a@b.cn"},
            "Your description contains contact details or a link (“a@b.cn”).",
        ),
        (
            {"kind": "counterfeit", "action": "refuse", "field": "title", "text": "Replica X"},
            "Your title names a protected brand as a copy (“Replica X”).",
        ),
        (
            {"kind": "counterfeit", "action": "review", "field": "keywords[1]", "text": "X"},
            "Your keyword list names the brand “X”.",
        ),
        (
            {
                "kind": "sanctions",
                "action": "refuse",
                "title": "Goods offered to an embargoed destination",
                "field": "ships_to",
                "text": "KP",
            },
            "Goods offered to an embargoed destination: your listing offers shipping to “KP”.",
        ),
    ],
)
def test_screening_matches_become_sentences_without_rule_ids(match, problem):
    from tradepost.catalog.screening_advice import match_advice

    advice = match_advice({**match, "rule": "some.rule_id", "clause": "5.5 (g)"})

    assert advice["problem"] == problem
    assert "some.rule_id" not in advice["problem"] + advice["change"]
    assert "5.5" not in advice["problem"] + advice["change"]
