from django.urls import path

from campaigns import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("c/<slug:slug>/submit/", views.idea_submit, name="idea_submit"),
    path("i/<int:pk>/", views.idea_detail, name="idea_detail"),
    path("i/<int:pk>/vote/", views.idea_vote, name="idea_vote"),
    path("i/<int:pk>/unvote/", views.idea_unvote, name="idea_unvote"),
    path("i/<int:pk>/comment/", views.comment_add, name="comment_add"),
    path("i/<int:pk>/report/", views.idea_report, name="idea_report"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("me/", views.my_contributions, name="my_contributions"),
]
