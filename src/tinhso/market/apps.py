from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "tinhso.market"
    label = "market"
    verbose_name = "Cửa hàng số / Digital stores"
