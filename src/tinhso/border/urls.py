from django.urls import path

from tinhso.border import views

app_name = "border"
urlpatterns = [
    path("", views.status, name="status"),
    path("enterprise/", views.enterprise, name="enterprise"),
    path("yard/", views.yard_console, name="yard_console"),
    path("gate/", views.gate_console, name="gate_console"),
    path("clearance/", views.agency_console, name="agency_console"),
    path("what-if/", views.whatif, name="whatif"),
]
