from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import audit, twofactor
from .models import AuditEvent, FinancialYear, Institution, Officer, OrgUnit, RoleMembership


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits are recorded in the audit trail like any other write."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(request.user, "admin.change" if change else "admin.create", obj, before, audit.snapshot(obj))

    def delete_model(self, request, obj):
        before = audit.snapshot(obj)
        audit.record(request.user, "admin.delete", obj, before, None)
        super().delete_model(request, obj)


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin, GuardedModelAdmin):
    list_display = ["name", "kind", "oversight_parent", "fy_start_month"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin, TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ["name", "level", "institution"]
    list_filter = ["institution", "level"]


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin):
    list_display = ["__str__", "personal_number", "designation", "institution", "org_unit"]
    list_filter = ["institution"]
    search_fields = ["personal_number", "user__username", "user__last_name"]
    raw_id_fields = ["user", "supervisor", "org_unit"]


@admin.register(FinancialYear)
class FinancialYearAdmin(AuditedAdmin):
    list_display = ["name", "institution", "start_date", "end_date", "is_current"]
    list_filter = ["institution", "is_current"]


@admin.register(RoleMembership)
class RoleMembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "institution", "org_unit"]
    list_filter = ["role", "institution"]
    raw_id_fields = ["user", "org_unit"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail cannot be edited or deleted here."""

    list_display = ["seq", "institution", "created_at", "actor_name", "action", "object_repr"]
    list_filter = ["institution", "action"]
    search_fields = ["object_repr", "actor_name", "hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoSecondFactorTypedIn:
    """Nobody adds or edits a second factor in the admin: a key or backup code typed in here would skip
    the proof, the notice and the cooling-off that the Security page goes through. Secrets are never
    shown (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuthenticatorAdmin(NoSecondFactorTypedIn, TOTPDeviceAdmin):
    """Deleting someone's authenticator here is an administrator's reset: audited and emailed to them."""

    def delete_model(self, request, obj):
        with twofactor.quietly():
            super().delete_model(request, obj)
        if obj.confirmed:
            twofactor.record_removal(obj.user, request.user)

    def delete_queryset(self, request, queryset):
        removed = [device.user for device in queryset.filter(confirmed=True).select_related("user")]
        with twofactor.quietly():
            super().delete_queryset(request, queryset)
        for user in removed:
            twofactor.record_removal(user, request.user)


class BackupCodesAdmin(NoSecondFactorTypedIn, StaticDeviceAdmin):
    inlines = []  # the codes themselves are not shown either


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AuthenticatorAdmin)
admin.site.unregister(StaticDevice)
admin.site.register(StaticDevice, BackupCodesAdmin)
