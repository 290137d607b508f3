from django.contrib import admin
from django.urls import include, path

from tradepost.config.api import api
from tradepost.members import views as member_views

admin.site.site_header = "Tradepost operator console"
admin.site.site_title = "Tradepost console"
admin.site.index_title = "Operations"

urlpatterns = [
    path("", member_views.home, name="home"),
    path("api/v1/", api.urls),
    path("console/", admin.site.urls),
    path("", include("tradepost.members.urls")),
]
