from django.urls import path

from assistant import views

urlpatterns = [
    path("ask/<slug:brand_slug>/", views.ask, name="assistant_ask"),
    path("ask/<slug:brand_slug>/faq/<int:pk>/", views.source_detail, name="assistant_source"),
    path("chat/<uuid:key>/", views.conversation_detail, name="assistant_conversation"),
    path("chat/<uuid:key>/message/", views.message_post, name="assistant_message"),
    path("chat/<uuid:key>/person/", views.person_request, name="assistant_person"),
]
