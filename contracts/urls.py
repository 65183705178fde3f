from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/scorecard/", views.contract_scorecard, name="contract-scorecard"),
    path("cascade/<int:pk>/", views.cascade_report, name="cascade-report"),
]

from . import urls_documents  # noqa: E402  (contract PDF and target import)

urlpatterns += urls_documents.urlpatterns
