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
    path("", include("pintu.portal.urls", namespace="portal")),
]

handler403 = "pintu.core.views.forbidden"
handler404 = "pintu.core.views.not_found"
handler500 = "pintu.core.views.server_error"
