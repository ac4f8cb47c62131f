"""The site's URLs plus intelligence's, whether or not the root
URLconf includes them yet (tests use it with @pytest.mark.urls)."""

from django.urls import include, path

from cocreate.urls import urlpatterns as site_urlpatterns

_included = any(getattr(p, "namespace", None) == "intelligence" for p in site_urlpatterns)

urlpatterns = site_urlpatterns if _included else [path("", include("intelligence.urls")), *site_urlpatterns]
