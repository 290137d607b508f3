from django.urls import path

from tradepost.trust import ip_rights_views

app_name = "trust_ip_rights"

urlpatterns = [
    path("", ip_rights_views.rights, name="rights"),
    path("<int:right_id>/", ip_rights_views.right_detail, name="right"),
]
