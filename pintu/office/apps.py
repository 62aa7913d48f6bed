from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "pintu.office"
    label = "office"
    verbose_name = "Kantor (petugas)"
