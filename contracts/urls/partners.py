"""Partners of shared targets confirm; included by contracts/urls/ under /contracts/."""

from django.urls import path

from ..views import partners as views

urlpatterns = [
    path("partners/", views.partner_requests, name="partner-requests"),
    path("partners/<int:target>/<int:institution>/", views.partner_answer, name="partner-answer"),
]
