from django.contrib.auth import get_user_model
from rest_framework import serializers

from pmis import access
from pmis.models import FinancialYear, Institution, Officer, OrgUnit, RoleMembership


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "slug", "kind", "country", "oversight_parent", "fy_start_month"]


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "institution", "name", "code", "level", "depth", "path", "parent"]


class OfficerSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Officer
        fields = [
            "id", "username", "full_name", "institution", "personal_number", "designation",
            "job_grade", "org_unit", "supervisor",
        ]


class FinancialYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinancialYear
        fields = ["id", "institution", "name", "start_date", "end_date", "is_current"]


class RoleMembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoleMembership
        fields = ["id", "institution", "role", "org_unit"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email", "roles"]

    def get_roles(self, user) -> list[dict]:
        return RoleMembershipSerializer(access.memberships(user), many=True).data


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
