from django.urls import path
from rest_framework.routers import SimpleRouter

from campaigns.intelligence.api import SimilarIdeasView

from . import views

router = SimpleRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("ideas", views.IdeaViewSet, basename="idea")
router.register("comments", views.CommentViewSet, basename="comment")
router.register("reports", views.ReportViewSet, basename="report")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("campaigns/<slug:slug>/similar/", SimilarIdeasView.as_view(), name="campaign-similar"),
    *router.urls,
    path("me/", views.MeView.as_view(), name="me"),
    path("me/contributions/", views.ContributionsView.as_view(), name="me-contributions"),
    path("me/export/", views.ExportView.as_view(), name="me-export"),
    path("me/delete/", views.AccountDeleteView.as_view(), name="me-delete"),
]
