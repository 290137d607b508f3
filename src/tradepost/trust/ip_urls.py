from django.urls import path

from tradepost.trust import ip_views

app_name = "trust_ip"

urlpatterns = [
    path("", ip_views.claims, name="claims"),
    path("<int:claim_id>/", ip_views.claim_detail, name="claim_detail"),
]
