from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from pmis.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin, require_role
from pmis.models import Role
from scorecards import scoring, setup

from ..models import Indicator, Perspective, StrategicObjective
from . import serializers

#: Who sets up a year's scorecard structure: the secretariat and the institution's administrator.
SETUP_ROLES = (Role.PERFORMANCE_OFFICER, Role.ADMIN)
def _jsonable(result):
    """Decimals leave as 4-decimal strings ("2.5000"), which clients read exactly."""
    if isinstance(result, dict):
        return {k: _jsonable(v) for k, v in result.items()}
    if isinstance(result, list):
        return [_jsonable(v) for v in result]
    if hasattr(result, "quantize"):
        return str(result)
    return result


class EvaluateView(APIView):
    """What-if scoring: runs the scoring engine over the posted items and stores nothing."""

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "kenya_pc",
                value={
                    "scheme": "kenya_pc",
                    "items": [
                        {
                            "id": "t1",
                            "weight": 100,
                            "direction": "higher",
                            "criteria": {"excellent": 110, "very_good": 100, "good": 90, "fair": 80, "poor": 70},
                            "actual": 95,
                        }
                    ],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        try:
            result = scoring.evaluate(request.data)
        except scoring.ScoringValidationError as exc:
            return Response(
                {"detail": "The scoring request has errors.", "errors": exc.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(_jsonable(result))


class PerspectiveViewSet(ScopedReadOnlyViewSet):
    """Balanced-scorecard perspectives / performance-criteria categories of each year."""

    queryset = Perspective.objects.order_by("financial_year_id", "order", "name", "pk")
    serializer_class = serializers.PerspectiveSerializer
    filterset_fields = ["institution", "financial_year", "kind"]


class ObjectiveViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Strategic objectives under a perspective; the secretariat adds them (scorecards.setup)."""

    queryset = StrategicObjective.objects.order_by("perspective_id", "order", "name", "pk")
    serializer_class = serializers.ObjectiveSerializer
    filterset_fields = ["institution", "perspective", "perspective__financial_year"]

    def perform_create(self, serializer):
        perspective = serializer.validated_data["perspective"]
        require_role(self.request.user, perspective.institution_id, SETUP_ROLES,
                     _("Only the performance secretariat or an administrator sets up objectives."))
        serializer.instance = setup.add_objective(
            self.request.user, perspective, name=serializer.validated_data["name"],
            order=serializer.validated_data.get("order", 0))


class IndicatorViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The institution's indicator library; the secretariat adds indicators (scorecards.setup)."""

    queryset = Indicator.objects.order_by("institution_id", "name", "pk")
    serializer_class = serializers.IndicatorSerializer
    filterset_fields = ["institution", "measurement_type", "direction"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        require_role(self.request.user, data["institution"].pk, SETUP_ROLES,
                     _("Only the performance secretariat or an administrator adds indicators."))
        serializer.instance = setup.add_indicator(
            self.request.user, data["institution"], name=data["name"], measurement_type=data["measurement_type"],
            unit=data.get("unit", ""), direction=data.get("direction", scoring.HIGHER))
