from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from scorecards import scoring


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
