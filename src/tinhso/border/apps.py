from django.apps import AppConfig


class BorderConfig(AppConfig):
    name = "tinhso.border"
    label = "border"
    verbose_name = "Cửa khẩu số / Digital border gate"
