from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "pintu.feedback"
    label = "feedback"
    verbose_name = "Survei dan pengaduan"
