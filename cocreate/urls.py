from django.contrib import admin
from django.urls import include, path

from accounts.admin_login import AdminLoginView
from core.views import favicon

admin.site.site_header = "cocreate"
admin.site.site_title = "cocreate"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page links; answer instead of a 404.
    path("favicon.ico", favicon),
    # The admin's login behind the site's login throttle; must come before the admin.
    path("admin/login/", AdminLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The accounts app's throttled login, password change and reset must come
    # before Django's own views of the same paths under accounts/.
    path("", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("cocreate.api_urls")),
    path("", include("assistant.urls")),
    path("", include("generation.urls")),
    path("", include("store.urls")),
    path("", include("messaging.urls")),
    path("", include("intelligence.urls")),
    path("", include("notifications.urls")),
    path("", include("campaigns.urls")),
]
