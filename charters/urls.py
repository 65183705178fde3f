from django.urls import path

from . import views

app_name = "charters"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("track/", views.track_lookup, name="track-lookup"),
    path("track/<str:reference>/", views.track, name="track"),
    path("staff/complaints/", views.complaint_list, name="complaint-list"),
    path("staff/complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("staff/charters/<int:pk>/", views.charter_manage, name="manage"),
    path("<slug:slug>/", views.charter_page, name="public"),
]
