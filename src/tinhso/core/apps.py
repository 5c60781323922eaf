from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tinhso.core"
    label = "core"
    verbose_name = "Nền tảng / Core"
