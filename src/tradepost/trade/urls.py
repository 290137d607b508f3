"""Trade pages (inquiries and conversations, RFQs, orders, disputes), one module per area."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tradepost.trade import rfq_urls
from tradepost.trade.pages import disputes as dispute_pages
from tradepost.trade.pages import messaging
from tradepost.trade.pages import orders as order_pages

app_name = "trade"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += messaging.urlpatterns
urlpatterns += rfq_urls.urlpatterns  # RFQs and quotations

# Orders (7.1): from a listing, the member's orders, one order with its next steps.
urlpatterns += [
    path("listings/<int:listing_id>/order/", order_pages.order_new, name="order_new"),
    path("my/orders/", order_pages.my_orders, name="orders"),
    path("my/orders/<int:order_id>/", order_pages.order_detail, name="order"),
]

# Disputes (7.3) and feedback (3.6) from the order page.
urlpatterns += [
    path("my/orders/<int:order_id>/dispute/", dispute_pages.order_dispute, name="order_dispute"),
    path("my/orders/<int:order_id>/feedback/", dispute_pages.order_feedback, name="order_feedback"),
]
