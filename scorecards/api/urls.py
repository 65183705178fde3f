from django.urls import path

from . import views

urlpatterns = [
    path("scoring/evaluate/", views.EvaluateView.as_view(), name="api-scoring-evaluate"),
]
