"""Field helpers shared by the village finance models."""

from django.db import models


def Money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=0, default=0, **kwargs)
