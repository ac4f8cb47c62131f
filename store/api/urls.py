from django.urls import path

from store.api import views

urlpatterns = [
    path("store/<slug:brand>/products/", views.ProductsView.as_view(), name="store-products"),
    path("store/<slug:brand>/orders/", views.OrdersView.as_view(), name="store-orders"),
    path("store/<slug:brand>/link-tokens/", views.LinkTokenView.as_view(), name="store-link-tokens"),
    path("store/<slug:brand>/campaigns/<slug:slug>/demand/", views.DemandView.as_view(), name="store-demand"),
    path(
        "store/<slug:brand>/customers/<str:customer_id>/recommendations/",
        views.CustomerRecommendationsView.as_view(),
        name="store-recommendations",
    ),
    path(
        "store/ideas/<int:pk>/verified-buyers/",
        views.VerifiedMarksView.as_view(),
        name="store-verified-buyers",
    ),
]
