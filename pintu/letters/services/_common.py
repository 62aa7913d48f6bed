"""Helpers the letters verbs share: only a village office configures, issues and numbers letters."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pintu.core.errors import ValidationFailed
from pintu.regions.models import OrgUnit


def _check_office(office: OrgUnit) -> None:
    if office.kind != "village_office" or office.village_id is None:
        raise ValidationFailed(
            _("Surat desa hanya diterbitkan oleh kantor desa/kelurahan."), code="letters.not_village_office"
        )
