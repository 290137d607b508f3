from django.contrib import admin
from django.urls import include, path

from tradepost.catalog import home_views, media
from tradepost.catalog import member_views as catalog_member_views
from tradepost.config import pages
from tradepost.config.api import api
from tradepost.members.urls import urlpatterns as member_urlpatterns
from tradepost.terms import registration_views
from tradepost.terms import views as terms_views
from tradepost.trust import views as trust_views

handler400 = "tradepost.config.views.bad_request"

# The "members" namespace: the members app's pages plus those whose use case reaches a higher
# layer (registration records the Terms acceptance; a profile edit keeps listings in step;
# the disciplinary actions page is enforcement's).
member_patterns = [
    path("register/", registration_views.register, name="register"),
    path("account/profile/", catalog_member_views.profile_update, name="profile_update"),
    path("account/actions/", trust_views.my_actions, name="actions"),
    path("appeals/<str:token>/", trust_views.appeal_by_link, name="appeal_link"),
    *member_urlpatterns,
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("about/", pages.about, name="about"),
    path("privacy/", pages.privacy, name="privacy"),
    path("help/", pages.help_page, name="help"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("console/", admin.site.urls),
    path("media/<path:path>", media.media_file, name="media"),
    path("terms", terms_views.terms_in_force, name="terms"),
    path("terms/", include("tradepost.terms.urls")),
    path("notices/", include("tradepost.notices.urls")),
    path("account/ip-claims/", include("tradepost.trust.ip_urls")),
    path("account/ip-rights/", include("tradepost.trust.ip_rights_urls")),
    path("", include((member_patterns, "members"))),
    path("", include("tradepost.catalog.urls")),
    path("", include("tradepost.trust.urls")),
    path("", include("tradepost.trade.urls")),
    path("", include("tradepost.billing.urls")),
]
