"""The RFQ pages' URLs (issue 11), added to the trade namespace by `trade/urls.py`."""

from __future__ import annotations

from django.urls import URLPattern, path

from tradepost.trade.pages import rfq

urlpatterns: list[URLPattern] = [
    path("rfqs/new/", rfq.rfq_create, name="rfq_create"),
    path("rfqs/board/", rfq.rfq_board, name="rfq_board"),
    path("rfqs/<int:rfq_id>/", rfq.rfq_detail, name="rfq_detail"),
    path("rfqs/<int:rfq_id>/attachments/<int:file_id>/", rfq.rfq_attachment, name="rfq_attachment"),
    path("my/rfqs/", rfq.my_rfqs, name="my_rfqs"),
    path("quotations/<int:quotation_id>/accept/", rfq.quotation_accept, name="quotation_accept"),
]
