from django.urls import path  # noqa: F401

app_name = "village_finance"

urlpatterns: list = []
