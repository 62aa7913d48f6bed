"""Surat desa demo: jenis surat, pengaturan Tamansari, surat terbit dan permintaan warga demo."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pintu.accounts.models import User
from pintu.letters import services
from pintu.letters.models import Letter, LetterRequest, LetterType, VillageLetterSettings
from pintu.regions.models import OrgUnit

DEMO_OFFICE = "DESA-35.10.24.2008"
NUMBER_FORMAT = "[kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]"
SECRETARY = ("sekdes.tamansari", "Wahyu Prasetyo")
CITIZEN_EMAIL = "warga@pintu.demo"

# (type slug, extra fields, purpose) issued at the counter for the first residents of Tamansari.
COUNTER = [
    ("surat-keterangan-domisili", {"tinggal_sejak": 2008}, "Persyaratan melamar pekerjaan"),
    (
        "surat-keterangan-usaha",
        {
            "nama_usaha": "Kopi Lerek Ijen",
            "jenis_usaha": "Pengolahan kopi bubuk",
            "alamat_usaha": "Dusun Krajan",
            "usaha_sejak": 2017,
        },
        "Pengajuan Kredit Usaha Rakyat",
    ),
    (
        "surat-keterangan-kurang-mampu",
        {"penghasilan_keluarga": 1100000, "jumlah_tanggungan": 4},
        "Pendaftaran beasiswa anak",
    ),
    ("surat-pengantar-surat-keterangan-catatan-kepolisian", {}, "Melamar pekerjaan"),
    (
        "surat-pengantar-ktp-kk",
        {"jenis_permohonan": "KK baru", "alasan": "Pisah KK setelah menikah"},
        "Pengurusan KK",
    ),
    (
        "surat-pengantar-laporan-kehilangan",
        {
            "barang_hilang": "STNK sepeda motor",
            "tempat_hilang": "Pasar Licin",
            "tanggal_hilang": "2026-10-02",
        },
        "Laporan ke Polsek Licin",
    ),
]


def _secretary(office: OrgUnit) -> User:
    from pintu.accounts.constants import Role
    from pintu.accounts.services import role_assign, staff_user_create

    username, full_name = SECRETARY
    user = User.objects.filter(username=username).first()
    if user is None:
        user = staff_user_create(
            actor=None, username=username, full_name=full_name, email=f"{username}@pintu.demo"
        )
        head = User.objects.filter(username="kades.tamansari").only("password").first()
        if head is not None:  # same demo password as the other accounts, without hashing again
            User.objects.filter(pk=user.pk).update(password=head.password)
        role_assign(actor=None, user=user, role=Role.VILLAGE_SECRETARY, org_unit=office)
    return user


def seed_demo(*, stdout) -> None:
    """Surat desa demo: jenis surat, pengaturan Tamansari, surat terbit dan permintaan warga demo."""
    from pintu.population.models import Resident
    from pintu.population.selectors import linked_resident_for

    created = services.letter_types_seed()
    stdout.write(f"  {created} jenis surat baru ({LetterType.objects.count()} seluruhnya)\n")
    office = OrgUnit.objects.select_related("village").filter(code=DEMO_OFFICE).first()
    head = User.objects.filter(username="kades.tamansari").first()
    operator = User.objects.filter(username="operator.tamansari").first()
    if office is None or head is None or operator is None:
        stdout.write("  Tamansari atau akunnya belum ada; surat demo dilewati.\n")
        return
    secretary = _secretary(office)
    if not VillageLetterSettings.objects.filter(office=office).exists():
        services.village_letter_settings_update(
            actor=head,
            office=office,
            number_format=NUMBER_FORMAT,
            sequence_scope="village",
            head_name=head.full_name,
            secretary_name=secretary.full_name,
        )
        domisili = LetterType.objects.get(slug="surat-keterangan-domisili")
        services.village_letter_types_set(
            actor=head, office=office, enabled={}, signers={domisili.pk: "secretary"}
        )
    if Letter.objects.filter(office=office).exists():
        stdout.write("  surat demo sudah ada; dilewati\n")
        return
    residents = list(Resident.objects.filter(village=office.village, status=1).order_by("pk")[: len(COUNTER)])
    citizen = User.objects.filter(email=CITIZEN_EMAIL).first()
    linked = linked_resident_for(citizen) if citizen else None
    types = {t.slug: t for t in LetterType.objects.filter(slug__in=[c[0] for c in COUNTER])}
    today = timezone.localdate()
    for index, (resident, (slug, fields, purpose)) in enumerate(zip(residents, COUNTER, strict=False)):
        services.letter_issue(
            actor=operator if index % 2 == 0 else head,
            village_office=office,
            letter_type=types[slug],
            resident=resident,
            fields=fields,
            purpose=purpose,
            today=today - dt.timedelta(days=len(COUNTER) - index),
        )
    made = len(residents)
    if linked is not None and not LetterRequest.objects.filter(requested_by=citizen).exists():
        domisili = LetterType.objects.get(slug="surat-keterangan-domisili")
        usaha = LetterType.objects.get(slug="surat-keterangan-usaha")
        done = services.letter_request_create(
            actor=citizen, letter_type=domisili, purpose="Pendaftaran sekolah anak", fields={}
        )
        services.letter_request_check(actor=operator, request=done)
        services.letter_request_approve(actor=secretary, request=done)
        waiting = services.letter_request_create(
            actor=citizen,
            letter_type=usaha,
            purpose="Pengajuan Kredit Usaha Rakyat",
            fields={
                "nama_usaha": "Warung Bu Siti",
                "jenis_usaha": "Warung makan",
                "alamat_usaha": "Dusun Krajan",
                "usaha_sejak": 2020,
            },
        )
        services.letter_request_check(actor=operator, request=waiting)
        services.letter_request_create(
            actor=citizen,
            letter_type=LetterType.objects.get(slug="surat-pengantar-surat-keterangan-catatan-kepolisian"),
            purpose="Melamar pekerjaan",
            fields={},
        )
        made += 1
        stdout.write("  warga demo: 1 surat terbit, 1 menunggu tanda tangan, 1 menunggu pemeriksaan\n")
    elif linked is None:
        stdout.write("  warga demo belum tertaut ke data penduduk; permintaan surat demo dilewati\n")
    stdout.write(f"  {made} surat terbit di Tamansari\n")
