from django.urls import include, path
from rest_framework.routers import DefaultRouter

from pmis.api.base import scoped_urls

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("contracts", views.ContractViewSet, basename="api-contract")
router.register("targets", views.TargetViewSet, basename="api-target")
router.register("negotiation-rounds", views.RoundViewSet, basename="api-round")
router.register("contract-documents", views.DocumentViewSet, basename="api-contractdocument")

urlpatterns = [path("", include(scoped_urls(router)))]
