from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pintu.api"
    label = "api"
    verbose_name = "REST API"
