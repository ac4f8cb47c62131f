from django.urls import path
from rest_framework.routers import SimpleRouter

from campaigns.api import views

router = SimpleRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("ideas", views.IdeaViewSet, basename="idea")
router.register("comments", views.CommentViewSet, basename="comment")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    *router.urls,
    path("me/", views.MeView.as_view(), name="me"),
    path("me/contributions/", views.ContributionsView.as_view(), name="me-contributions"),
]
