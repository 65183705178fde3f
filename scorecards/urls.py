from django.urls import path

from . import views

urlpatterns = [
    path("years/<int:pk>/", views.framework, name="scorecard-framework"),
    path("league/", views.league_table, name="league-table"),
    path("league/export.csv", views.league_export, {"fmt": "csv"}, name="league-export-csv"),
    path("league/export.xlsx", views.league_export, {"fmt": "xlsx"}, name="league-export-xlsx"),
    path("institutions/<int:pk>/profile/", views.institution_profile, name="institution-profile"),
    path("institutions/<int:pk>/bands/", views.band_tables, name="institution-bands"),
    path("bands/<int:pk>/", views.band_table, name="band-table"),
    path("institutions/<int:pk>/dashboard/", views.institution_dashboard, name="institution-dashboard"),
    path("institutions/<int:pk>/dashboard/export.csv", views.institution_export, {"fmt": "csv"},
         name="institution-export-csv"),
    path("institutions/<int:pk>/dashboard/export.xlsx", views.institution_export, {"fmt": "xlsx"},
         name="institution-export-xlsx"),
    path("institutions/<int:pk>/dashboard/participation.csv", views.participation_export, {"fmt": "csv"},
         name="participation-export-csv"),
    path("institutions/<int:pk>/dashboard/participation.xlsx", views.participation_export, {"fmt": "xlsx"},
         name="participation-export-xlsx"),
]
