from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "pintu.population"
    label = "population"
    verbose_name = "Kependudukan"
