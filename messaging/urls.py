"""Included from the root URLconf: path("", include("messaging.urls"))."""

from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("me/marketing/", views.consents, name="consents"),
    path("m/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("m/c/<str:token>/", views.click, name="click"),
]
