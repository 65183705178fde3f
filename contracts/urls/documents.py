"""Contract PDF and target import pages; included by contracts/urls/ under /contracts/."""

from django.urls import path

from ..views import documents as views_documents

urlpatterns = [
    path("<int:pk>/pdf/", views_documents.contract_pdf, name="contract-pdf"),
    path("<int:pk>/pdf/status/", views_documents.contract_pdf_status, name="contract-pdf-status"),
    path("documents/<int:pk>/download/", views_documents.document_download, name="contract-document-download"),
    path("<int:pk>/import/", views_documents.import_targets_view, name="contract-import"),
    path("<int:pk>/import/template.xlsx", views_documents.import_template, {"fmt": "xlsx"},
         name="contract-import-template-xlsx"),
    path("<int:pk>/import/template.csv", views_documents.import_template, {"fmt": "csv"},
         name="contract-import-template-csv"),
]
