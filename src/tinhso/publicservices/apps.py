from django.apps import AppConfig


class PublicServicesConfig(AppConfig):
    name = "tinhso.publicservices"
    label = "publicservices"
    verbose_name = "Dịch vụ công / Public services"
