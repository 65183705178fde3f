from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("institutions", views.InstitutionViewSet, basename="api-institution")
router.register("org-units", views.OrgUnitViewSet, basename="api-orgunit")
router.register("officers", views.OfficerViewSet, basename="api-officer")
router.register("financial-years", views.FinancialYearViewSet, basename="api-financialyear")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include(router.urls)),
]
