from django.urls import path

from tinhso.publicservices import views

app_name = "publicservices"
urlpatterns = [
    path("tracking/", views.tracking, name="tracking"),
    path("tracking/<str:code>/rate/", views.rate, name="rate"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("console/", views.console, name="console"),
    path("register/", views.register_page, name="register"),
    path("dossiers/<int:pk>/", views.dossier_page, name="dossier"),
    path("dossiers/<int:pk>/forms/<str:form>.pdf", views.form_pdf, name="form"),
    path("dossiers/<int:pk>/result/", views.result_document, name="result"),
    path("dossiers/<int:pk>/<str:action>/", views.dossier_action, name="act"),
]
