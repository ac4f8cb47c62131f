from django.urls import path

from . import views

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
    # The throttled login. It must come before django.contrib.auth.urls in the
    # root URLconf, or Django's unthrottled view answers /accounts/login/ first.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("me/", views.my_contributions, name="my_contributions"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("me/export/", views.account_export, name="account_export"),
    path("me/delete/", views.account_delete, name="account_delete"),
]
