"""The member's billing pages (issue 13)."""

from django.urls import path

from tradepost.billing import subscriptions_views as views

urlpatterns = [
    path("account/billing/", views.billing_home, name="billing"),
    path("account/billing/plans/<slug:plan_id>/", views.plan_confirm, name="plan_confirm"),
    path("account/billing/invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path(
        "account/billing/invoices/<int:invoice_id>.pdf",
        views.invoice_download,
        name="invoice_pdf",
    ),
]
