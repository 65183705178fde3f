from django.contrib import admin

from pmis.admin import AuditedAdmin

from . import setup
from .models import InstitutionProfile, Profile


@admin.register(Profile)
class ProfileAdmin(AuditedAdmin):
    list_display = ["name", "code", "country", "perspective_kind", "weekly_log", "fy_start_month"]
    list_filter = ["country", "weekly_log"]


@admin.register(InstitutionProfile)
class InstitutionProfileAdmin(admin.ModelAdmin):
    list_display = ["institution", "profile", "chosen_at"]
    list_filter = ["profile"]
    raw_id_fields = ["institution"]

    def save_model(self, request, obj, form, change):
        # Choosing a profile also brings the institution's open years in line: the one function does both.
        chosen = setup.choose_profile(request.user, obj.institution, obj.profile)
        obj.pk = chosen.pk
