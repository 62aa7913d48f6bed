from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "pintu.catalog"
    label = "catalog"
    verbose_name = "Katalog layanan"
