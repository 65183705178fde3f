"""REST API for the summary table and the league table (read-only, scoped)."""

from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from pmis.api.views import ScopedReadOnlyViewSet

from . import dashboards
from .models import ContractScore


class ContractScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractScore
        fields = ["id", "institution", "contract", "financial_year", "year_start", "level", "period", "scheme",
                  "composite", "grade", "tone", "perspectives", "targets", "reporting", "targets_total",
                  "targets_verified", "green", "amber", "red", "budget_allocated", "budget_spent", "updated_at"]


class ContractScoreViewSet(ScopedReadOnlyViewSet):
    queryset = ContractScore.objects.order_by("institution_id", "contract_id", "period")
    serializer_class = ContractScoreSerializer
    filterset_fields = ["institution", "contract", "level", "period", "year_start"]


class LeagueView(APIView):
    """Institutions ranked by their institution contract's composite for a year and quarter."""

    @extend_schema(
        parameters=[OpenApiParameter(name, str, required=False) for name in ("year", "period", "kind", "body")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        q = request.query_params
        table = dashboards.league(request.user, q.get("year"), q.get("period"), q.get("kind", ""), q.get("body"))
        return Response({
            "year": table.year, "period": table.period,
            "results": [{
                "rank": r.rank or None, "institution": r.score.institution_id,
                "institution_name": r.score.institution.name, "kind": r.score.institution.kind,
                "composite": None if r.score.composite is None else str(r.score.composite),
                "grade": r.score.grade, "previous_rank": r.previous_rank, "movement": r.movement,
                "reporting": r.score.reporting,
            } for r in table.rows],
        })


router = SimpleRouter()
router.register("contract-scores", ContractScoreViewSet, basename="api-contractscore")

urlpatterns = [
    path("league/", LeagueView.as_view(), name="api-league"),
    path("", include(router.urls)),
]
