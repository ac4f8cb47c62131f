from django.urls import path

from accounts import api

urlpatterns = [
    path("me/export/", api.ExportView.as_view(), name="me-export"),
    path("me/delete/", api.AccountDeleteView.as_view(), name="me-delete"),
]
