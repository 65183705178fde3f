"""Notifications over REST: the user's own in-app notifications, and the cycle calendar (read)."""

from django.db.models import Q
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from pmis.api.base import ScopedListViewSet, scoped_urls

from . import inbox, services
from .models import CycleDeadline, Notification, WorkItem
from .selectors import task_filters


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "institution", "kind", "critical", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False,
                                max_length=1000)
    all = serializers.BooleanField(required=False, default=False)


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CycleDeadline
        fields = ["id", "institution", "financial_year", "stage", "due_date", "overridden"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The requesting user's notifications, newest first (a user only ever sees their own)."""

    queryset = Notification.objects.none()  # for the schema; get_queryset() answers the user's own
    serializer_class = NotificationSerializer
    filterset_fields = ["kind", "critical"]

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=MarkReadSerializer, responses=CountSerializer,
                   summary="Mark some (ids) or all of your notifications read; answers how many changed")
    @action(detail=False, methods=["post"], url_path="mark-read", filterset_fields=[])
    def mark_read(self, request):
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["all"]:
            return Response({"count": services.mark_all_read(request.user)})
        ids = body.validated_data.get("ids") or []
        # Only the user's own notifications: another user's id is simply not found.
        count = Notification.objects.filter(Q(pk__in=ids), user=request.user, read_at__isnull=True).update(
            read_at=timezone.now())
        return Response({"count": count})

    @extend_schema(responses=CountSerializer, summary="How many of your notifications are unread")
    @action(detail=False, methods=["get"], url_path="unread-count", filterset_fields=[], pagination_class=None)
    def unread_count(self, request):
        return Response({"count": Notification.objects.filter(user=request.user, read_at__isnull=True).count()})


class DeadlineViewSet(ScopedListViewSet):
    """The contracting cycle's deadlines per institution and year (the yearly stages: a week's log is a
    deadline of its own for the reminders, not a stage of the calendar)."""

    queryset = CycleDeadline.objects.filter(week_start__isnull=True).order_by("due_date", "stage", "pk")
    serializer_class = DeadlineSerializer
    filterset_fields = ["institution", "financial_year", "stage"]


class TaskSerializer(serializers.ModelSerializer):
    """One thing waiting for the user: what (``kind``, ``label`` in the request's language), on which
    object (``title``, ``url``: where to act), since when, due when, and whether it is overdue."""

    label = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = ["id", "institution", "kind", "label", "title", "url", "subject_type", "subject_id", "number",
                  "since", "due", "overdue"]
        read_only_fields = fields

    def get_label(self, item) -> str:
        kind = inbox.KINDS.get(item.kind)
        return kind.describe(item.number) if kind else item.kind

    def get_overdue(self, item) -> bool:
        return item.due is not None and item.due < self.context.setdefault("today", inbox.today())


@extend_schema_view(list=extend_schema(
    summary="What is waiting for you, overdue first",
    parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind of work"),
        OpenApiParameter("institution", OpenApiTypes.INT,
                         description="Only this institution's (one you may not see answers 404)"),
        OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Only overdue items"),
    ],
))
class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The requesting user's open work items (a user only ever sees their own), as on /tasks/."""

    queryset = WorkItem.objects.none()  # for the schema; get_queryset() answers the user's own
    serializer_class = TaskSerializer
    filter_backends = []  # the inbox's own filters (notifications.views.task_filters)

    def get_queryset(self):
        items, _chosen = task_filters(self.request, inbox.open_for(self.request.user))
        return inbox.overdue_first(items)


router = DefaultRouter()
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("cycle-deadlines", DeadlineViewSet, basename="api-cycledeadline")
router.register("tasks", TaskViewSet, basename="api-task")

urlpatterns = [path("", include(scoped_urls(router)))]
