from django.contrib import admin

from pintu.core.admin_site import RegencyAdminReadOnly
from pintu.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(RegencyAdminReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "provider"]
    list_filter = ["channel", "status", "provider"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [f.name for f in Notification._meta.fields]
