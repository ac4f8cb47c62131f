from django.urls import path

from accounts import views

urlpatterns = [
    # The throttled login. It must come before django.contrib.auth.urls in the
    # root URLconf, or Django's unthrottled view answers /accounts/login/ first.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("me/export/", views.account_export, name="account_export"),
    path("me/delete/", views.account_delete, name="account_delete"),
]
