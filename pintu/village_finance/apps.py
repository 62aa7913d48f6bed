from django.apps import AppConfig


class VillageFinanceConfig(AppConfig):
    name = "pintu.village_finance"
    label = "village_finance"
    verbose_name = "Keuangan desa"
