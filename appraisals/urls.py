from django.urls import path

from . import views, weekly_views

app_name = "appraisals"

urlpatterns = [
    path("", views.appraisal_list, name="list"),
    path("open/", views.appraisal_open, name="open"),
    path("<int:pk>/", views.appraisal_detail, name="detail"),
    path("<int:pk>/appeal/decide/", views.appeal_decide, name="appeal-decide"),
    *[path(f"<int:pk>/{name}/", views.action_view(name), name=name) for name in views.ACTIONS],
    path("moderation/", views.moderation_list, name="moderation-list"),
    path("moderation/<int:pk>/", views.moderation_detail, name="moderation"),
    path("moderation/<int:pk>/adjust/", views.moderation_adjust, name="moderation-adjust"),
    path("moderation/<int:pk>/close/", views.moderation_close, name="moderation-close"),
    path("improvement-plans/<int:pk>/", views.pip_detail, name="pip"),
    path("improvement-plans/<int:pk>/review/", views.pip_review, name="pip-review"),
    path("improvement-plans/<int:pk>/close/", views.pip_close, name="pip-close"),
    path("training-needs/", views.training_needs, name="training-needs"),
    path("outcomes/", views.outcome_rules, name="outcomes"),
    path("plans/<int:pk>/week/", weekly_views.week, name="week"),
    path("plans/<int:pk>/week/review/", weekly_views.review, name="week-review"),
    path("team/week/", weekly_views.team_week, name="team-week"),
]
