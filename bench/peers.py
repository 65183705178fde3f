"""What the hot endpoints are measured against, served only where the bench app is installed.

- **naive**: the same answer the way a first version would give it: a plain DRF generic view over a
  ModelSerializer (nested serializers, no summary table, every row), or an ORM view that scores live.
- **floor**: the framework alone: a view returning the real answer's bytes, read from a file the bench
  wrote, with no database, no session and no template.
"""

import os
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET
from rest_framework import generics, pagination, serializers

from contracts import scores
from contracts.models import PerformanceContract, Target
from pmis.models import FinancialYear, Institution
from pmis.tenancy import scoped
from scorecards.models import ContractLevel, ContractScore

#: where the bench leaves the real answers' bytes for the floor views, and the key a request for them
#: carries (both set when it starts gunicorn): the bytes are real users' answers
FLOOR_DIR, FLOOR_KEY = "PMIS_BENCH_FLOOR_DIR", "PMIS_BENCH_FLOOR_KEY"
_floor = {}


@transaction.non_atomic_requests
@require_GET
def floor(request, name):
    """The bytes of the real answer ``name``, read once per process; only for the bench's own requests."""
    key = os.environ.get(FLOOR_KEY, "")
    if not key or not constant_time_compare(request.headers.get("X-Bench-Key", ""), key):
        raise Http404
    if name not in _floor:
        folder = os.environ.get(FLOOR_DIR)
        path = Path(folder or "/nonexistent") / f"{name}.bin"
        if not folder or not path.is_file() or "/" in name:
            raise Http404
        _floor[name] = path.read_bytes()
    content_type = "application/json" if name.endswith("api") else "text/html; charset=utf-8"
    return HttpResponse(_floor[name], content_type=content_type)


# --- naive: plain DRF over ModelSerializers


class TargetSerializer(serializers.ModelSerializer):
    perspective_name = serializers.CharField(source="perspective.name", default="")
    indicator_name = serializers.CharField(source="indicator.name", default="")

    class Meta:
        model = Target
        fields = "__all__"


class PlanSerializer(serializers.ModelSerializer):
    targets = TargetSerializer(many=True)

    class Meta:
        model = PerformanceContract
        fields = "__all__"


class NaivePlan(generics.RetrieveAPIView):
    schema = None  # a measuring peer, not part of the API
    queryset = PerformanceContract.objects.all()  # narrowed to the user's institutions below
    serializer_class = PlanSerializer

    def get_queryset(self):
        return PerformanceContract.objects.visible_to(self.request.user)


class ContractRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PerformanceContract
        fields = "__all__"


class Pages(pagination.PageNumberPagination):
    page_size = 50


class NaiveContractList(generics.ListAPIView):
    schema = None  # a measuring peer, not part of the API
    serializer_class = ContractRowSerializer
    pagination_class = Pages

    def get_queryset(self):
        return PerformanceContract.objects.visible_to(self.request.user).order_by("-financial_year__start_date",
                                                                                  "title", "pk")


class LeagueRowSerializer(serializers.ModelSerializer):
    institution = serializers.StringRelatedField()

    class Meta:
        model = ContractScore
        fields = ["institution", "composite", "grade", "period", "year_start"]


class NaiveLeague(generics.ListAPIView):
    """Every visible institution's row of the latest quarter scored, ranked in Python."""

    schema = None  # a measuring peer, not part of the API
    serializer_class = LeagueRowSerializer
    pagination_class = None

    def get_queryset(self):
        rows = ContractScore.objects.visible_to(self.request.user).filter(level=ContractLevel.INSTITUTION)
        latest = rows.order_by("-year_start", "-period").first()
        if latest is None:
            return []
        found = list(rows.filter(year_start=latest.year_start, period=latest.period))
        return sorted(found, key=lambda s: (s.composite is None, -(s.composite or 0)))


@require_GET
@login_required
@scoped(Institution)
def naive_dashboard(request, pk):
    """The institution's composite for each quarter of its current year, scored live from its targets."""
    institution = Institution.objects.visible_to(request.user).filter(pk=pk).first()
    if institution is None:
        raise Http404
    year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    contract = PerformanceContract.objects.filter(institution=institution, financial_year=year,
                                                  level=ContractLevel.INSTITUTION).first()
    if contract is None:
        raise Http404
    quarters = {}
    for period in (1, 2, 3, 4):
        found = scores.compute(contract, period, partners=True)
        quarters[period] = {"composite": None if found["composite"] is None else str(found["composite"]),
                            "grade": found["grade"]}
    return JsonResponse({"institution": institution.name, "quarters": quarters})
