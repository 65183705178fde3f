from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("institutions/", views.institution_list, name="institution-list"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution-detail"),
    path("org-units/<int:pk>/", views.orgunit_detail, name="orgunit-detail"),
    path("officers/<int:pk>/", views.officer_detail, name="officer-detail"),
    path("financial-years/<int:pk>/", views.financialyear_detail, name="financialyear-detail"),
    path("audit/events/<int:pk>/", views.audit_event_detail, name="audit-event-detail"),
    path("scorecards/", include("scorecards.urls")),
    path("contracts/", include("contracts.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("pmis.api.urls")),
    path("api/v1/", include("scorecards.api.urls")),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
