import datetime
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pmis.models import Institution
from scorecards.models import Indicator, Perspective, StrategicObjective

from ..cycle import workflow
from ..models import (
    ContractComment,
    ContractDocument,
    ContractTransition,
    ContractVersion,
    NegotiationRound,
    PerformanceContract,
    Signature,
    Target,
    VettingCheck,
)

INT_MAX = 2**31 - 1


def _scoped(field, queryset, user):
    """Limit a relation field's choices to what ``user`` may see (another tenant's id is unknown)."""
    field.queryset = queryset.visible_to(user)


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = PerformanceContract
        fields = [
            "id", "institution", "financial_year", "level", "org_unit", "officer", "title", "performer",
            "counterparty", "scheme", "status", "version", "lock_version", "status_changed_at", "created_at",
        ]
        read_only_fields = fields


class ContractDetailSerializer(ContractSerializer):
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("The workflow steps the requesting user may take now."))

    class Meta(ContractSerializer.Meta):
        fields = ContractSerializer.Meta.fields + [
            "band_table_name", "band_table_version", "bands", "category_weights", "allowed_actions",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, contract) -> list[str]:
        return sorted(workflow.allowed_actions(self.context["request"].user, contract))


class PlanTargetSerializer(serializers.ModelSerializer):
    """A target as the plan lists it: its values and criteria, with the perspective's and indicator's names."""

    perspective_name = serializers.CharField(read_only=True)
    indicator_name = serializers.CharField(read_only=True)

    class Meta:
        model = Target
        fields = [
            "id", "order", "perspective", "perspective_name", "objective", "indicator", "indicator_name",
            "description", "unit", "direction", "baseline", "target_value", "criteria_excellent",
            "criteria_very_good", "criteria_good", "criteria_fair", "criteria_poor", "weight", "budget_allocated",
            "parent", "activities", "actual", "lock_version",
        ]
        read_only_fields = fields


class PlanSerializer(ContractDetailSerializer):
    """The contract with every one of its targets: an officer's annual plan (or any contract) in one answer."""

    targets = serializers.SerializerMethodField()

    class Meta(ContractDetailSerializer.Meta):
        fields = ContractDetailSerializer.Meta.fields + ["targets"]
        read_only_fields = fields

    @extend_schema_field(PlanTargetSerializer(many=True))
    def get_targets(self, contract):
        return PlanTargetSerializer(plan_targets(contract.pk), many=True).data


def plan_targets(contract_id):
    # The two names come as columns of the one query (no perspective and indicator objects to build),
    # each looked up by its key: joined, the planner hashes every perspective of every institution
    # for a ten-target plan.
    perspective = Perspective.objects.filter(pk=OuterRef("perspective_id")).order_by().values("name")
    return Target.objects.filter(contract_id=contract_id).annotate(
        perspective_name=Coalesce(Subquery(perspective), Value("")),
        indicator_name=Coalesce("indicator__name", Value("")),
    ).order_by("order", "pk")


def plan_answer(contract, user):
    """What ``PlanSerializer`` answers for ``user``, read as plain values: the API's hottest read.

    A ModelSerializer builds its ~45 fields from the models afresh for every request, which cost more
    than the queries behind the answer; here the targets are one ``.values()`` read, and each value is
    written as DRF writes it (decimals as strings, times in ISO 8601 through DRF's own field).
    ``PlanSerializer`` stays the schema and the reference (tests/api/test_plan.py compares the two)."""
    columns = [f for f in ContractDetailSerializer.Meta.fields if f != "allowed_actions"]
    attnames = {f.name: f.attname for f in PerformanceContract._meta.concrete_fields}
    data = {name: _as_drf(getattr(contract, attnames.get(name, name))) for name in columns}
    data["allowed_actions"] = sorted(workflow.allowed_actions(user, contract))
    data["targets"] = [{name: _as_drf(value) for name, value in row.items()}
                       for row in plan_targets(contract.pk).values(*PlanTargetSerializer.Meta.fields)]
    return data


_TIME = serializers.DateTimeField()


def _as_drf(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return _TIME.to_representation(value)
    return value


class PlanCreateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)


class TransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    lock_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=INT_MAX,
        help_text=_("The contract's lock_version you read; a stale one answers 409."),
    )


class SignSerializer(serializers.Serializer):
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text=_("The authentication code, where two-factor applies."))
    lock_version = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=INT_MAX)


class TargetSerializer(serializers.ModelSerializer):
    lock_version = serializers.IntegerField(
        required=False, min_value=1, max_value=INT_MAX,
        help_text=_("The edit version you read; send it back on change or delete. A stale one answers 409."),
    )

    class Meta:
        model = Target
        fields = [
            "id", "contract", "institution", "perspective", "objective", "indicator", "description", "unit",
            "direction", "baseline", "target_value", "criteria_excellent", "criteria_very_good", "criteria_good",
            "criteria_fair", "criteria_poor", "weight", "budget_allocated", "parent", "partner_institutions",
            "activities", "actual", "order", "lock_version",
        ]
        read_only_fields = ["id", "institution", "actual"]
        extra_kwargs = {"partner_institutions": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or not hasattr(self, "initial_data"):
            return
        user = request.user
        fields = self.fields
        _scoped(fields["contract"], PerformanceContract.objects.all(), user)
        _scoped(fields["perspective"], Perspective.objects.all(), user)
        _scoped(fields["objective"], StrategicObjective.objects.all(), user)
        _scoped(fields["indicator"], Indicator.objects.all(), user)
        _scoped(fields["parent"], Target.objects.all(), user)
        fields["partner_institutions"].child_relation.queryset = Institution.objects.all()
        if self.instance is not None:
            fields["contract"].read_only = True


class ChangesSerializer(serializers.Serializer):
    """New values proposed for a target in negotiation (send only those that change) and why."""

    comment = serializers.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NegotiationRound.NEGOTIABLE:
            model_field = Target._meta.get_field(name)
            self.fields[name] = serializers.DecimalField(
                max_digits=model_field.max_digits, decimal_places=model_field.decimal_places, required=False,
            )

    def changes(self):
        return {k: v for k, v in self.validated_data.items() if k in NegotiationRound.NEGOTIABLE}


class AnswerSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class VetSerializer(serializers.Serializer):
    smart = serializers.BooleanField()
    aligned = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = NegotiationRound
        fields = [
            "id", "contract", "target", "institution", "number", "side", "proposed_by", "changes", "previous",
            "comment", "answers", "state", "answered_by", "answered_at", "created_at",
        ]
        read_only_fields = fields


class VettingCheckSerializer(serializers.ModelSerializer):
    passed = serializers.BooleanField(read_only=True)

    class Meta:
        model = VettingCheck
        fields = ["id", "contract", "target", "institution", "version", "smart", "aligned", "passed", "comment",
                  "checked_by", "checked_at"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(required=False, allow_null=True, source="target_id", min_value=1,
                                      max_value=INT_MAX)
    stage = serializers.ChoiceField(choices=ContractComment.Stage.choices,
                                    default=ContractComment.Stage.PRE_NEGOTIATION)

    class Meta:
        model = ContractComment
        fields = ["id", "contract", "target", "institution", "stage", "version", "author", "body", "created_at"]
        read_only_fields = ["id", "contract", "institution", "version", "author", "created_at"]


class TransitionRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractTransition
        fields = ["id", "contract", "institution", "action", "from_status", "to_status", "version", "actor",
                  "comment", "created_at"]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer):
    content = serializers.JSONField(read_only=True, help_text=_("The canonical content vetted (and signed)."))

    class Meta:
        model = ContractVersion
        fields = ["id", "contract", "institution", "number", "content", "content_hash", "verify_code",
                  "amendment_reason", "created_at", "signed_at"]
        read_only_fields = fields


class SignatureSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Signature
        fields = ["id", "contract", "institution", "version", "side", "signer", "signer_name", "role",
                  "content_hash", "signed_at", "second_factor"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ContractDocument
        fields = ["id", "contract", "institution", "version", "content_hash", "state", "pages", "error",
                  "created_at", "updated_at", "download"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, document):
        """Where the PDF is, once it is ready (else null)."""
        if document.state != ContractDocument.State.READY:
            return None
        from django.urls import reverse

        url = reverse("api-contractdocument-download", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
