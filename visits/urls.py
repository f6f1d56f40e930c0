from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("", views.slip_list, name="list"),
    path("desk/", views.desk, name="desk"),
    path("contact/<int:customer_pk>/", views.contact_record_add, name="contact_record_add"),
    path("new/<int:customer_pk>/", views.slip_create, name="create"),
    path("<int:pk>/", views.slip_detail, name="detail"),
    path("<int:pk>/edit/", views.slip_edit, name="edit"),
    path("<int:pk>/submit/", views.slip_submit, name="submit"),
    path("<int:pk>/approve/", views.slip_approve, name="approve"),
    path("approve/", views.slips_approve, name="approve_many"),
    path("<int:pk>/reject/", views.slip_reject, name="reject"),
    path("<int:pk>/depart/", views.slip_depart, name="depart"),
    path("<int:pk>/return/", views.slip_return, name="return"),
    path("<int:pk>/cancel/", views.slip_cancel, name="cancel"),
    path("<int:pk>/late/", views.slip_late, name="late"),
    path("<int:pk>/desk/<str:move>/", views.desk_confirm, name="desk_confirm"),
    path("<int:pk>/undo/", views.slip_undo, name="undo"),
    path("logs/<int:pk>/", views.log_edit, name="log"),
    path("logs/<int:pk>/apply-class/", views.log_apply_class, name="log_apply_class"),
]
