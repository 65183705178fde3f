"""REST API for appraisals: read-only, through the confidentiality scope (404 outside it), each
detail read audited; the feedback log takes new entries. Paginated, errors in the API's one shape."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import confidentiality, services
from .models import Appraisal, AppraisalItem, AttributeMark, FeedbackEntry


class ItemSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target.description")
    weight = serializers.DecimalField(source="target.weight", max_digits=20, decimal_places=4)

    class Meta:
        model = AppraisalItem
        fields = ["id", "target", "weight", "self_value", "supervisor_value", "agreed_value", "raw"]


class AttributeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttributeMark
        fields = ["id", "name", "self_mark", "supervisor_mark", "agreed_mark"]


class AppraisalListSerializer(serializers.ModelSerializer):
    officer = serializers.CharField(source="officer.__str__")
    financial_year = serializers.CharField(source="financial_year.name")

    class Meta:
        model = Appraisal
        fields = ["id", "institution", "officer", "financial_year", "status"]


class AppraisalSerializer(AppraisalListSerializer):
    items = ItemSerializer(many=True, read_only=True)
    attributes = AttributeSerializer(many=True, read_only=True)

    class Meta(AppraisalListSerializer.Meta):
        fields = AppraisalListSerializer.Meta.fields + [
            "contract", "scheme", "composite", "grade", "moderated_grade", "final_grade", "result_at",
            "midyear_progress", "self_comments", "supervisor_comments", "countersign_comment", "disagreement",
            "items", "attributes"]


class FeedbackSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = FeedbackEntry
        fields = ["id", "author", "kind", "target", "note", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class AppraisalViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Appraisal.objects.order_by("-financial_year__start_date", "pk")
    scoped_confidential = True  # the isolation test: fewer readers than the institution
    lookup_value_regex = "[^/]+"  # any id segment, so a malformed id answers the API's JSON 404
    filterset_fields = ["institution", "status", "financial_year"]

    def get_queryset(self):
        return self.queryset.readable_by(self.request.user).select_related("officer__user", "financial_year")

    def get_serializer_class(self):
        return AppraisalListSerializer if self.action == "list" else AppraisalSerializer

    def retrieve(self, request, *args, **kwargs):
        appraisal = self.get_object()
        confidentiality.record_read(request.user, appraisal, via="api")
        return Response(AppraisalSerializer(appraisal).data)

    @extend_schema(methods=["GET"], responses={200: FeedbackSerializer(many=True)})
    @extend_schema(methods=["POST"], request=FeedbackSerializer, responses={201: FeedbackSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=FeedbackSerializer, pagination_class=None)
    def feedback(self, request, pk=None):
        """The appraisal's feedback log (a year's check-ins: small, so not paginated), or a new entry."""
        appraisal = self.get_object()
        if request.method == "GET":
            confidentiality.record_read(request.user, appraisal, via="api")
            entries = appraisal.feedback.select_related("author").order_by("-created_at", "-pk")
            return Response(FeedbackSerializer(entries, many=True).data)
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = serializer.validated_data.get("target")
        # Refusals (PermissionDenied, ValidationError) reach the API's one exception handler.
        entry = services.add_feedback(request.user, appraisal, serializer.validated_data["note"],
                                      kind=serializer.validated_data.get("kind", FeedbackEntry.Kind.CHECK_IN),
                                      target=target)
        return Response(FeedbackSerializer(entry).data, status=status.HTTP_201_CREATED)


router = DefaultRouter()
router.register("appraisals", AppraisalViewSet, basename="api-appraisal")

urlpatterns = [path("", include(router.urls))]
