"""Trade pages (inquiries and conversations, RFQs, orders, disputes), one module per area."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from tradepost.trade import rfq_urls
from tradepost.trade.pages import messaging

app_name = "trade"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += messaging.urlpatterns
urlpatterns += rfq_urls.urlpatterns  # RFQs and quotations
