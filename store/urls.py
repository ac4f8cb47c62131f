"""Included from the root URLconf: path("", include("store.urls"))."""

from django.urls import path

from store import views

app_name = "store"

urlpatterns = [
    path("me/store/", views.store_accounts, name="accounts"),
    path("me/store/link/<str:token>/", views.link_confirm, name="link"),
    path("me/store/match/<int:pk>/", views.email_match, name="email_match"),
    path("me/store/unlink/<int:pk>/", views.unlink, name="unlink"),
    path("me/store/personalisation/", views.personalisation, name="personalisation"),
]
