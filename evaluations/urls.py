from django.urls import path

from . import views

urlpatterns = [
    path("", views.evaluation_list, name="evaluation-list"),
    path("panel/", views.panel, name="evaluation-panel"),
    path("panel/release/", views.panel_release, name="evaluation-release"),
    path("start/<int:pk>/", views.evaluation_start, name="evaluation-start"),
    path("evidence/<int:pk>/", views.evidence_download, name="evaluation-evidence"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation-detail"),
    path("<int:pk>/save/", views.evaluation_save, name="evaluation-save"),
    path("<int:pk>/sign/", views.evaluation_sign, name="evaluation-sign"),
    path("<int:pk>/claim/", views.evaluation_claim, name="evaluation-claim"),
    path("<int:pk>/assess/", views.evaluation_assess, name="evaluation-assess"),
    path("<int:pk>/verify/", views.evaluation_verify, name="evaluation-verify"),
    path("<int:pk>/decide/", views.evaluation_decide, name="evaluation-decide"),
    path("<int:pk>/share/", views.evaluation_share, name="evaluation-share"),
    path("<int:pk>/respond/", views.evaluation_respond, name="evaluation-respond"),
    path("<int:pk>/conclude/", views.evaluation_conclude, name="evaluation-conclude"),
    path("<int:pk>/moderate/", views.evaluation_moderate, name="evaluation-moderate"),
]
