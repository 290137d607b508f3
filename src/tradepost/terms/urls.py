from django.urls import path

from tradepost.terms import views

app_name = "terms"

urlpatterns = [
    path("", views.terms_in_force, name="in_force"),
    path("history", views.terms_history, name="history"),
    path("diff", views.terms_diff, name="diff"),
    path("accept", views.terms_accept, name="accept"),
    path("agreements/<int:version_id>", views.agreement, name="agreement"),
    path("versions/<int:version_id>", views.terms_version, name="version"),
    path(
        "versions/<int:version_id>/<str:language>",
        views.terms_translation,
        name="translation",
    ),
]
