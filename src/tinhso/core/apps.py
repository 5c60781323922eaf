from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tinhso.core"
    label = "core"
    verbose_name = "Nền tảng / Core"

    def ready(self) -> None:
        from tinhso.core import search
        from tinhso.core.models import AdministrativeUnit

        # The commune pickers: "chi lang" finds Chi Lăng, and the communes of the former
        # district Chi Lăng after it.
        search.register(AdministrativeUnit, a=("name",), b=("former_district",))
