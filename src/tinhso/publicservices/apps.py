from django.apps import AppConfig


class PublicServicesConfig(AppConfig):
    name = "tinhso.publicservices"
    label = "publicservices"
    verbose_name = "Dịch vụ công / Public services"

    def ready(self) -> None:
        # The bank webhook pays an online dossier's fee by its reference (payments.payables).
        from tinhso.publicservices.services.fees import register_payable

        register_payable()

        from tinhso.publicservices import search_index

        search_index.register()
