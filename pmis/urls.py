from csp.decorators import csp_update
from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import audit_views, password_views, twofactor_views, views

# The API first, its contracts (the plan, its hottest read) before the rest: URLs are tried in
# order, a few microseconds each, and the API's routers make over a hundred of them. The modules'
# prefixes are all distinct, so the order changes no answer.
api_urlpatterns = [
    path("", include("contracts.api.urls")),
    path("", include("pmis.api.urls")),
    path("", include("scorecards.api.urls")),
    path("", include("contracts.api.monitoring")),
    path("", include("scorecards.api_dashboards")),
    path("", include("charters.api")),
    path("", include("notifications.api")),
    path("", include("appraisals.api")),
    path("", include("evaluations.api")),
]

urlpatterns = [
    path("api/v1/", include(api_urlpatterns)),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("account/security/", twofactor_views.security, name="account-security"),
    path("account/security/enrol/", twofactor_views.enrol, name="account-security-enrol"),
    path("account/security/disable/", twofactor_views.disable, name="account-security-disable"),
    path("account/security/backup-codes/", twofactor_views.backup_codes, name="account-security-backup-codes"),
    path("account/security/logout-everywhere/", twofactor_views.logout_everywhere,
         name="account-logout-everywhere"),
    path("accounts/password_reset/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Django's set_language, which also saves a signed-in user's choice as their language preference.
    path("i18n/", include("notifications.urls_language")),
    path("institutions/", views.institution_list, name="institution-list"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution-detail"),
    path("institutions/<int:pk>/identity/", views.institution_identity, name="institution-identity"),
    path("org-units/<int:pk>/", views.orgunit_detail, name="orgunit-detail"),
    path("org-units/<int:pk>/name/", views.orgunit_name, name="orgunit-name"),
    path("officers/<int:pk>/", views.officer_detail, name="officer-detail"),
    path("financial-years/<int:pk>/", views.financialyear_detail, name="financialyear-detail"),
    path("audit/", audit_views.event_list, name="audit-event-list"),
    path("audit/events/<int:pk>/", audit_views.event_detail, name="audit-event-detail"),
    path("audit/chain/<int:pk>/", audit_views.chain_status, name="audit-chain-status"),
    path("reports/", include("reports.urls")),
    path("scorecards/", include("scorecards.urls")),
    path("contracts/", include("contracts.urls")),
    path("verify/", include("contracts.urls.public")),
    path("charters/", include("charters.urls")),
    path("notifications/", include("notifications.urls")),
    path("tasks/", include("notifications.urls_tasks")),
    path("appraisals/", include("appraisals.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("results/", include("evaluations.urls_public")),
    # The split view serves its start-up script from ?script, so the page needs no inline <script>;
    # Swagger UI sets element styles at run time, hence the one relaxation, for this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

if apps.is_installed("bench"):  # the measuring harness's peers and floors (DEBUG or PMIS_BENCH only)
    urlpatterns.append(path("bench/", include("bench.urls")))
