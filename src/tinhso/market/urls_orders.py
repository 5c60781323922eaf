"""Cart, checkout and order pages under /cho/ (namespace ``market``). These fixed paths
come before the shops' ``/cho/<slug>/`` pages: the slugs below are reserved."""

from django.urls import path

from tinhso.market import views_orders as v

RESERVED_SLUGS = frozenset({"gio-hang", "thanh-toan", "don-hang", "tra-cuu-don", "don-cua-toi",
                            "ban-hang"})

urlpatterns = [
    path("gio-hang/", v.cart_view, name="cart"),
    path("gio-hang/them/", v.cart_add, name="cart_add"),
    path("thanh-toan/", v.checkout, name="checkout"),
    path("don-hang/<str:code>/", v.order_view, name="order"),
    path("don-hang/<str:code>/qr.png", v.order_qr, name="order_qr"),
    path("don-hang/<str:code>/huy/", v.cancel, name="order_cancel"),
    path("don-hang/<str:code>/hoan-tien/", v.refund, name="order_refund"),
    path("don-hang/<str:code>/da-nhan/", v.received, name="order_received"),
    path("tra-cuu-don/", v.track, name="track"),
    path("don-cua-toi/", v.my_orders, name="my_orders"),
    path("ban-hang/don/", v.seller_orders, name="seller_orders"),
    path("ban-hang/don/<int:pk>/<str:target>/", v.seller_action, name="seller_action"),
]
