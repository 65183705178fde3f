from django.urls import path

from . import peers

urlpatterns = [
    path("floor/<slug:name>/", peers.floor, name="bench-floor"),
    path("naive/league/", peers.NaiveLeague.as_view(), name="bench-naive-league"),
    path("naive/dashboard/<int:pk>/", peers.naive_dashboard, name="bench-naive-dashboard"),
    path("naive/plan/<int:pk>/", peers.NaivePlan.as_view(), name="bench-naive-plan"),
    path("naive/contracts/", peers.NaiveContractList.as_view(), name="bench-naive-contracts"),
]
