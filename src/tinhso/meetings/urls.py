from django.urls import path

from tinhso.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("new/", views.new_meeting, name="new"),
    path("weekly/", views.new_series, name="new_series"),
    path("points/", views.points, name="points"),
    path("points/<str:code>/", views.point_detail, name="point"),
    path("tasks/", views.tasks, name="tasks"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/console/", views.console, name="console"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("p/<str:token>/", views.point_page, name="point_page"),
    path("p/<str:token>/invite.ics", views.point_ics, name="point_ics"),
    path("p/<str:token>/join/", views.point_join, name="point_join"),
    path("checkin/<str:token>/<str:point>/", views.check_in, name="check_in"),
    path("engine/bigbluebutton/api/<str:call>", views.engine_api, name="engine_api"),
]
