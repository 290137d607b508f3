from django.urls import path

from tradepost.catalog import search_views, views

app_name = "catalog"

urlpatterns = [
    # The member's workspace.
    path("my/", views.dashboard, name="dashboard"),
    path("my/favourites/", views.favourites, name="favourites"),
    path(
        "my/favourites/listings/<int:listing_id>/",
        views.favourite_toggle,
        name="favourite_toggle",
    ),
    path(
        "my/favourites/suppliers/<str:member_id>/",
        views.favourite_supplier_toggle,
        name="favourite_supplier_toggle",
    ),
    path("my/saved-searches/", views.saved_searches, name="saved_searches"),
    path(
        "my/saved-searches/<int:saved_search_id>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
    # The supplier's listings and profile.
    path("my/listings/", views.my_listings, name="my_listings"),
    path("my/listings/new/", views.listing_create, name="listing_create"),
    path("my/listings/screen/", views.listing_screen_preview, name="listing_screen_preview"),
    path("my/listings/<int:listing_id>/", views.listing_edit, name="listing_edit"),
    path("my/listings/<int:listing_id>/submit/", views.listing_submit, name="listing_submit"),
    path("my/listings/<int:listing_id>/withdraw/", views.listing_withdraw, name="listing_withdraw"),
    path("my/listings/<int:listing_id>/delete/", views.listing_delete, name="listing_delete"),
    path("my/listings/<int:listing_id>/images/", views.listing_image_add, name="listing_image_add"),
    path(
        "my/listings/<int:listing_id>/images/order/",
        views.listing_images_reorder,
        name="listing_images_reorder",
    ),
    path(
        "my/listings/<int:listing_id>/images/<int:image_id>/move/",
        views.listing_image_move,
        name="listing_image_move",
    ),
    path(
        "my/listings/<int:listing_id>/images/<int:image_id>/delete/",
        views.listing_image_remove,
        name="listing_image_remove",
    ),
    path("my/supplier-profile/", views.my_supplier_profile, name="my_supplier_profile"),
    path("my/supplier-profile/certifications/", views.certification_add, name="certification_add"),
    path(
        "my/supplier-profile/certifications/<int:certification_id>/delete/",
        views.certification_remove,
        name="certification_remove",
    ),
    # Public pages.
    path("listings/<int:listing_id>/", views.listing_detail, name="listing_detail"),
    path("suppliers/<str:member_id>/", views.supplier_detail, name="supplier_detail"),
]

# Buyers' search (tradepost.catalog.search_views).
urlpatterns += [
    path("search/", search_views.search_page, name="search"),
    path("listings/", search_views.listings_index, name="listings_index"),
]
