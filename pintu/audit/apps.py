from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pintu.audit"
    label = "audit"
    verbose_name = "Jejak audit"
