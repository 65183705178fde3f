"""pmis.api.flat renders a flat serializer exactly as DRF does, and refuses anything it cannot."""

import pytest
from rest_framework import serializers

from contracts.api.serializers import ContractSerializer, PlanSerializer, PlanTargetSerializer, plan_targets
from contracts.models import PerformanceContract
from pmis.api.flat import flat


def test_a_flat_serializer_renders_as_drf_does(demo):
    contracts = list(PerformanceContract.objects.order_by("pk"))
    render = flat(ContractSerializer())
    assert [render(c) for c in contracts] == [ContractSerializer(c).data for c in contracts]
    render = flat(PlanTargetSerializer())
    rows = [t for c in contracts for t in plan_targets(c.pk)]
    assert rows and any(t.parent_id for t in rows) and any(t.actual is None for t in rows)
    assert [render(t) for t in rows] == [PlanTargetSerializer(t).data for t in rows]


def test_what_is_not_flat_is_refused():
    class Nested(ContractSerializer):
        institution_name = serializers.CharField(source="institution.name")

        class Meta(ContractSerializer.Meta):
            fields = [*ContractSerializer.Meta.fields, "institution_name"]

    class Calling(ContractSerializer):
        status_label = serializers.CharField(source="get_status_display")  # DRF would call it

        class Meta(ContractSerializer.Meta):
            fields = [*ContractSerializer.Meta.fields, "status_label"]

    class Rendering(ContractSerializer):
        def to_representation(self, instance):
            return {"id": instance.pk}

    for serializer in (PlanSerializer(), Nested(), Calling(), Rendering()):
        with pytest.raises(ValueError, match=r"not (a )?flat"):
            flat(serializer)
