from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "tinhso.market"
    label = "market"
    verbose_name = "Cửa hàng số / Digital stores"

    def ready(self) -> None:
        # The bank webhook pays market orders by their code (payments.payables).
        from tinhso.market.services.orders import register_payable

        register_payable()

        from tinhso.market import search_index

        search_index.register()
