"""Member pages. `register/` (terms layer) and `account/profile/` (catalog layer) join this
namespace in config/urls.py: their use cases reach above members."""

from django.urls import path

from tradepost.members import views

app_name = "members"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("account/tokens/", views.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/referees/", views.referee_add, name="referee_add"),
    path("account/referees/<int:referee_id>/remove/", views.referee_remove, name="referee_remove"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/password/done/", views.password_change_done, name="password_change_done"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
]
