from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "pintu.letters"
    label = "letters"
    verbose_name = "Surat desa"
