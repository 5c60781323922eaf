from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tinhso.documents"
    label = "documents"
    verbose_name = "Quản lý văn bản / Official documents"

    def ready(self) -> None:
        from tinhso.documents import search_index

        search_index.register()
