from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "tinhso.innovation"
    label = "innovation"
    verbose_name = _("Innovation and startups")

    def ready(self) -> None:
        from tinhso.innovation import search_index

        search_index.register()
