from django.urls import path

from . import coverage_views, views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="mark-read"),
    path("preferences/", views.preferences, name="preferences"),
    path("calendar/defaults/", views.calendar_defaults, name="calendar-defaults"),
    path("calendar/<int:pk>/", views.calendar, name="calendar"),
    path("coverage/<int:pk>/", coverage_views.coverage_page, name="coverage"),
    path("coverage/<int:pk>/remind/", coverage_views.coverage_remind, name="coverage-remind"),
]
