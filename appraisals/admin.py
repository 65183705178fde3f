"""Appraisals in the admin are for looking: every change goes through ``appraisals.services``, which
checks who acts and writes the audit trail. The rewards-and-sanctions table may be edited here."""

from django.contrib import admin

from .models import (
    Appeal,
    Appraisal,
    AppraisalItem,
    ImprovementPlan,
    ModerationAdjustment,
    ModerationSession,
    OutcomeRule,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ItemInline(admin.TabularInline):
    model = AppraisalItem
    fields = ["target", "self_value", "supervisor_value", "agreed_value", "raw"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    list_display = ["officer", "financial_year", "institution", "status", "final_grade"]
    list_filter = ["status", "institution"]
    search_fields = ["officer__user__first_name", "officer__user__last_name", "officer__personal_number"]
    inlines = [ItemInline]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["appraisal", "filed_at", "hearing_date", "decision", "decision_due"]
    list_filter = ["decision"]


@admin.register(ModerationSession)
class ModerationSessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "opened_at", "closed_at"]


@admin.register(ModerationAdjustment)
class ModerationAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["appraisal", "from_grade", "to_grade", "adjusted_by", "adjusted_at"]


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "start_date", "end_date", "result"]


@admin.register(OutcomeRule)
class OutcomeRuleAdmin(admin.ModelAdmin):
    list_display = ["institution", "grade", "outcome", "note"]
    list_filter = ["institution", "outcome"]
