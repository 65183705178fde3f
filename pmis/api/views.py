from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from rest_framework import generics
from rest_framework.authtoken.views import ObtainAuthToken

from pmis.models import FinancialYear, Institution, Officer, OrgUnit

from . import serializers
from .base import ScopedReadOnlyViewSet


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


class TokenView(ObtainAuthToken):
    """POST username and password; answers {"token": "..."}."""
