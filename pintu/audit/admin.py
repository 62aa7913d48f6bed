from django.contrib import admin

from pintu.audit.models import AuditEntry
from pintu.core.admin_site import RegencyAdminOnly


@admin.register(AuditEntry)
class AuditEntryAdmin(RegencyAdminOnly, admin.ModelAdmin):
    list_display = ["at", "actor_label", "verb", "object_type", "object_id", "object_label"]
    list_filter = ["verb", "object_type"]
    search_fields = ["object_id", "actor_label", "object_label"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
