from django.urls import path

from receivables import views

app_name = "receivables"

urlpatterns = [
    path("", views.money_list, name="list"),
    path("agreements/<int:pk>/", views.agreement_money, name="agreement"),
    path("agreements/<int:pk>/propose/", views.plan_propose, name="plan_propose"),
    path("agreements/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("agreements/<int:pk>/confirm/", views.plan_confirm, name="plan_confirm"),
    path("agreements/<int:pk>/receipts/", views.receipt_add, name="receipt_add"),
    path(
        "agreements/<int:pk>/receipts/<int:receipt_pk>/confirm/",
        views.receipt_confirm,
        name="receipt_confirm",
    ),
    path(
        "agreements/<int:pk>/receipts/<int:receipt_pk>/reverse/",
        views.receipt_reverse,
        name="receipt_reverse",
    ),
    path(
        "agreements/<int:pk>/invoices/<int:invoice_pk>/void/",
        views.invoice_void,
        name="invoice_void",
    ),
    path("agreements/<int:pk>/invoices/", views.invoice_request, name="invoice_request"),
    path(
        "agreements/<int:pk>/invoices/<int:invoice_pk>/issue/",
        views.invoice_issue,
        name="invoice_issue",
    ),
    path("customers/<int:customer_pk>/billing/", views.billing_detail, name="billing"),
    path("customers/<int:customer_pk>/billing/edit/", views.billing_edit, name="billing_edit"),
]
