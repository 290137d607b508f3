"""Billing's pages."""

from django.urls import URLPattern, URLResolver

from tradepost.billing import verification_urls

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += verification_urls.urlpatterns
