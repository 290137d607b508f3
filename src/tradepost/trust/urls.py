"""Trust & Safety pages (mounted at the site root by config/urls.py), one block per area."""

from django.urls import path

from tradepost.trust.pages import requests, transparency

app_name = "trust"

urlpatterns = [
    # Information requests to the member (5.9, 7.5).
    path("my/information-requests/", requests.information_requests, name="information_requests"),
    path(
        "my/information-requests/<int:request_id>/",
        requests.information_request_detail,
        name="information_request",
    ),
    # The public transparency report (6.4).
    path("transparency/", transparency.transparency_page, name="transparency"),
]
