from django.apps import AppConfig


class QueueingConfig(AppConfig):
    name = "pintu.queueing"
    label = "queueing"
    verbose_name = "Antrean"
