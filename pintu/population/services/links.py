"""Citizen links: a citizen account asks to be linked to its resident record, and the village
office verifies or rejects the request."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import Conflict, PermissionDenied, ValidationFailed
from pintu.population import policies
from pintu.population.constants import (
    LinkStatus,
    ResidentStatus,
)
from pintu.population.models import (
    Resident,
    ResidentLink,
)
from pintu.population.validation import clean_number

LINK_MISMATCH = _(
    "Data tidak cocok dengan penduduk mana pun yang terdaftar. Periksa NIK, nomor KK dan tanggal lahir "
    "seperti tertulis di KK, atau datang ke kantor desa."
)


@transaction.atomic
def resident_link_request(*, actor, nik: str, kk_number: str, birth_date: dt.date) -> ResidentLink:
    """A citizen account asks to be linked to its resident record. The three must match one
    living resident; the message on a mismatch never says which part failed."""
    if actor is None or not principal_for(actor).is_citizen:
        raise PermissionDenied(_("Hanya akun warga yang dapat menautkan data kependudukan."))
    nik, kk = clean_number(nik), clean_number(kk_number)
    resident = (
        Resident.objects.filter(
            nik=nik, family__kk_number=kk, birth_date=birth_date, status=ResidentStatus.ALIVE
        ).first()
        if nik and kk and birth_date
        else None
    )
    if resident is None:
        raise ValidationFailed(LINK_MISMATCH, code="population.link_mismatch")
    if ResidentLink.objects.filter(user=actor, status=LinkStatus.VERIFIED).exists():
        raise Conflict(_("Akun Anda sudah tertaut ke data penduduk."), code="population.link_exists")
    existing = ResidentLink.objects.filter(user=actor, resident=resident, status=LinkStatus.PENDING).first()
    if existing is not None:
        return existing
    link = ResidentLink.objects.create(user=actor, resident=resident)
    audit_record(actor=actor, verb="population.link_request", obj=link, changes={"resident": resident.pk})
    return link


def _decide(actor, link: ResidentLink) -> ResidentLink:
    link = ResidentLink.objects.select_for_update().select_related("resident").get(pk=link.pk)
    if actor is None or not policies.can_edit(principal_for(actor), link.resident.village_id):
        raise PermissionDenied(_("Hanya perangkat desa penduduk ini yang dapat memverifikasi tautan akun."))
    if link.status != LinkStatus.PENDING:
        raise Conflict(_("Permintaan ini sudah diputuskan."), code="population.link_decided")
    return link


@transaction.atomic
def resident_link_verify(*, actor, link: ResidentLink) -> ResidentLink:
    link = _decide(actor, link)
    link.status, link.decided_by, link.decided_at = LinkStatus.VERIFIED, actor, timezone.now()
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise Conflict(_("Akun ini sudah tertaut ke penduduk lain."), code="population.link_exists") from exc
    audit_record(actor=actor, verb="population.link_verify", obj=link, changes={"resident": link.resident_id})
    return link


@transaction.atomic
def resident_link_reject(*, actor, link: ResidentLink, reason: str) -> ResidentLink:
    link = _decide(actor, link)
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Tulis alasan penolakan agar warga tahu apa yang harus diperbaiki."),
            fields={"reason": [_("Wajib diisi.")]},
        )
    link.status, link.decided_by, link.decided_at, link.reason = (
        LinkStatus.REJECTED,
        actor,
        timezone.now(),
        reason.strip()[:255],
    )
    link.save()
    audit_record(actor=actor, verb="population.link_reject", obj=link, changes={"reason": link.reason})
    return link
