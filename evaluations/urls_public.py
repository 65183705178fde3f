from django.urls import path

from . import public

urlpatterns = [
    path("", public.year_list, name="results-years"),
    path("<int:year>/", public.year_results, name="results-year"),
    path("<int:year>/results.<str:fmt>", public.year_download, name="results-download"),
    path("<int:year>/<slug:slug>/", public.institution_result, name="results-institution"),
]
