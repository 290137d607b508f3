"""Verification pages (clause 7.2)."""

from django.urls import path

from tradepost.billing import verification_views as views

urlpatterns = [
    path("account/verification/", views.my_verification, name="my_verification"),
    path(
        "account/verification/documents/<int:document_id>/",
        views.verification_document,
        name="verification_document",
    ),
    path(
        "suppliers/<str:member_id>/verification/",
        views.supplier_verification,
        name="supplier_verification",
    ),
]
