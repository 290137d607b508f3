"""Billing's pages."""

from django.urls import URLPattern, URLResolver

from tradepost.billing import promotions_urls

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += promotions_urls.urlpatterns
