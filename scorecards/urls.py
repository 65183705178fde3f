from django.urls import path

from . import views

urlpatterns = [
    path("years/<int:pk>/", views.framework, name="scorecard-framework"),
]
