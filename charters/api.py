"""Service charters over REST: charters and services (read), complaints for staff (read, handle).

The public complaint form is a page (charters.views), not an API: citizens do not hold tokens."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from pmis.api.base import ScopedReadOnlyViewSet, scoped_urls

from . import services
from .models import Charter, Complaint, Service


class CharterSerializer(serializers.ModelSerializer):
    contact_email = serializers.CharField(read_only=True, help_text=_("An email address, or empty."))

    class Meta:
        model = Charter
        fields = ["id", "institution", "version", "status", "title_en", "title_sw", "commitment_en",
                  "commitment_sw", "how_to_complain_en", "how_to_complain_sw", "contact_phone", "contact_email",
                  "address", "created_at", "published_at", "superseded_at"]
        read_only_fields = fields


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "charter", "institution", "code", "order", "name_en", "name_sw", "requirements_en",
                  "requirements_sw", "fee", "currency", "cost_note_en", "cost_note_sw", "standard_value",
                  "standard_unit", "office_en", "office_sw"]
        read_only_fields = fields


CONTACT_FIELDS = ("name", "phone", "email")


class ComplaintSerializer(serializers.ModelSerializer):
    """The citizen's name, phone and email are null for a reader who may not see them
    (``charters.services.can_read_contact``, the page's rule)."""

    name = serializers.CharField(read_only=True, allow_null=True,
                                 help_text=_("The citizen's name, or empty; null: not shown to you."))
    phone = serializers.CharField(read_only=True, allow_null=True,
                                  help_text=_("The citizen's phone number, or empty; null: not shown to you."))
    email = serializers.CharField(read_only=True, allow_null=True,
                                  help_text=_("The citizen's email address, or empty; null: not shown to you."))

    class Meta:
        model = Complaint
        fields = ["id", "institution", "charter", "service", "reference", "kind", "name", "phone", "email",
                  "message", "status", "assigned_to", "response", "received_at", "due_at", "resolved_at",
                  "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if "contact_handled" not in self.context:  # one read per response, not one per complaint
            self.context["contact_handled"] = services.handled_institutions(user)
        if user is None or not services.can_read_contact(user, instance, handled=self.context["contact_handled"]):
            data.update(dict.fromkeys(CONTACT_FIELDS))
        return data


class HandleSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Complaint.Status.choices)
    response = serializers.CharField(required=False, allow_blank=True, default="")
    assigned_to = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
                                           help_text=_("The user the complaint is assigned to (null: nobody)."))


class CharterViewSet(ScopedReadOnlyViewSet):
    queryset = Charter.objects.order_by("institution_id", "-version", "pk")
    serializer_class = CharterSerializer
    filterset_fields = ["institution", "status"]


class ServiceViewSet(ScopedReadOnlyViewSet):
    queryset = Service.objects.order_by("charter_id", "order", "pk")
    serializer_class = ServiceSerializer
    filterset_fields = ["institution", "charter", "code"]


class ComplaintViewSet(ScopedReadOnlyViewSet):
    """Complaints, compliments and suggestions citizens sent; handlers assign and answer them."""

    queryset = Complaint.objects.order_by("-received_at", "-pk")
    serializer_class = ComplaintSerializer
    filterset_fields = ["institution", "charter", "service", "status", "kind", "assigned_to"]

    @extend_schema(request=HandleSerializer, responses=ComplaintSerializer,
                   summary="Assign, move along and answer the complaint (handlers; the assignee moves it along)")
    @action(detail=True, methods=["post"], filterset_fields=[])
    def handle(self, request, pk=None):
        complaint = self.get_object()
        if not services.can_work_on(request.user, complaint):
            raise PermissionDenied(_("Only the institution's complaint handlers or the assigned officer can do this."))
        body = HandleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assignee = None
        if data.get("assigned_to") is not None:
            assignee = get_user_model().objects.filter(pk=data["assigned_to"]).first()
            if assignee is None:
                from django.core.exceptions import ValidationError

                raise ValidationError({"assigned_to": _("Choose someone who works in this institution.")})
        elif "assigned_to" not in data:
            assignee = complaint.assigned_to
        handled = services.handle_complaint(request.user, complaint, status=data["status"],
                                            response=data["response"], assigned_to=assignee)
        return Response(ComplaintSerializer(handled, context=self.get_serializer_context()).data)


router = DefaultRouter()
router.include_root_view = False
router.register("charters", CharterViewSet, basename="api-charter")
router.register("charter-services", ServiceViewSet, basename="api-charterservice")
router.register("complaints", ComplaintViewSet, basename="api-complaint")

urlpatterns = [path("", include(scoped_urls(router)))]
