from django.urls import path

from reports import views, views_collections

app_name = "reports"

urlpatterns = [
    path("", views.report, name="people"),
    path("export/", views.report_export, name="export"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("channels/", views.channel_report, name="channels"),
    path("targets/", views.targets, name="targets"),
    path("collections/", views_collections.collections_report, name="collections"),
    path("collections/export/", views_collections.collections_export, name="collections_export"),
]
