"""The project's URLs with the admin login routed through the throttled view,
as cocreate/urls.py is to route it (admin/login/ ahead of admin.site.urls)."""

from django.urls import include, path

from accounts.admin_login import AdminLoginView

urlpatterns = [
    path("admin/login/", AdminLoginView.as_view(), name="admin_login"),
    path("", include("cocreate.urls")),
]
