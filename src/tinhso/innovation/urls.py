from django.urls import path

from tinhso.innovation import views

app_name = "innovation"

urlpatterns = [
    path("", views.home, name="home"),
    path("doanh-nghiep/", views.directory, name="directory"),
    path("doanh-nghiep/moi/", views.profile_new, name="profile_new"),
    path("doanh-nghiep/<int:pk>/", views.profile_detail, name="profile"),
    path("doanh-nghiep/<int:pk>/sua/", views.profile_edit, name="profile_edit"),
    path("doanh-nghiep/<int:pk>/chuyen/", views.profile_move, name="profile_move"),
    path("cua-toi/", views.mine, name="mine"),
    path("cuoc-thi/", views.calls, name="calls"),
    path("cuoc-thi/moi/", views.call_new, name="call_new"),
    path("cuoc-thi/<int:pk>/", views.call_detail, name="call"),
    path("cuoc-thi/<int:pk>/nop/", views.apply, name="apply"),
    path("cuoc-thi/<int:pk>/cham-diem/", views.judging, name="judging"),
    path("cuoc-thi/<int:pk>/cong-bo/", views.publish, name="publish"),
    path("cuoc-thi/<int:pk>/ket-qua/", views.results, name="results"),
    path("ho-so/<int:pk>/", views.application_detail, name="application"),
    path("ho-so/<int:pk>/sua/", views.application_edit, name="application_edit"),
    path("ho-so/<int:pk>/bien-nhan.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("ho-so/<int:pk>/tep/<int:slot>/", views.attachment, name="attachment"),
    path("ho-so/<int:pk>/giam-khao/", views.assign, name="assign"),
    path("duyet/", views.review, name="review"),
    path("giam-khao/", views.judge_home, name="judge_home"),
    path("giam-khao/<int:pk>/", views.judge_assignment, name="judge_assignment"),
    path("san-pham/", views.showcase, name="showcase"),
    path("tin-tuc/<int:pk>/", views.news_detail, name="news"),
    path("su-kien/", views.events, name="events"),
    path("su-kien.ics", views.events_ics, name="events_ics"),
    path("su-kien/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("anh/<str:kind>/<int:pk>/", views.image, name="image"),
    path("so-lieu/", views.figures, name="figures"),
    path("so-lieu.json", views.figures_json, name="figures_json"),
]
