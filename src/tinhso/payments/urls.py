from django.urls import path

from tinhso.payments import views

app_name = "payments"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<str:reference>/", views.invoice_detail, name="invoice"),
    path("invoices/<str:reference>/receipt.pdf", views.receipt, name="receipt"),
    path("invoices/<str:reference>/reverse-cash/", views.reverse_cash, name="reverse_cash"),
    path("verify/<str:reference>/<str:token>/", views.verify, name="verify"),
    path("cashier/", views.cashier, name="cashier"),
    path("cashier/<str:reference>/confirm/", views.cashier_confirm, name="cashier_confirm"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
]
