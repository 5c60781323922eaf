from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "tinhso.market"
    label = "market"
    verbose_name = "Cửa hàng số / Digital stores"

    def ready(self) -> None:
        # The bank webhook pays market orders by their code (payments.payables).
        from tinhso.market.services.orders import register_payable, register_refund_kind

        register_payable()
        # A refund of a paid order is a payments transfer order (payments.refunds).
        register_refund_kind()

        from tinhso.market import catalogue_cache, search_index

        search_index.register()
        catalogue_cache.connect()
