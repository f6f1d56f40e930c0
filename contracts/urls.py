from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.overview, name="list"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/<int:customer_pk>/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/versions/<int:number>/", views.plan_version, name="plan_version"),
    path("plans/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/final.pdf", views.plan_final_pdf, name="plan_final_pdf"),
    path("plans/<int:pk>/agreement/", views.plan_new_agreement, name="plan_new_agreement"),
    path("plans/<int:pk>/<slug:action>/", views.plan_act, name="plan_act"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/edit/preview/", views.agreement_preview, name="agreement_preview"),
    path("agreements/<int:pk>/edit/line/", views.agreement_line, name="agreement_line"),
    path("agreements/<int:pk>/print/", views.agreement_print, name="agreement_print"),
    path("agreements/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("agreements/<int:pk>/final.pdf", views.agreement_final_pdf, name="agreement_final_pdf"),
    path("agreements/<int:pk>/changes/", views.change_request_add, name="change_add"),
    path("agreements/<int:pk>/<slug:action>/", views.agreement_act, name="agreement_act"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
]
