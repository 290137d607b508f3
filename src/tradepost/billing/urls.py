"""Billing's pages."""

from django.urls import URLPattern, URLResolver

from tradepost.billing.subscriptions_urls import urlpatterns as subscriptions_urlpatterns

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += subscriptions_urlpatterns
