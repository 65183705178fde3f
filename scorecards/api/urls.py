from django.urls import include, path
from rest_framework.routers import DefaultRouter

from pmis.api.base import scoped_urls

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("perspectives", views.PerspectiveViewSet, basename="api-perspective")
router.register("objectives", views.ObjectiveViewSet, basename="api-objective")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")

urlpatterns = [
    path("scoring/evaluate/", views.EvaluateView.as_view(), name="api-scoring-evaluate"),
    path("", include(scoped_urls(router))),
]
