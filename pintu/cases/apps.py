from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pintu.cases"
    label = "cases"
    verbose_name = "Permohonan"
