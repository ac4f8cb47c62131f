"""Included from the root URLconf: path("", include("notifications.urls"))."""

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("me/notifications/", views.notifications, name="inbox"),
    path("me/notifications/read/", views.notifications_mark_read, name="mark_read"),
    path("me/notifications/preferences/", views.preferences, name="preferences"),
    path("me/follow/", views.follow, name="follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
