"""The kinds of report: what each is about, how it is built and printed, and who may read it."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    build: object  # build(params, *, user, progress) -> dict
    template: str
    #: what the report is about: "institution" (with a financial year), "oversight" or "contract"
    subject: str
    description: str = ""
    #: who may read a report of this kind that someone else asked for: ``readers(user)`` gives the ids
    #: (a subquery) of the institutions where ``user`` may read everything such a report can hold.
    #: None: everyone who sees the report's institution (``GeneratedReport.objects.readable_by``).
    readers: object = None


REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    REGISTRY[kind.key] = kind
    return kind


def get(key) -> Kind:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError(_("There is no report called “%(kind)s”.") % {"kind": key}) from None


def choices():
    return [(k.key, k.label) for k in REGISTRY.values()]
