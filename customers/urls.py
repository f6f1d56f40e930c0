from django.urls import path

from customers import import_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("import/", import_views.import_upload, name="import"),
    path("import/template.<str:fmt>", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/timeline/", views.customer_timeline, name="timeline"),
    path("<int:pk>/contacts/new/", views.contact_person_edit, name="contact_person_add"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/", views.contact_person_edit, name="contact_person_edit"
    ),
    path(
        "<int:pk>/contacts/<int:contact_pk>/delete/",
        views.contact_person_delete,
        name="contact_person_delete",
    ),
    path("<int:pk>/class/", views.customer_change_class, name="change_class"),
    path("<int:pk>/thread/", views.note_add, name="note_add"),
    path("<int:pk>/escalation/close/", views.escalation_close, name="escalation_close"),
    path("<int:pk>/reassign/", views.customer_reassign, name="reassign"),
    path("<int:pk>/return/", views.file_return, name="return"),
    path("<int:pk>/resubmit/", views.file_resubmit, name="resubmit"),
    path("claim/<str:token>/", views.claim_create, name="claim"),
    path("claims/", views.claim_queue, name="claims"),
    path("claims/mine/", views.my_claims, name="my_claims"),
    path("claims/<int:claim_pk>/decide/", views.claim_decide, name="claim_decide"),
    path("checks/", views.check_queue, name="checks"),
    path("checks/mark/", views.check_mark, name="check_mark"),
    path("checks/return/", views.check_return, name="check_return"),
    path("reassignment/", views.reassignment_queue, name="reassignment_queue"),
    path("reassignment/<int:pk>/reassign/", views.queue_reassign, name="queue_reassign"),
    path("reassignment/<int:pk>/extend/", views.queue_extend, name="queue_extend"),
    path("<int:pk>/pool-extend/", views.pool_extend, name="pool_extend"),
    path("<int:pk>/pool-lock/", views.pool_lock, name="pool_lock"),
    path("pool/", views.pool, name="pool"),
    path("pool/assign/", views.pool_assign, name="pool_assign"),
    path("pool/team/", views.pool_team, name="pool_team"),
    path("board/", views.board, name="board"),
]
