from django.urls import path

from accounts import views

urlpatterns = [
    # The throttled login. These must come before django.contrib.auth.urls in
    # the root URLconf, or Django's unthrottled views answer first.
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    # Django's views that check a password or token or send e-mail, throttled.
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/sent/", views.signup_done, name="signup_done"),
    path("accounts/signup/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("me/export/", views.account_export, name="account_export"),
    path("me/delete/", views.account_delete, name="account_delete"),
]
