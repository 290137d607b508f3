"""Billing's pages."""

from django.urls import URLPattern, URLResolver

from tradepost.billing.operations_urls import urlpatterns as operations_patterns

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = [*operations_patterns]
