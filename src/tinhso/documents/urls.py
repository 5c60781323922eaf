from django.urls import path

from tinhso.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/new/", views.incoming_new, name="incoming_new"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming"),
    path("incoming/<int:pk>/pdf/", views.incoming_pdf, name="incoming_pdf"),
    path("incoming/<int:pk>/return/", views.incoming_return, name="incoming_return"),
    # Before the incoming action route, which would take "links" for an action.
    path("incoming/<int:pk>/links/", views.link_add, {"kind": "incoming"},
         name="incoming_link"),
    path("incoming/<int:pk>/links/<int:link_id>/remove/", views.link_remove,
         {"kind": "incoming"}, name="incoming_unlink"),
    path("incoming/<int:pk>/<slug:action>/", views.incoming_act, name="incoming_act"),
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("outgoing/new/", views.outgoing_new, name="outgoing_new"),
    path("outgoing/<int:pk>/", views.outgoing_detail, name="outgoing"),
    path("outgoing/<int:pk>/pdf/", views.outgoing_pdf, name="outgoing_pdf"),
    path("outgoing/<int:pk>/send/", views.outgoing_send, name="outgoing_send"),
    path("outgoing/<int:pk>/version/", views.outgoing_version, name="outgoing_version"),
    path("outgoing/<int:pk>/links/", views.link_add, {"kind": "outgoing"},
         name="outgoing_link"),
    path("outgoing/<int:pk>/links/<int:link_id>/remove/", views.link_remove,
         {"kind": "outgoing"}, name="outgoing_unlink"),
    path("outgoing/<int:pk>/do/<slug:action>/", views.outgoing_act, name="outgoing_act"),
]
