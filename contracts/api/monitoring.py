"""REST API for monitoring: progress reports, their entries (with verification) and evidence.

Reads go through ``visible_to``; writes go through ``contracts.monitoring`` like the pages."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from pmis.api.views import ScopedReadOnlyViewSet
from pmis.tenancy import scoped

from .. import monitoring
from ..models import Evidence, ProgressEntry, ProgressReport


class ProgressReportSerializer(serializers.ModelSerializer):
    days_late = serializers.IntegerField(read_only=True, help_text="Days submitted after the due date (0: on time).")

    class Meta:
        model = ProgressReport
        fields = ["id", "institution", "contract", "period", "period_start", "period_end", "due_date", "state",
                  "submitted_by", "submitted_at", "days_late"]


class ProgressEntrySerializer(serializers.ModelSerializer):
    period = serializers.IntegerField(source="report.period", read_only=True)

    class Meta:
        model = ProgressEntry
        fields = ["id", "institution", "report", "period", "target", "actual", "budget_spent", "status", "rag",
                  "comment", "explanation", "remedial_action", "reported_by", "reported_at", "system_computed",
                  "verification", "verified_by", "verified_at", "verification_comment"]


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "institution", "entry", "original_name", "content_type", "size", "uploaded_by",
                  "uploaded_at", "download"]

    def get_download(self, obj) -> str:
        from django.urls import reverse

        return reverse("monitoring-evidence-download", args=[obj.pk])


class VerifySerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accepted", "returned"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")



class ProgressReportViewSet(ScopedReadOnlyViewSet):
    queryset = ProgressReport.objects.order_by("contract_id", "period")
    serializer_class = ProgressReportSerializer
    filterset_fields = ["institution", "contract", "period", "state"]


class ProgressEntryViewSet(ScopedReadOnlyViewSet):
    queryset = ProgressEntry.objects.select_related("report").order_by("report_id", "target_id")
    serializer_class = ProgressEntrySerializer
    filterset_fields = ["institution", "report", "target", "verification"]


class VerifyView(APIView):
    """POST {decision: accepted|returned, comment}: accept or return a reported actual (performance officers)."""

    @extend_schema(request=VerifySerializer, responses={200: ProgressEntrySerializer})
    def post(self, request, pk):
        entry = get_object_or_404(ProgressEntry.objects.visible_to(request.user), pk=pk)
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Refusals (PermissionDenied, ValidationError) reach the API's one exception handler.
        entry = monitoring.verify(request.user, entry, data.validated_data["decision"], data.validated_data["comment"])
        return Response(ProgressEntrySerializer(entry).data, status=status.HTTP_200_OK)


class EvidenceViewSet(ScopedReadOnlyViewSet):
    queryset = Evidence.objects.order_by("pk")
    serializer_class = EvidenceSerializer
    filterset_fields = ["institution", "entry"]


router = SimpleRouter()
router.register("progress-reports", ProgressReportViewSet, basename="api-progressreport")
router.register("progress-entries", ProgressEntryViewSet, basename="api-progressentry")
router.register("evidence", EvidenceViewSet, basename="api-evidence")

urlpatterns = [
    # Any id segment, so a malformed id answers the API's JSON 404 rather than the site's HTML page.
    path("progress-entries/<str:pk>/verify/", scoped(ProgressEntry, post_only=True)(VerifyView.as_view()),
         name="api-progressentry-verify"),
    path("", include(router.urls)),
]
