from django.contrib import admin
from django.urls import include, path

from tinhso.api import api, grouped_urls

admin.site.site_header = "Tỉnh Số — Quản trị / Administration"
admin.site.site_title = "Tỉnh Số"

urlpatterns = [
    # First: the API's clients call it far more often than people open pages, and every
    # pattern before it is tried in vain (the root's include has a dozen).
    path("api/v1/", grouped_urls(api.urls)),
    path("", include("tinhso.core.urls")),
    path("accounts/", include("tinhso.accounts.urls")),
    path("border/", include("tinhso.border.urls")),
    path("payments/", include("tinhso.payments.urls")),
    path("public-services/", include("tinhso.publicservices.urls")),
    path("documents/", include("tinhso.documents.urls")),
    path("market/", include("tinhso.market.urls_hubs")),
    # The order pages' fixed paths (gio-hang/, don-hang/…) come before the shops' slugs.
    path("cho/", include("tinhso.market.urls")),
    path("cho/", include("tinhso.market.urls_selling")),
    path("cho/", include("tinhso.market.urls_catalogue")),
    path("meetings/", include("tinhso.meetings.urls")),
    path("schools/", include("tinhso.schools.urls")),
    path("khoi-nghiep/", include("tinhso.innovation.urls")),
    path("ioc/", include("tinhso.ioc.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "tinhso.core.views.forbidden"
handler404 = "tinhso.core.views.not_found"
# A database outage met outside a view is a 503 as well (core.middleware).
handler500 = "tinhso.core.views.server_error"
