from django.contrib import admin

from pintu.core.admin_site import RegencyAdminOnly
from pintu.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(RegencyAdminOnly, admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "provider"]
    list_filter = ["channel", "status", "provider"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
