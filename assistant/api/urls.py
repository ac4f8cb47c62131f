from rest_framework.routers import SimpleRouter

from assistant.api import views

router = SimpleRouter()
router.register("assistant/conversations", views.ConversationViewSet, basename="assistant-conversation")

urlpatterns = router.urls
