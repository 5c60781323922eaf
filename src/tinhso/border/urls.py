from django.urls import path

from tinhso.border import views, views_dashboard, views_gates, views_public

app_name = "border"
urlpatterns = [
    path("", views_public.public_status, name="status"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("ticket/<str:token>/", views.ticket, name="ticket"),
    path("enterprise/", views.enterprise, name="enterprise"),
    path("driver/", views.driver_trucks, name="driver"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path("declarations/<int:pk>/edit/", views.edit, name="edit"),
    path("declarations/<int:pk>/book/", views.book, name="book"),
    path("declarations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("yard/", views.yard_console, name="yard_console"),
    path("yard/manual/", views.yard_manual, name="yard_manual"),
    path("desk/", views.exception_desk, name="exception_desk"),
    path("yard/exception-count/", views.exception_count, name="exception_count"),
    path("gate/", views.gate_console, name="gate_console"),
    path("gate/manual/", views.gate_manual, name="gate_manual"),
    path("gate/manual/<int:pk>/", views.gate_manual_confirm, name="gate_manual_confirm"),
    path("clearance/", views.agency_console, name="agency_console"),
    path("clearance/confirm/", views.verdict_confirm, name="verdict_confirm"),
    path("what-if/", views.whatif, name="whatif"),
    path("what-if/<int:pk>/", views.whatif_run, name="whatif_run"),
    path("notices/", views.notices, name="notices"),
    path("reports/", views.reports, name="reports"),
    path("gates/", views_gates.gates, name="gates"),
    path("gates/<slug:code>/", views_gates.gate_edit, name="gate_edit"),
    path("gates/<slug:code>/yards/new/", views_gates.yard_new, name="yard_new"),
    path("gates/<slug:code>/cameras/new/", views_gates.camera_new, name="camera_new"),
    path("yards/<slug:code>/", views_gates.yard_edit, name="yard_edit"),
    path("cameras/<str:code>/", views_gates.camera_edit, name="camera_edit"),
]
