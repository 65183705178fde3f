from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="mark-read"),
    path("preferences/", views.preferences, name="preferences"),
    path("calendar/defaults/", views.calendar_defaults, name="calendar-defaults"),
    path("calendar/<int:pk>/", views.calendar, name="calendar"),
]
