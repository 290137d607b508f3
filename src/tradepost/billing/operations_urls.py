from django.urls import path

from tradepost.billing import operations_views

urlpatterns = [path("status/", operations_views.status_page, name="status")]
