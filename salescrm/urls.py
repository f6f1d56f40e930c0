from django.contrib import admin
from django.urls import include, path

from salescrm import views
from salescrm.accounts import views as account_views

urlpatterns = [
    path("", include("dashboards.urls")),
    path("language/", views.language_switch, name="language_switch"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("search/", views.search, name="search"),
    path("views/save/", views.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("customers/", include("customers.urls")),
    path("visits/", include("visits.urls")),
    path("contracts/", include("contracts.urls")),
    path("reports/", include("reports.urls")),
    path("receivables/", include("receivables.urls")),
    path(
        "accounts/password_reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/two-factor/", account_views.mfa_manage, name="mfa_manage"),
    path("accounts/e-mail/", account_views.email_preferences, name="email_preferences"),
    path("accounts/two-factor/verify/", account_views.mfa_verify, name="mfa_verify"),
    path("accounts/two-factor/setup/", account_views.mfa_setup, name="mfa_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        account_views.mfa_recovery_codes,
        name="mfa_recovery_codes",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# Error pages: templates/404.html and 500.html (which needs no context); a refused query
# says why (salescrm.views.bad_request).
handler400 = "salescrm.views.bad_request"
