"""Realistic demo data for Kabupaten Banyuwangi, created only through the service functions.

Everything here is idempotent: ``demo_setup`` may be run again on the same database.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from faker import Faker

from pintu.accounts.constants import Role
from pintu.accounts.models import User
from pintu.accounts.services import citizen_register, role_assign, staff_user_create
from pintu.cases import services as case_services
from pintu.cases.constants import CaseStatus
from pintu.cases.models import Case
from pintu.catalog.constants import FieldKind, StepKind
from pintu.catalog.importer import load_catalogue_file
from pintu.catalog.models import Service
from pintu.catalog.selectors import version_with_details
from pintu.core.calendar import WorkCalendar
from pintu.demo.pdf import simple_pdf, simple_png
from pintu.regions.constants import OrgUnitKind
from pintu.regions.models import OrgUnit, Village
from pintu.regions.selectors import deployment_regency
from pintu.regions.services import org_unit_create, org_units_ensure_for_regency, regions_load_reference

DEMO_PASSWORD = "pintu-demo-2026"  # noqa: S105 - documented demo password
CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.yaml"
DEMO_VILLAGE = "35.10.24.2008"  # Desa Tamansari, Kecamatan Licin (Smart Kampung in the seed article)
DEMO_DISTRICT = "35.10.24"
OTHER_VILLAGES = [  # a village in several kecamatan, each with an operator, so cases come from all over
    "35.10.15.2006",  # Kemiren, Glagah
    "35.10.09.2001",  # Genteng
    "35.10.05.2001",  # Muncar
    "35.10.13.2001",  # Rogojampi
    "35.10.02.2001",  # Bangorejo
    "35.10.11.2001",  # Kalibaru
]
CITIZEN_EMAIL = "warga@pintu.demo"

# (username, full name, role, org unit code) — the accounts the README lists.
MAIN_ACCOUNTS = [
    ("operator.tamansari", "Rudi Hartono", Role.VILLAGE_OPERATOR, f"DESA-{DEMO_VILLAGE}"),
    ("kades.tamansari", "Sumiati", Role.VILLAGE_HEAD, f"DESA-{DEMO_VILLAGE}"),
    ("camat.licin", "Bambang Sutrisno", Role.DISTRICT_OFFICER, f"KEC-{DEMO_DISTRICT}"),
    ("fo.dispendukcapil", "Dewi Lestari", Role.AGENCY_FRONT_OFFICE, "DISPENDUKCAPIL"),
    ("verifikator.dispendukcapil", "Agus Setiawan", Role.AGENCY_VERIFIER, "DISPENDUKCAPIL"),
    ("pejabat.dispendukcapil", "Hendro Wibowo", Role.AGENCY_APPROVER, "DISPENDUKCAPIL"),
    ("admin.kabupaten", "Admin Pemkab Banyuwangi", Role.REGENCY_ADMIN, "PEMKAB-35.10"),
]


@contextmanager
def clock(moment: dt.datetime):
    """Run services as if it were ``moment`` (demo history only)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _staff(username: str, full_name: str, password_hash: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = staff_user_create(
            actor=None, username=username, full_name=full_name, email=f"{username}@pintu.demo"
        )
        # One shared hash for every demo account: hashing dozens of passwords would take minutes.
        User.objects.filter(pk=user.pk).update(password=password_hash)
    return user


@transaction.atomic
def setup_reference_and_catalogue(stdout=None) -> None:
    if not Village.objects.filter(code=DEMO_VILLAGE).exists():
        regions_load_reference()
    regency = deployment_regency()
    org_units_ensure_for_regency(regency_code=regency.code)
    load_catalogue_file(CATALOGUE_FILE)
    if not OrgUnit.objects.filter(code="MPP-BANYUWANGI").exists():
        org_unit_create(
            actor=None,
            kind=OrgUnitKind.MPP_SITE,
            code="MPP-BANYUWANGI",
            name="Mal Pelayanan Publik Kabupaten Banyuwangi",
            short_name="MPP Banyuwangi",
            regency=regency,
            address="Jl. Jenderal Ahmad Yani No. 100, Taman Sritanjung, Banyuwangi",
        )


@transaction.atomic
def setup_accounts() -> dict:
    password_hash = make_password(DEMO_PASSWORD)
    units = {
        u.code: u
        for u in OrgUnit.objects.filter(kind__in=[OrgUnitKind.AGENCY, OrgUnitKind.REGENCY_GOVERNMENT])
    }
    for username, full_name, role, unit_code in MAIN_ACCOUNTS:
        unit = units.get(unit_code) or OrgUnit.objects.get(code=unit_code)
        role_assign(actor=None, user=_staff(username, full_name, password_hash), role=role, org_unit=unit)
    fake = Faker("id_ID")
    fake.seed_instance(2017)
    for unit in OrgUnit.objects.filter(kind=OrgUnitKind.AGENCY).exclude(code="DISPENDUKCAPIL"):
        slug = unit.code.lower()
        for prefix, role in (
            ("fo", Role.AGENCY_FRONT_OFFICE),
            ("verifikator", Role.AGENCY_VERIFIER),
            ("pejabat", Role.AGENCY_APPROVER),
        ):
            user = _staff(f"{prefix}.{slug}", fake.name(), password_hash)
            role_assign(actor=None, user=user, role=role, org_unit=unit)
    for code in OTHER_VILLAGES:
        village_unit = OrgUnit.objects.select_related("village", "district").get(code=f"DESA-{code}")
        slug = village_unit.village.name.lower().replace(" ", "")
        role_assign(
            actor=None,
            user=_staff(f"operator.{slug}", fake.name(), password_hash),
            role=Role.VILLAGE_OPERATOR,
            org_unit=village_unit,
        )
        role_assign(
            actor=None,
            user=_staff(f"kades.{slug}", fake.name(), password_hash),
            role=Role.VILLAGE_HEAD,
            org_unit=village_unit,
        )
        district_unit = OrgUnit.objects.get(code=f"KEC-{village_unit.district.code}")
        district_slug = village_unit.district.name.lower().replace(" ", "")
        role_assign(
            actor=None,
            user=_staff(f"camat.{district_slug}", fake.name(), password_hash),
            role=Role.DISTRICT_OFFICER,
            org_unit=district_unit,
        )
    citizen = User.objects.filter(email__iexact=CITIZEN_EMAIL).first()
    if citizen is None:
        citizen = citizen_register(
            full_name="Siti Aminah",
            email=CITIZEN_EMAIL,
            phone="081234567890",
            password=DEMO_PASSWORD,
            nik="3510245203900001",
            village=Village.objects.get(code=DEMO_VILLAGE),
        )
        User.objects.filter(pk=citizen.pk).update(address="Dusun Krajan RT 002 RW 001")
    return {"citizen": citizen}


# --- sample cases ---------------------------------------------------------------------------------


def _nik(rng: random.Random, district_code: str, female: bool) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))
    day = birth.day + (40 if female else 0)
    return (
        district_code.replace(".", "")
        + f"{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"
    )


def _form_value(field, rng: random.Random, fake: Faker, district_code: str):
    key = field.key
    if field.kind == FieldKind.CHOICE:
        return rng.choice(field.choices)
    if field.kind == FieldKind.DATE:
        return (timezone.localdate() - dt.timedelta(days=rng.randint(20, 4000))).isoformat()
    if field.kind == FieldKind.NUMBER:
        return str(rng.randint(1, 4)) if "order" in key or "ke" in key else str(rng.randint(1, 250))
    if field.kind == FieldKind.NIK:
        return _nik(rng, district_code, rng.random() < 0.5)
    if field.kind == FieldKind.KK_NUMBER:
        return (
            district_code.replace(".", "")
            + f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(5, 24):02d}{rng.randint(1, 9999):04d}"
        )
    if field.kind == FieldKind.PHONE:
        return f"08{rng.randint(11, 59)}{rng.randint(10000000, 99999999)}"
    if field.kind == FieldKind.EMAIL:
        return fake.free_email()
    if field.kind == FieldKind.CHECKBOX:
        return True
    if field.kind == FieldKind.TEXTAREA:
        return fake.sentence(nb_words=12)
    if "number" in key or "nomor" in key:
        value = str(rng.randint(10**10, 10**11 - 1))
    elif "name" in key or "nama" in key:
        value = fake.name()
    elif "address" in key or "alamat" in key:
        value = fake.street_address()
    elif "place" in key or "tempat" in key:
        value = "Banyuwangi"
    else:
        value = fake.word().capitalize() + " " + fake.word()
    return value[: field.max_length] if field.max_length else value


def _documents(version, case_label: str) -> dict:
    files = {}
    for requirement in version.document_requirements.all():
        doc_type = requirement.document_type
        if not requirement.required:
            continue
        if "pdf" in doc_type.formats:
            content = simple_pdf([f"Contoh dokumen demo: {doc_type.name}", case_label], title=doc_type.name)
            files[doc_type.code] = ContentFile(content, name=f"{doc_type.code.lower()}.pdf")
        else:
            files[doc_type.code] = ContentFile(simple_png(), name=f"{doc_type.code.lower()}.png")
    return files


def _working_moment(
    calendar, today: dt.date, days_back: int, rng: random.Random, now: dt.datetime
) -> dt.datetime:
    """Office hours (08:00–14:59 local) on the working day ``days_back`` working days before today."""
    day = today
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    for _ in range(days_back):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 14), rng.randint(0, 59))))
    return min(moment, now - dt.timedelta(minutes=rng.randint(10, 90)))


def _next_moment(moment: dt.datetime, rng: random.Random, now: dt.datetime) -> dt.datetime:
    later = moment + dt.timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
    return min(later, now - dt.timedelta(minutes=rng.randint(5, 120)))


def generate_cases(count: int, *, seed: int = 35, stdout=None) -> int:
    """Submit ``count`` realistic cases and move them along their workflows at past times."""
    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    now = timezone.now()
    services = list(Service.objects.filter(published_version__isnull=False).select_related("agency__regency"))
    versions = {s.pk: version_with_details(s.published_version_id) for s in services}
    grants = {}
    from pintu.accounts.models import RoleAssignment

    for assignment in RoleAssignment.objects.filter(revoked_at__isnull=True).select_related(
        "user", "org_unit"
    ):
        grants.setdefault((assignment.role, assignment.org_unit_id), assignment.user)
    village_units = list(
        OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE_OFFICE, role_assignments__role=Role.VILLAGE_OPERATOR)
        .select_related("village", "district")
        .distinct()
    )
    citizen = User.objects.get(email__iexact=CITIZEN_EMAIL)
    calendar = WorkCalendar()
    created = 0
    for index in range(count):
        service = rng.choice(services)
        version = versions[service.pk]
        roll = rng.random()
        # Most open work is recent; older cases have mostly been finished (driven to the end below).
        finish = rng.random() < 0.55
        recent = rng.random() < 0.85
        working_days_ago = rng.randint(4, 40) if finish else (0 if recent else rng.randint(1, 6))
        submitted = _working_moment(calendar, timezone.localdate(now), working_days_ago, rng, now)
        if roll < 0.12 and index % 3 == 0:
            actor, unit, applicant = citizen, None, None
            district_code = DEMO_DISTRICT
        elif roll < 0.75 or service.starts_at_village:
            unit = rng.choice(village_units)
            actor = grants[(Role.VILLAGE_OPERATOR, unit.pk)]
            district_code = unit.district.code
            female = rng.random() < 0.52
            applicant = case_services.ApplicantData(
                name=fake.name_female() if female else fake.name_male(),
                nik=_nik(rng, district_code, female),
                phone=f"08{rng.randint(11, 59)}{rng.randint(10000000, 99999999)}",
                address=f"Dusun {fake.last_name()} RT {rng.randint(1, 9):03d} RW {rng.randint(1, 6):03d}",
                village_id=unit.village_id,
            )
        else:
            unit = service.agency
            actor = grants.get((Role.AGENCY_FRONT_OFFICE, unit.pk))
            if actor is None:
                continue
            district_code = rng.choice(village_units).district.code
            female = rng.random() < 0.5
            applicant = case_services.ApplicantData(
                name=fake.name_female() if female else fake.name_male(),
                nik=_nik(rng, district_code, female),
                phone=f"08{rng.randint(11, 59)}{rng.randint(10000000, 99999999)}",
                address=fake.street_address(),
                village_id=rng.choice(village_units).village_id,
            )
        form_data = {f.key: _form_value(f, rng, fake, district_code) for f in version.form_fields.all()}
        with clock(submitted):
            try:
                case, _ = case_services.case_submit(
                    actor=actor,
                    service=service,
                    form_data=form_data,
                    documents=_documents(version, f"{service.name} #{index}"),
                    applicant=applicant,
                    submission_key=f"demo-{seed}-{index}",
                    on_behalf_unit_id=unit.pk
                    if unit is not None and unit.kind == OrgUnitKind.VILLAGE_OFFICE
                    else None,
                )
            except Exception as exc:
                if stdout:
                    stdout.write(f"  melewati contoh {service.code}: {exc} {getattr(exc, 'fields', '')}")
                continue
        created += 1
        _advance(case, rng, grants, submitted, now, actor, finish=finish)
        if stdout and (index + 1) % 25 == 0:
            stdout.write(f"  {index + 1}/{count} permohonan…")
    return created


def _advance(
    case: Case,
    rng: random.Random,
    grants: dict,
    moment: dt.datetime,
    now: dt.datetime,
    applicant_actor,
    *,
    finish: bool,
) -> None:
    """Walk a case forward as the right officers: to the end, or a few actions for open work."""
    budget = 30 if finish else (0 if rng.random() < 0.2 else rng.randint(1, 4))
    for _ in range(budget):
        case.refresh_from_db()
        moment = _next_moment(moment, rng, now)
        if moment <= case.submitted_at:
            return
        step = case.current_step
        with clock(moment):
            if case.status == CaseStatus.RETURNED:
                if not finish and rng.random() < 0.5:
                    return
                case_services.case_resubmit(
                    actor=applicant_actor, case=case, note="Dokumen sudah dilengkapi."
                )
                continue
            if case.status == CaseStatus.READY_FOR_HANDOVER:
                officer = grants.get((Role.VILLAGE_OPERATOR, case.current_owner_id))
                if officer and (finish or rng.random() < 0.3):
                    case_services.case_hand_over(
                        actor=officer, case=case, note="Diterima langsung oleh pemohon."
                    )
                return
            if step is None or case.status not in (CaseStatus.IN_PROGRESS, CaseStatus.VERIFIED):
                return
            officer = grants.get((step.role, case.current_owner_id))
            if officer is None:
                return
            dice = rng.random()
            if dice < 0.05 and step.kind != StepKind.ISSUANCE:
                case_services.case_return(
                    actor=officer,
                    case=case,
                    note=rng.choice(
                        [
                            "Foto KTP-el buram; unggah ulang pindaian yang jelas.",
                            "Nama pada surat keterangan berbeda dengan KK; mohon surat keterangan yang sesuai.",
                            "Lampirkan halaman KK yang memuat nama pemohon.",
                        ]
                    ),
                )
                continue
            if dice < 0.07 and step.kind != StepKind.ISSUANCE:
                case_services.case_reject(
                    actor=officer,
                    case=case,
                    note="Pemohon sudah tercatat memiliki dokumen yang sama (duplikasi data).",
                )
                return
            if step.kind == StepKind.REVIEW:
                if case.status == CaseStatus.IN_PROGRESS:
                    case_services.case_verify(actor=officer, case=case)
                else:
                    case_services.case_forward(actor=officer, case=case)
            elif step.kind == StepKind.APPROVAL:
                case_services.case_approve(actor=officer, case=case)
            else:
                case_services.case_issue(actor=officer, case=case, note="Dokumen diterbitkan.")


def demo_ready() -> bool:
    return Case.objects.filter(submission_key__startswith="demo-").exists()
