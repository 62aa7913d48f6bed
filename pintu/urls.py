from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from pintu.core.admin_site import configure_admin_site, hide_third_party_admins

configure_admin_site(admin.site)
hide_third_party_admins(admin.site)

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("pintu.api.urls", namespace="api")),
    path("akun/", include("pintu.accounts.urls", namespace="accounts")),
    path("kantor/", include("pintu.office.urls", namespace="office")),
    # Each domain app owns its own prefixes (public and office pages) in its urls.py.
    path("", include("pintu.documents.urls", namespace="documents")),
    path("", include("pintu.population.urls", namespace="population")),
    path("", include("pintu.letters.urls", namespace="letters")),
    path("", include("pintu.queueing.urls", namespace="queueing")),
    path("", include("pintu.feedback.urls", namespace="feedback")),
    path("", include("pintu.village_finance.urls", namespace="village_finance")),
    path("", include("pintu.portal.urls", namespace="portal")),
]

handler403 = "pintu.core.views.forbidden"
handler404 = "pintu.core.views.not_found"
handler500 = "pintu.core.views.server_error"
