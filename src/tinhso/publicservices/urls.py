from django.conf import settings
from django.urls import path

from tinhso.publicservices import citizen_views, views, vneid_simulator

app_name = "publicservices"
urlpatterns = [
    path("account/new/", citizen_views.signup, name="signup"),
    path("vneid/login/", citizen_views.vneid_login, name="vneid_login"),
    path("vneid/callback/", citizen_views.vneid_callback, name="vneid_callback"),
    path("procedures/", citizen_views.procedures, name="procedures"),
    path("procedures/<str:code>/", citizen_views.procedure_page, name="procedure"),
    path("procedures/<str:code>/apply/", citizen_views.apply, name="apply"),
    path("procedures/<str:code>/apply/<int:pk>/", citizen_views.apply, name="apply_draft"),
    path("my/", citizen_views.my_dossiers, name="my_dossiers"),
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

if settings.VNEID_SIMULATOR:
    urlpatterns += [
        path("vneid-sim/authorize/", vneid_simulator.authorize, name="vneid_sim_authorize"),
        path("vneid-sim/token/", vneid_simulator.token, name="vneid_sim_token"),
        path("vneid-sim/userinfo/", vneid_simulator.userinfo, name="vneid_sim_userinfo"),
    ]
