from django.urls import path

from tradepost.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notice_id>/", views.detail, name="detail"),
    path("public/", views.public_board, name="public_board"),
    path("public/<int:notice_id>/", views.public_detail, name="public_detail"),
]
