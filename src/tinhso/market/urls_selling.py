"""Selling pages under /cho/ (mounted before the catalogue: these fixed paths come before
the shops' slugs, which never take them: ``services.shops.RESERVED_SLUGS``)."""

from django.urls import path

from tinhso.market import views_selling as views

app_name = "market_selling"

urlpatterns = [
    path("mo-cua-hang/", views.open_shop, name="open_shop"),
    path("mo-ho/", views.open_on_behalf, name="open_on_behalf"),
    path("ban-hang/", views.products, name="products"),
    path("ban-hang/san-pham/moi/", views.product_new, name="product_new"),
    path("ban-hang/san-pham/<int:pk>/", views.product_edit, name="product"),
]
