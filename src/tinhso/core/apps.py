from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tinhso.core"
    label = "core"
    verbose_name = "Nền tảng / Core"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from tinhso.core import search

        # Pillow's own decompression-bomb guard uses the platform's limit (core.files).
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS
        from tinhso.core.models import AdministrativeUnit

        # The commune pickers: "chi lang" finds Chi Lăng, and the communes of the former
        # district Chi Lăng after it.
        search.register(AdministrativeUnit, a=("name",), b=("former_district",))
