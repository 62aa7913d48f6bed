from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pintu.accounts"
    label = "accounts"
    verbose_name = "Akun dan peran"
