"""Shared fixtures: a small Banyuwangi (two kecamatan, four villages), agencies, a published
catalogue and one account per role. Everything is created through the services."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from pintu.accounts.constants import Role
from pintu.accounts.services import role_assign
from pintu.catalog.services import document_type_upsert, service_define
from pintu.core.ttlcache import clear_all
from pintu.regions.constants import AgencyKind
from pintu.regions.models import District, OrgUnit, Province, Regency, Village
from pintu.regions.services import agency_upsert, org_units_ensure_for_regency
from tests.factories import UserFactory, make_nik, pdf_file, png_file

STANDARD = {
    "requirements": "1. KTP-el\n2. KK",
    "procedure": "1. Ajukan\n2. Diverifikasi\n3. Diterbitkan",
    "time_limit_days": 10,
    "fee": 0,
    "fee_note": "Tidak dipungut biaya",
    "product": "Dokumen",
    "legal_basis": "UU 25/2009",
    "complaints_channel": "SP4N-LAPOR!",
}

AGENCY_STEPS = [
    {
        "name": "Penerimaan berkas",
        "owner": "service_agency",
        "role": "agency_front_office",
        "kind": "review",
        "sla_days": 1,
    },
    {
        "name": "Verifikasi data",
        "owner": "service_agency",
        "role": "agency_verifier",
        "kind": "review",
        "sla_days": 2,
    },
    {
        "name": "Persetujuan",
        "owner": "service_agency",
        "role": "agency_approver",
        "kind": "approval",
        "sla_days": 2,
    },
    {
        "name": "Penerbitan",
        "owner": "service_agency",
        "role": "agency_front_office",
        "kind": "issuance",
        "sla_days": 1,
    },
]
VILLAGE_STEPS = [
    {
        "name": "Pemeriksaan di desa",
        "owner": "applicant_village",
        "role": "village_operator",
        "kind": "review",
        "sla_days": 1,
    },
    {
        "name": "Rekomendasi camat",
        "owner": "applicant_district",
        "role": "district_officer",
        "kind": "approval",
        "sla_days": 1,
    },
    *AGENCY_STEPS[1:],
]


@dataclass
class World:
    regency: Regency
    district: District
    other_district: District
    village: Village
    other_village: Village
    far_village: Village  # another kecamatan
    village_office: OrgUnit
    other_village_office: OrgUnit
    district_office: OrgUnit
    other_district_office: OrgUnit
    agency: OrgUnit
    other_agency: OrgUnit
    regency_government: OrgUnit
    agency_service: object
    village_service: object
    other_service: object
    users: dict


def _define(agency, code, steps, *, documents=None, fields=None):
    definition = {
        "code": code,
        "name": f"Layanan {code}",
        "category": "Kependudukan",
        "summary": "Layanan uji",
        "keywords": ["uji"],
        "standard": STANDARD,
        "form_fields": fields
        if fields is not None
        else [
            {"key": "purpose", "label": "Keperluan", "kind": "text", "required": True},
            {"key": "event_date", "label": "Tanggal peristiwa", "kind": "date", "required": False},
        ],
        "documents": documents
        if documents is not None
        else [{"type": "KTP", "required": True}, {"type": "FOTO", "required": False}],
        "steps": steps,
    }
    service, _ = service_define(actor=None, agency=agency, definition=definition)
    return service


def build_world() -> World:
    province = Province.objects.create(code="35", name="Jawa Timur")
    regency = Regency.objects.create(
        code="35.10", province=province, name="Kabupaten Banyuwangi", kind="kabupaten"
    )
    licin = District.objects.create(code="35.10.24", regency=regency, name="Licin")
    glagah = District.objects.create(code="35.10.15", regency=regency, name="Glagah")
    tamansari = Village.objects.create(code="35.10.24.2008", district=licin, name="Tamansari", kind="desa")
    banjar = Village.objects.create(code="35.10.24.2001", district=licin, name="Banjar", kind="desa")
    kemiren = Village.objects.create(code="35.10.15.2006", district=glagah, name="Kemiren", kind="desa")
    # a village of another regency: no office in this deployment
    other_regency = Regency.objects.create(
        code="35.09", province=province, name="Kabupaten Jember", kind="kabupaten"
    )
    District.objects.create(code="35.09.01", regency=other_regency, name="Kencong")
    org_units_ensure_for_regency(regency_code="35.10")
    agency = agency_upsert(
        actor=None,
        code="DISPENDUKCAPIL",
        regency=regency,
        name="Dinas Kependudukan",
        short_name="Dispendukcapil",
        agency_kind=AgencyKind.OPD,
    )
    other_agency = agency_upsert(
        actor=None,
        code="POLRESTA",
        regency=regency,
        name="Polresta Banyuwangi",
        short_name="Polresta",
        agency_kind=AgencyKind.VERTICAL,
    )
    document_type_upsert(actor=None, code="KTP", name="KTP-el", formats=["pdf", "jpg", "png"], max_mb=2)
    document_type_upsert(actor=None, code="FOTO", name="Pas foto", formats=["jpg", "png"], max_mb=1)
    units = {u.code: u for u in OrgUnit.objects.all()}
    world = World(
        regency=regency,
        district=licin,
        other_district=glagah,
        village=tamansari,
        other_village=banjar,
        far_village=kemiren,
        village_office=units["DESA-35.10.24.2008"],
        other_village_office=units["DESA-35.10.24.2001"],
        district_office=units["KEC-35.10.24"],
        other_district_office=units["KEC-35.10.15"],
        agency=agency,
        other_agency=other_agency,
        regency_government=units["PEMKAB-35.10"],
        agency_service=_define(agency, "AGENCY-SVC", AGENCY_STEPS),
        village_service=_define(agency, "VILLAGE-SVC", VILLAGE_STEPS),
        other_service=_define(other_agency, "OTHER-SVC", AGENCY_STEPS),
        users={},
    )
    grants = {
        "village_operator": (Role.VILLAGE_OPERATOR, world.village_office),
        "village_head": (Role.VILLAGE_HEAD, world.village_office),
        "other_village_operator": (Role.VILLAGE_OPERATOR, world.other_village_office),
        "district_officer": (Role.DISTRICT_OFFICER, world.district_office),
        "other_district_officer": (Role.DISTRICT_OFFICER, world.other_district_office),
        "front_office": (Role.AGENCY_FRONT_OFFICE, agency),
        "verifier": (Role.AGENCY_VERIFIER, agency),
        "approver": (Role.AGENCY_APPROVER, agency),
        "other_front_office": (Role.AGENCY_FRONT_OFFICE, other_agency),
        "other_verifier": (Role.AGENCY_VERIFIER, other_agency),
        "regency_admin": (Role.REGENCY_ADMIN, world.regency_government),
    }
    for name, (role, unit) in grants.items():
        user = UserFactory(username=name, staff=True)
        role_assign(actor=None, user=user, role=role, org_unit=unit)
        world.users[name] = user
    world.users["citizen"] = UserFactory(
        username="citizen",
        full_name="Siti Aminah",
        phone="6281234567890",
        village=tamansari,
        nik=make_nik("35.10.24", female=True),
    )
    world.users["other_citizen"] = UserFactory(username="other_citizen", village=kemiren)
    world.users["staff_without_role"] = UserFactory(username="staff_without_role", staff=True)
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """English pages need the compiled catalogue; `make` builds it, plain `pytest` too."""
    from django.core.management import call_command

    call_command("compilemessages_py", verbosity=0)


@pytest.fixture(autouse=True)
def _isolation(settings, tmp_path):
    """Uploads go to a temporary folder; the cache (throttles) starts empty; fake gateway."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.PINTU_MESSAGE_GATEWAY = "fake"
    from pintu.notifications.gateways.fake import FakeGateway

    FakeGateway.outbox.clear()
    FakeGateway.fail_next = 0
    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()


@pytest.fixture
def docs():
    """Fresh upload files for the fixture services' documents."""

    def make(**extra):
        return {"KTP": pdf_file("ktp.pdf"), **extra}

    return make


@pytest.fixture
def photo():
    return png_file


def is_postgres() -> bool:
    return "postgres" in os.environ.get("DATABASE_URL", "")
