"""Included from the root URLconf: path("", include("campaigns.intelligence.urls"))."""

from django.urls import path

from . import views

app_name = "intelligence"

urlpatterns = [
    path("c/<slug:slug>/similar/", views.similar, name="similar"),
    path("me/notifications/preferences/", views.preferences, name="preferences"),
    path("me/follow/", views.follow, name="follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
