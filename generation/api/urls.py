from rest_framework.routers import SimpleRouter

from generation.api import views

router = SimpleRouter()
router.register("generation-requests", views.GenerationRequestViewSet, basename="generation-request")
router.register("drafts", views.DraftViewSet, basename="draft")

urlpatterns = router.urls
