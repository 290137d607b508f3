"""Billing's pages."""

from django.urls import URLPattern, URLResolver

from tradepost.billing import promotions_urls, verification_urls
from tradepost.billing.operations_urls import urlpatterns as operations_patterns
from tradepost.billing.subscriptions_urls import urlpatterns as subscriptions_urlpatterns

app_name = "billing"

urlpatterns: list[URLPattern | URLResolver] = [*operations_patterns]
urlpatterns += promotions_urls.urlpatterns
urlpatterns += subscriptions_urlpatterns
urlpatterns += verification_urls.urlpatterns
