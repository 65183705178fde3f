from django.contrib import admin

from .models import CycleDeadline, Notification, Outbox, StageDefault, WorkItem


@admin.register(StageDefault)
class StageDefaultAdmin(admin.ModelAdmin):
    list_display = ["institution", "stage", "offset_days"]
    list_filter = ["institution"]
    readonly_fields = ["institution", "stage", "offset_days"]  # change through the default deadlines page

    def has_add_permission(self, request):
        return False


@admin.register(CycleDeadline)
class CycleDeadlineAdmin(admin.ModelAdmin):
    list_display = ["institution", "financial_year", "stage", "due_date", "overridden"]
    list_filter = ["stage", "overridden"]
    readonly_fields = ["institution", "financial_year", "stage", "due_date", "overridden"]

    def has_add_permission(self, request):
        return False


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["deadline", "recipient", "institution"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "kind", "title", "created_at", "read_at"]
    raw_id_fields = ["user", "outbox", "institution"]


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    """Read-only: items open and close with the cycle (notifications.inbox), never by hand."""

    list_display = ["id", "assignee", "kind", "title", "since", "due", "closed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["assignee", "institution"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
