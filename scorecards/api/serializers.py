from rest_framework import serializers

from pmis.models import Institution

from ..models import Indicator, Perspective, StrategicObjective


class PerspectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Perspective
        fields = ["id", "institution", "financial_year", "kind", "code", "name", "weight", "order"]
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicObjective
        fields = ["id", "institution", "perspective", "name", "order"]
        read_only_fields = ["id", "institution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and hasattr(self, "initial_data"):
            self.fields["perspective"].queryset = Perspective.objects.visible_to(request.user)


class IndicatorSerializer(serializers.ModelSerializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.none())

    class Meta:
        model = Indicator
        fields = ["id", "institution", "name", "unit", "measurement_type", "direction"]
        read_only_fields = ["id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["institution"].queryset = Institution.objects.visible_to(request.user)
