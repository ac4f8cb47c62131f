"""The /api/ URL tree: versioned endpoints under v1/, the OpenAPI schema and
Swagger UI (served from drf-spectacular-sidecar's static files, no CDN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Similar ideas first: its path sits under campaigns/<slug>/ like the router's.
    path("v1/", include("intelligence.api_urls")),
    path("v1/", include("campaigns.api.urls")),
    path("v1/", include("notifications.api_urls")),
    path("v1/", include("accounts.api_urls")),
    path("v1/", include("generation.api.urls")),
    path("v1/", include("store.api.urls")),
    path("v1/", include("assistant.api.urls")),
    path("v1/", include("messaging.api.urls")),
]
