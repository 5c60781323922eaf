"""Pages of hub payouts, reviews, the seller's dashboard and the commune KPIs (namespace
``market_hubs``; the site mounts them under ``/market/``)."""

from django.urls import path

from tinhso.market import views_hub, views_kpi, views_seller

app_name = "market_hubs"
urlpatterns = [
    path("seller/", views_seller.seller_dashboard, name="seller"),
    path("seller/reviews/<int:review_id>/reply/", views_seller.review_reply, name="review_reply"),
    path("my-reviews/", views_seller.my_reviews, name="my_reviews"),
    path("my-reviews/<int:line_id>/", views_seller.review_write, name="review_write"),
    path("products/<int:product_id>/reviews/", views_seller.product_reviews,
         name="product_reviews"),
    path("reviews/<int:review_id>/hide/", views_hub.review_hide, name="review_hide"),
    path("hub/", views_hub.hub_home, name="hub_home"),
    path("hub/<slug:slug>/", views_hub.hub_home, name="hub"),
    path("hub/<slug:slug>/statements/", views_hub.hub_make_statements, name="hub_make"),
    path("hub/<slug:slug>/statements.xlsx", views_hub.hub_statements_xlsx, name="hub_xlsx"),
    path("payouts/<str:code>/", views_hub.statement_detail, name="statement"),
    path("payouts/<str:code>/paid/", views_hub.statement_mark_paid, name="statement_paid"),
    path("kpis/", views_kpi.kpi_page, name="kpis"),
]
