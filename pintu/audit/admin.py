from django.contrib import admin

from pintu.audit.models import AuditEntry
from pintu.core.admin_site import RegencyAdminReadOnly


@admin.register(AuditEntry)
class AuditEntryAdmin(RegencyAdminReadOnly, admin.ModelAdmin):
    list_display = ["at", "actor_label", "verb", "object_type", "object_id", "object_label"]
    list_filter = ["verb", "object_type"]
    search_fields = ["object_id", "actor_label", "object_label"]
    date_hierarchy = "at"
    show_full_result_count = False
