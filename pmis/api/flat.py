"""A flat ModelSerializer's representation as a plain function, built once per process.

DRF's ``Serializer.to_representation`` walks its fields through ``get_attribute`` (dotted sources,
callables, ``PKOnlyObject`` wrappers) for every field of every instance: for a ten-target plan that
machinery cost more than the three queries behind it. A flat serializer (each field one model
attribute, relations as primary keys) needs none of it; ``flat(serializer)`` reads each attribute
directly and converts it with the field's own ``to_representation``, so the JSON is the serializer's.
Anything not flat is refused when the function is built, not silently rendered differently.
"""

from rest_framework import serializers

NOT_FLAT = (serializers.BaseSerializer, serializers.SerializerMethodField, serializers.HiddenField,
            serializers.ManyRelatedField)


def flat(serializer):
    """``fn(instance) -> dict`` giving what ``serializer.to_representation(instance)`` gives."""
    model = serializer.Meta.model
    name = type(serializer).__name__
    if type(serializer).to_representation is not serializers.Serializer.to_representation:
        raise ValueError(f"{name} renders itself (to_representation): not flat")
    plan = []
    for field in serializer._readable_fields:
        if (field.source == "*" or "." in field.source or isinstance(field, NOT_FLAT)
                # reads its value its own way, or the value is a method DRF would call
                or type(field).get_attribute not in (serializers.Field.get_attribute,
                                                     serializers.RelatedField.get_attribute)
                or callable(getattr(model, field.source, None))):
            raise ValueError(f"{name}.{field.field_name} is not a flat field")
        if isinstance(field, serializers.PrimaryKeyRelatedField) and field.pk_field is None:
            # The id the row holds is the representation (DRF reads it the same way, unloaded).
            plan.append((field.field_name, model._meta.get_field(field.source).attname, None))
        elif isinstance(field, serializers.RelatedField):
            raise ValueError(f"{name}.{field.field_name} is not a flat field")
        else:
            plan.append((field.field_name, field.source, field.to_representation))
    plan = tuple(plan)

    def represent(instance):
        out = {}
        for name, attribute, convert in plan:
            value = getattr(instance, attribute)
            out[name] = value if value is None or convert is None else convert(value)
        return out

    return represent
