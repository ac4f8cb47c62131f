"""Included from the root URLconf: path("", include("intelligence.urls"))."""

from django.urls import path

from intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("c/<slug:slug>/similar/", views.similar, name="similar"),
]
