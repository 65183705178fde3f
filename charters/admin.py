from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pmis import audit

from . import services
from .models import Charter, Complaint, ComplianceFeed, Service


class ServiceInline(admin.StackedInline):
    model = Service
    extra = 0
    fields = services.SERVICE_FIELDS

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or not obj.is_frozen)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_frozen)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_frozen)


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ["title_en", "institution", "version", "status", "published_at"]
    list_filter = ["status", "institution"]
    inlines = [ServiceInline]
    readonly_fields = ["version", "status", "published_at", "superseded_at"]
    fields = ["institution", *readonly_fields, *services.CHARTER_FIELDS]
    actions = ["publish_drafts", "copy_to_new_draft"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "institution"] + (services.CHARTER_FIELDS if obj.is_frozen else [])
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # A published version opens read-only.
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_frozen)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_frozen)

    def save_model(self, request, obj, form, change):
        if change:
            services.update_charter(request.user, obj, **{f: getattr(obj, f) for f in form.changed_data
                                                          if f in services.CHARTER_FIELDS})
        else:
            created = services.create_charter(request.user, obj.institution,
                                              **{f: getattr(obj, f) for f in services.CHARTER_FIELDS})
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for service in formset.deleted_objects:
            services.remove_service(request.user, service)
        for service in instances:
            fields = {f: getattr(service, f) for f in services.SERVICE_FIELDS}
            if service.pk:
                services.update_service(request.user, service, **fields)
            else:
                services.add_service(request.user, form.instance, **fields)

    @admin.action(description=_("Publish the selected drafts"))
    def publish_drafts(self, request, queryset):
        for charter in queryset.filter(status=Charter.Status.DRAFT):
            services.publish(request.user, charter)

    @admin.action(description=_("Copy the selected published charters to a new draft"))
    def copy_to_new_draft(self, request, queryset):
        for charter in queryset.exclude(status=Charter.Status.DRAFT):
            services.new_draft(request.user, charter)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name_en", "code", "charter", "standard_value", "standard_unit", "fee"]
    list_filter = ["institution", "standard_unit"]

    def has_add_permission(self, request):
        return False  # add services from their draft charter

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: staff handle complaints on the complaint pages, which keep the audit trail."""

    list_display = ["reference", "institution", "kind", "service", "status", "received_at", "due_at"]
    list_filter = ["status", "kind", "institution"]
    search_fields = ["reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplianceFeed)
class ComplianceFeedAdmin(admin.ModelAdmin):
    list_display = ["indicator", "institution", "service_code"]

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(ComplianceFeed.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(request.user, "charter.compliance_feed.save", obj, before, audit.snapshot(obj))
