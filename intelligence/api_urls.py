from django.urls import path

from intelligence.api import SimilarIdeasView

urlpatterns = [
    path("campaigns/<slug:slug>/similar/", SimilarIdeasView.as_view(), name="campaign-similar"),
]
