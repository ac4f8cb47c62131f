from django.urls import path

from messaging.api import views

urlpatterns = [
    path("messaging/<slug:brand>/coupons/<str:code>/", views.CouponView.as_view(), name="messaging-coupon"),
    path(
        "messaging/<slug:brand>/coupons/<str:code>/redeem/",
        views.CouponRedeemView.as_view(),
        name="messaging-coupon-redeem",
    ),
    path(
        "messaging/<slug:brand>/message-campaigns/<int:pk>/results/",
        views.ResultsView.as_view(),
        name="messaging-results",
    ),
]
