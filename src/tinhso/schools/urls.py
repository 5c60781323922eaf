from django.urls import path

from tinhso.schools import views

app_name = "schools"

urlpatterns = [
    path("", views.home, name="home"),
    path("class/<int:class_pk>/subject/<int:subject_pk>/term/<int:number>/", views.grid,
         name="grid"),
    path("class/<int:class_pk>/subject/<int:subject_pk>/term/<int:number>/cell/", views.cell,
         name="cell"),
    path("class/<int:class_pk>/subject/<int:subject_pk>/term/<int:number>/change/",
         views.change_request, name="change_request"),
    path("class/<int:class_pk>/attendance/", views.attendance, name="attendance"),
    path("class/<int:class_pk>/report-cards.pdf", views.class_pdf, name="class_pdf"),
    path("class/<int:class_pk>/summary.xlsx", views.class_xlsx, name="class_xlsx"),
    path("leader/", views.leader, name="leader"),
    path("term/<int:pk>/lock/", views.lock, name="lock"),
    path("change/<int:pk>/decide/", views.decide, name="decide"),
    path("school/<int:school_pk>/import/", views.students_import, name="import"),
    path("family/login/", views.family_login, name="family_login"),
    path("family/", views.family, name="family"),
    path("student/<int:pk>/", views.child, name="child"),
    path("student/<int:pk>/report-card.pdf", views.report_pdf, name="report_pdf"),
    path("class/<int:class_pk>/conduct/<int:period>/", views.conduct, name="conduct"),
    path("class/<int:class_pk>/qualities/<int:number>/", views.traits, name="traits"),
    path("class/<int:class_pk>/gradebook.xlsx", views.class_gradebook_xlsx,
         name="class_gradebook_xlsx"),
    path("school/<int:school_pk>/teachers/import/", views.teachers_import,
         name="teachers_import"),
    path("school/<int:school_pk>/teachers.xlsx", views.teachers_xlsx, name="teachers_xlsx"),
    path("notices/", views.notices, name="notices"),
    path("notice/<int:pk>/", views.notice, name="notice"),
    path("province/", views.province, name="province"),
    path("province.xlsx", views.province_xlsx, name="province_xlsx"),
]
