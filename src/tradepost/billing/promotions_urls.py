from django.urls import URLPattern, path

from tradepost.billing import promotions_views as views

urlpatterns: list[URLPattern] = [
    path("account/promotions/", views.account_promotions, name="account_promotions"),
    path(
        "promotions/click/<int:campaign_id>/<str:token>/",
        views.promotion_click,
        name="promotion_click",
    ),
]
