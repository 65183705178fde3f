"""Monitoring pages; included by contracts/urls/ under /contracts/."""

from django.urls import path

from ..views import monitoring as views

urlpatterns = [
    path("<int:pk>/reports/", views.contract_reports, name="monitoring-contract-reports"),
    path("<int:pk>/reports/open/", views.report_open, name="monitoring-report-open"),
    path("reports/<int:pk>/", views.report_detail, name="monitoring-report"),
    path("reports/<int:pk>/entries/", views.entry_save, name="monitoring-entry-save"),
    path("reports/<int:pk>/save/", views.report_save, name="monitoring-report-save"),
    path("reports/<int:pk>/submit/", views.report_submit, name="monitoring-report-submit"),
    path("entries/<int:pk>/evidence/", views.evidence_upload, name="monitoring-evidence-upload"),
    path("entries/<int:pk>/verify/", views.entry_verify, name="monitoring-entry-verify"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="monitoring-evidence-download"),
    path("verification/", views.queue, name="monitoring-queue"),
]
