"""The contracting cycle's pages: the list, a contract, its targets, negotiation, vetting, signing."""

from django.urls import path

from ..views import cycle as views
from ..views import tasks as task_views
from ..views import vetting

urlpatterns = [
    path("", views.contract_list, name="contract-list"),
    path("plan/start/", views.start_plan, name="contract-start-plan"),
    path("<int:pk>/", views.contract_detail, name="contract-detail"),
    path("<int:pk>/targets/new/", views.target_new, name="contract-target-new"),
    path("<int:pk>/transition/", views.contract_transition, name="contract-transition"),
    path("<int:pk>/comments/", views.contract_comment, name="contract-comment"),
    path("<int:pk>/vetting/", vetting.contract_vetting, name="contract-vetting"),
    path("<int:pk>/sign/", views.contract_sign, name="contract-sign"),
    path("<int:pk>/versions/", views.contract_versions, name="contract-versions"),
    path("<int:pk>/scorecard/", views.contract_scorecard, name="contract-scorecard"),
    path("<int:pk>/tasks/", task_views.plan_tasks, name="contract-tasks"),
    path("<int:pk>/tasks/<str:kind>/<int:part_pk>/edit/", task_views.plan_part_edit, name="contract-task-edit"),
    path("<int:pk>/tasks/<str:kind>/<int:part_pk>/delete/", task_views.plan_part_delete,
         name="contract-task-delete"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/move/", views.target_move, name="target-move"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
    path("targets/<int:pk>/propose/", views.target_propose, name="target-propose"),
    path("targets/<int:pk>/vet/", views.target_vet, name="target-vet"),
    path("rounds/<int:pk>/answer/", views.round_answer, name="round-answer"),
    path("cascade/<int:pk>/", views.cascade_report, name="cascade-report"),
]

