from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pintu.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"
