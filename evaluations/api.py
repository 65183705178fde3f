"""Year-end evaluations over REST (read): each institution's evaluation and, once the reader may see it
(``rules.sees_result``: released, or the institution, its evaluators and the oversight body before), the
evaluated composite, grade, "not submitted" and the rewards and sanctions given with it."""

from django.urls import include, path
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from pmis.api.base import ScopedReadOnlyViewSet, scoped_urls

from . import rules
from .models import Evaluation


class EvaluationSerializer(serializers.ModelSerializer):
    result = serializers.SerializerMethodField(help_text=_("The evaluated result; null until you may see it."))

    class Meta:
        model = Evaluation
        fields = ["id", "institution", "contract", "financial_year", "year_start", "state", "due_date",
                  "signed_at", "released_on", "result"]
        read_only_fields = fields

    def get_result(self, evaluation) -> dict | None:
        if evaluation.state not in rules.RESULT_STATES or not rules.sees_result(self.context["request"].user,
                                                                                  evaluation):
            return None
        composite = evaluation.final_composite
        return {"composite": None if composite is None else f"{composite:.4f}", "grade": evaluation.final_grade,
                "not_submitted": evaluation.not_submitted,
                "moderated": evaluation.moderated_composite is not None,
                "moderation_reason": evaluation.moderation_reason,
                "perspectives": evaluation.summary,
                "consequences": [{"kind": c.kind, "label": str(c.get_kind_display()), "note": c.note}
                                 for c in evaluation.consequences.all()]}


class EvaluationViewSet(ScopedReadOnlyViewSet):
    queryset = (Evaluation.objects.select_related("institution").prefetch_related("consequences")
                .order_by("-year_start", "institution_id", "pk"))
    serializer_class = EvaluationSerializer


router = DefaultRouter()
router.include_root_view = False
router.register("evaluations", EvaluationViewSet, basename="api-evaluation")

urlpatterns = [path("", include(scoped_urls(router)))]
