"""The market's pages under /cho/ (namespace ``market``): the order side's fixed paths
first (``urls_orders``), then the catalogue's."""

from tinhso.market import urls_orders

app_name = "market"
urlpatterns = [*urls_orders.urlpatterns]
