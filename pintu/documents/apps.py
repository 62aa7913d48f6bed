from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "pintu.documents"
    label = "documents"
    verbose_name = "Dokumen"
