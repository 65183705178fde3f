from django.contrib.auth import authenticate
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import fields as drf_fields
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pmis import lockout
from pmis.models import FinancialYear, Institution, Officer, OrgUnit

from . import serializers
from .base import ScopedReadOnlyViewSet
from .throttling import TokenAddressThrottle, TokenUsernameThrottle


class InstitutionViewSet(ScopedReadOnlyViewSet):
    queryset = Institution.objects.order_by("name", "pk")
    serializer_class = serializers.InstitutionSerializer
    filterset_fields = ["kind", "oversight_parent"]


class OrgUnitViewSet(ScopedReadOnlyViewSet):
    queryset = OrgUnit.objects.order_by("path")
    serializer_class = serializers.OrgUnitSerializer
    filterset_fields = ["institution", "level"]

    def base_queryset(self):
        # The parent is the unit whose path is ours less one step: a correlated subquery.
        parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgUnit.steplen)
        parent = OrgUnit.objects.order_by().filter(path=parent_path).values("pk")[:1]
        return self.queryset.annotate(parent_id=Subquery(parent))


class OfficerViewSet(ScopedReadOnlyViewSet):
    queryset = Officer.objects.select_related("user").order_by("institution_id", "personal_number", "pk")
    serializer_class = serializers.OfficerSerializer
    filterset_fields = ["institution", "org_unit", "supervisor"]


class FinancialYearViewSet(ScopedReadOnlyViewSet):
    queryset = FinancialYear.objects.order_by("-start_date", "pk")
    serializer_class = serializers.FinancialYearSerializer
    filterset_fields = ["institution", "is_current"]


class MeView(generics.RetrieveAPIView):
    serializer_class = serializers.MeSerializer

    def get_object(self):
        return self.request.user


class TokenView(APIView):
    """POST username and password; answers {"token": "..."}.

    A wrong password counts in the same lockout as the login page (pmis.lockout), and requests are
    throttled per username and per client address on top of it."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = serializers.TokenRequestSerializer
    throttle_classes = [TokenUsernameThrottle, TokenAddressThrottle]

    @extend_schema(request=serializers.TokenRequestSerializer, responses={200: inline_serializer(
        "Token", {"token": drf_fields.CharField()})}, summary="Get your API token")
    def post(self, request, *args, **kwargs):
        body = serializers.TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        username, password = body.validated_data["username"], body.validated_data["password"]
        if lockout.is_locked_out(request, username):
            raise Locked()
        # Django's request: axes reads the client's address and keeps its notes there.
        user = authenticate(request, username=username, password=password)
        if user is None:
            if lockout.is_locked_out(request, username):
                raise Locked()
            raise ValidationError({"non_field_errors": [_("Unable to log in with the username and password given.")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class Locked(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Too many failed attempts: signing in is locked for now. Try again later.")
    default_code = "locked_out"
