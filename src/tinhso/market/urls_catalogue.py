from django.urls import path

from tinhso.market import views_catalogue as views

app_name = "market_catalogue"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("anh/<int:pk>/<str:size>/", views.photo, name="photo"),
    path("<slug:slug>/", views.shop, name="shop"),
    path("<slug:shop_slug>/<slug:slug>/", views.product, name="product"),
]
