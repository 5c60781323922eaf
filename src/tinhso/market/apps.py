from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "tinhso.market"
    label = "market"
    verbose_name = "Cửa hàng số / Digital stores"

    def ready(self) -> None:
        from tinhso.market import catalogue_cache, search_index

        search_index.register()
        catalogue_cache.connect()
