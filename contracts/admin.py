"""Contracts in the admin are for looking, not changing: every change goes through the workflow
functions, which check who acts and record the audit trail. Only a draft's targets may be edited
here (by administrators fixing data), and that edit goes through ``contracts.cycle.targets`` too."""

from django.contrib import admin

from .cycle import targets
from .models import (
    ContractTransition,
    ContractVersion,
    NegotiationRound,
    PerformanceContract,
    Signature,
    Target,
    VettingCheck,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["description", "perspective", "weight", "target_value", "actual"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PerformanceContract)
class PerformanceContractAdmin(ReadOnlyAdmin):
    list_display = ["title", "institution", "financial_year", "level", "status", "version"]
    list_filter = ["status", "level", "institution"]
    search_fields = ["title"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["description", "contract", "weight", "target_value"]
    list_filter = ["contract__status", "institution"]
    search_fields = ["description"]
    fields = ["description", "unit", "baseline", "target_value", "criteria_excellent", "criteria_very_good",
              "criteria_good", "criteria_fair", "criteria_poor", "weight", "budget_allocated", "activities"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Only a draft's targets; a vetted or signed one changes only by amendment.
        return obj is None or obj.contract.is_editable and not obj.contract.is_frozen

    def save_model(self, request, obj, form, change):
        targets.update_target(request.user, obj, **{name: form.cleaned_data[name] for name in form.changed_data})


for model in (ContractTransition, NegotiationRound, VettingCheck, ContractVersion, Signature):
    admin.site.register(model, ReadOnlyAdmin)
