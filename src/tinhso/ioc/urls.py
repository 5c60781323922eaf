from django.urls import path

from tinhso.ioc import views

app_name = "ioc"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xa/<int:code>/", views.commune, name="commune"),
    path("chi-tieu/<slug:code>/", views.indicator, name="indicator"),
    path("canh-bao/", views.alerts, name="alerts"),
    path("canh-bao/<int:pk>/xu-ly/", views.acknowledge, name="acknowledge"),
    path("so-lieu/", views.values, name="values"),
    path("so-lieu/<int:pk>/duyet/", views.approve, name="approve"),
    path("so-lieu/<int:pk>/tra-lai/", views.return_value, name="return"),
    path("so-lieu/<int:pk>/tai-lieu/", views.value_document, name="value_document"),
    path("muc-tieu/", views.targets, name="targets"),
    path("bao-cao/", views.reports, name="reports"),
    path("bao-cao/<int:pk>.<str:fmt>", views.report_file, name="report_file"),
    path("man-hinh/<str:token>/", views.wall, name="wall"),
    path("du-lieu-mo/", views.open_data, name="open_data"),
]
