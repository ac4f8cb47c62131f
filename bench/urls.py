"""The project's URLs plus /bench/ping/, a bare JSON view (W1): the ceiling
the other pages are compared with, through the same middleware."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/ping/", ping),
    path("", include("cocreate.urls")),
]
