"""The regency admin's configuration console (Django admin writing through the services)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pintu.accounts.constants import AccountType, Role
from pintu.accounts.models import ApiToken, RoleAssignment, User
from pintu.accounts.services import api_token_authenticate
from pintu.audit.models import AuditEntry
from pintu.catalog.constants import VersionStatus
from pintu.catalog.models import DocumentType, Service, ServiceVersion
from pintu.catalog.services import (
    service_create,
    service_draft_set_documents,
    service_draft_set_form_fields,
    service_draft_set_steps,
    service_draft_update,
    service_version_publish,
)
from pintu.core.admin import ConsoleModelAdmin
from pintu.core.models import DayOff
from pintu.regions.models import District, OrgUnit, Province, Regency, Village

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-uji-2026"

STANDARD = {
    "requirements": "1. KTP-el\n2. KK",
    "procedure": "1. Ajukan\n2. Diperiksa\n3. Diterbitkan",
    "time_limit_days": "10",
    "fee": "0",
    "product": "Akta kelahiran",
    "legal_basis": "UU 24/2013",
    "complaints_channel": "SP4N-LAPOR!",
}
FIELDS = [
    {"key": "child_name", "label": "Nama anak", "kind": "text", "required": True},
    {"key": "birth_place", "label": "Tempat lahir", "kind": "choice", "choices": "Rumah\nPuskesmas"},
]
DOCUMENTS = [{"document_type": "KTP", "required": True}, {"document_type": "KK", "required": False}]
STEPS = [
    {
        "name": "Pemeriksaan di desa",
        "owner": "applicant_village",
        "role": "village_operator",
        "kind": "review",
        "sla_days": 1,
    },
    {
        "name": "Verifikasi",
        "owner": "service_agency",
        "role": "agency_verifier",
        "kind": "review",
        "sla_days": 1,
    },
    {
        "name": "Penerbitan",
        "owner": "service_agency",
        "role": "agency_front_office",
        "kind": "issuance",
        "sla_days": 1,
    },
]


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def place():
    province = Province.objects.create(code="35", name="Jawa Timur")
    regency = Regency.objects.create(
        code="35.10", province=province, name="Kabupaten Banyuwangi", kind="kabupaten"
    )
    district = District.objects.create(code="35.10.01", regency=regency, name="Pesanggaran")
    village = Village.objects.create(code="35.10.01.2001", district=district, name="Sarongan", kind="desa")
    other_village = Village.objects.create(
        code="35.10.01.2002", district=district, name="Kandangan", kind="desa"
    )
    unit = OrgUnit.objects.create
    return SimpleNamespace(
        regency=regency,
        district=district,
        village=village,
        other_village=other_village,
        pemkab=unit(
            kind="regency_government", code="PEMKAB-35.10", name="Pemkab Banyuwangi", regency=regency
        ),
        agency=unit(kind="agency", code="DISPENDUKCAPIL", name="Dispendukcapil", regency=regency),
        district_office=unit(
            kind="district_office",
            code="KEC-35.10.01",
            name="Kec. Pesanggaran",
            regency=regency,
            district=district,
        ),
        village_office=unit(
            kind="village_office",
            code="DESA-35.10.01.2001",
            name="Desa Sarongan",
            regency=regency,
            district=district,
            village=village,
        ),
        ktp=DocumentType.objects.create(code="KTP", name="KTP-el", formats=["pdf", "jpg"], max_mb=2),
        kk=DocumentType.objects.create(code="KK", name="Kartu Keluarga", formats=["pdf"], max_mb=2),
    )


def _user(username, account_type=AccountType.STAFF, **extra):
    return User.objects.create_user(username=username, password=PASSWORD, account_type=account_type, **extra)


@pytest.fixture
def regency_admin(place):
    user = _user("admin.kabupaten", full_name="Admin Pemkab", is_staff=True)
    RoleAssignment.objects.create(user=user, role=Role.REGENCY_ADMIN, org_unit=place.pemkab)
    return user


@pytest.fixture
def verifier(place):
    user = _user("verifikator", full_name="Budi Verifikator")
    RoleAssignment.objects.create(user=user, role=Role.AGENCY_VERIFIER, org_unit=place.agency)
    return user


@pytest.fixture
def console(client, regency_admin):
    client.force_login(regency_admin)
    return client


def _draft(place, code="AKTA-LAHIR", *, complete=False) -> ServiceVersion:
    service = service_create(
        actor=None, code=code, agency=place.agency, name=f"Layanan {code}", category="Kependudukan"
    )
    draft = service.versions.get()
    if complete:
        service_draft_update(actor=None, version=draft, **STANDARD)
        service_draft_set_form_fields(
            actor=None,
            version=draft,
            fields=[
                {**f, "choices": f.get("choices", "").split("\n") if f.get("choices") else []} for f in FIELDS
            ],
        )
        service_draft_set_documents(actor=None, version=draft, documents=DOCUMENTS)
        service_draft_set_steps(actor=None, version=draft, steps=STEPS)
    return draft


def _published(place, code="AKTA-LAHIR") -> ServiceVersion:
    return service_version_publish(actor=None, version=_draft(place, code, complete=True))


# --- helpers: the POST a browser would send ----------------------------------------------------


def _put(data, bound):
    value = bound.value()
    if isinstance(bound.field, forms.BooleanField):
        if value:
            data[bound.html_name] = "on"
    elif isinstance(value, list | tuple):
        data[bound.html_name] = [str(v) for v in value]
    else:
        data[bound.html_name] = "" if value is None else str(value)


def form_data(response) -> dict:
    """Everything the admin page would submit as it stands (main form and inlines)."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, form[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            _put(data, formset.management_form[name])
        for row in formset.forms:
            for name in row.fields:
                _put(data, row[name])
    return data


def set_rows(data, prefix, rows):
    """Replace the blank extra rows of inline ``prefix`` with ``rows`` (new rows)."""
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    for key in [k for k in data if re.match(rf"{prefix}-(\d+)-", k)]:
        if int(key.split("-")[1]) >= initial:
            del data[key]
    for offset, row in enumerate(rows):
        for name, value in row.items():
            if value is True:
                data[f"{prefix}-{initial + offset}-{name}"] = "on"
            elif value is not False:
                data[f"{prefix}-{initial + offset}-{name}"] = str(value)
    data[f"{prefix}-TOTAL_FORMS"] = str(initial + len(rows))
    return data


def version_url(version):
    return reverse("admin:catalog_serviceversion_change", args=[version.pk])


def verbs():
    return list(AuditEntry.objects.order_by("id").values_list("verb", flat=True))


# --- who may enter -----------------------------------------------------------------------------


def test_console_turns_away_everyone_but_the_regency_admin(client, place, verifier):
    superuser = User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.id")
    pages = ["/admin/", reverse("admin:catalog_service_changelist"), reverse("admin:accounts_user_add")]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    for user in (verifier, superuser):  # neither a role elsewhere nor Django's superuser flag opens it
        client.force_login(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(
        reverse("admin:catalog_service_add"),
        {"code": "X-1", "agency": place.agency.pk, "name": "Layanan X", "category": "Kependudukan"},
    )
    assert response.status_code == 302
    assert not Service.objects.exists()
    assert not AuditEntry.objects.exists()


def test_every_console_page_renders_for_the_regency_admin(console, place, regency_admin):
    version = _published(place)
    pintu_admins = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"core", "regions", "accounts", "catalog", "audit", "notifications"}
    ]
    assert {m._meta.model_name for m, _ in pintu_admins} >= {
        "orgunit",
        "village",
        "user",
        "roleassignment",
        "apitoken",
        "documenttype",
        "service",
        "serviceversion",
        "dayoff",
    }
    request = SimpleNamespace(user=regency_admin)
    for model, model_admin in pintu_admins:
        info = (model._meta.app_label, model._meta.model_name)
        assert console.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        if model_admin.has_add_permission(request):
            assert console.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
    for url in (
        reverse("admin:catalog_service_change", args=[version.service_id]),
        version_url(version),
        reverse("admin:regions_orgunit_change", args=[place.agency.pk]),
        reverse("admin:regions_village_change", args=[place.village.pk]),
        reverse("admin:accounts_user_change", args=[regency_admin.pk]),
        reverse("admin:accounts_roleassignment_change", args=[RoleAssignment.objects.first().pk]),
    ):
        assert console.get(url).status_code == 200, url


def test_every_writable_console_page_writes_through_services():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"core", "regions", "accounts", "catalog"}:
            continue
        request = SimpleNamespace(user=SimpleNamespace(is_active=True, is_authenticated=True))
        if isinstance(model_admin, ConsoleModelAdmin):
            assert type(model_admin).save_model is ConsoleModelAdmin.save_model
            assert type(model_admin).save_formset is ConsoleModelAdmin.save_formset
        else:  # reference data: browse only
            assert model._meta.app_label == "regions"
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_change_permission(request)


# --- the catalogue -----------------------------------------------------------------------------


def test_admin_creates_a_service_edits_its_draft_and_publishes_it(console, place):
    response = console.post(
        reverse("admin:catalog_service_add"),
        {
            "code": "akta-lahir",
            "agency": place.agency.pk,
            "name": "Akta Kelahiran",
            "category": "Kependudukan",
            "summary": "Pencatatan kelahiran",
            "keywords": "akta, lahir",
        },
    )
    service = Service.objects.get(code="AKTA-LAHIR")
    draft = service.versions.get()
    assert response.status_code == 302 and response["Location"] == version_url(draft)
    assert draft.status == VersionStatus.DRAFT and draft.number == 1

    page = console.get(version_url(draft))
    content = page.content.decode()
    assert "Alur harus memiliki minimal satu langkah." in content
    assert 'name="_publish"' in content

    data = form_data(page)
    data.update(STANDARD)
    set_rows(data, "form_fields", FIELDS)
    set_rows(
        data,
        "document_requirements",
        [{**d, "document_type": getattr(place, d["document_type"].lower()).pk} for d in DOCUMENTS],
    )
    set_rows(data, "steps", [{**s, "sla_days": 2} for s in STEPS])
    response = console.post(version_url(draft), {**data, "_continue": "1"})
    assert response.status_code == 302, response.context and response.context["errors"]

    draft.refresh_from_db()
    assert draft.requirements == STANDARD["requirements"] and draft.time_limit_days == 10
    assert list(draft.form_fields.values_list("position", "key", "choices")) == [
        (1, "child_name", []),
        (2, "birth_place", ["Rumah", "Puskesmas"]),
    ]
    assert list(draft.document_requirements.values_list("document_type__code", "required")) == [
        ("KTP", True),
        ("KK", False),
    ]
    assert list(draft.steps.values_list("position", "role", "sla_days")) == [
        (1, "village_operator", 2),
        (2, "agency_verifier", 2),
        (3, "agency_front_office", 2),
    ]
    assert verbs()[-4:] == [
        "service.draft_update",
        "service.draft_form",
        "service.draft_documents",
        "service.draft_steps",
    ]

    page = console.get(version_url(draft))
    assert "draf siap diterbitkan" in page.content.decode()
    response = console.post(version_url(draft), {**form_data(page), "_publish": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    service.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert service.published_version_id == draft.pk and service.starts_at_village is True
    assert AuditEntry.objects.filter(verb="service.publish", actor__username="admin.kabupaten").exists()

    content = console.get(version_url(draft)).content.decode()
    assert 'name="_save"' not in content and 'name="_publish"' not in content
    assert "Buat draf baru dari layanan ini" in content


def test_inline_rows_are_saved_in_position_order_minus_deleted(console, place):
    draft = _draft(place, complete=True)
    data = form_data(console.get(version_url(draft)))
    # steps: move "Verifikasi" before "Pemeriksaan di desa"; form fields: drop "birth_place"
    data["steps-0-position"], data["steps-1-position"] = "2", "1"
    data["form_fields-1-DELETE"] = "on"
    response = console.post(version_url(draft), data)
    assert response.status_code == 302
    assert list(draft.steps.values_list("position", "name")) == [
        (1, "Verifikasi"),
        (2, "Pemeriksaan di desa"),
        (3, "Penerbitan"),
    ]
    assert list(draft.form_fields.values_list("key", flat=True)) == ["child_name"]


def test_unchanged_inlines_are_not_rewritten(console, place):
    draft = _draft(place, complete=True)
    before = AuditEntry.objects.count()
    data = form_data(console.get(version_url(draft)))
    data["product"] = "Akta kelahiran dan KIA"
    assert console.post(version_url(draft), data).status_code == 302
    assert verbs()[before:] == ["service.draft_update"]


def test_a_refused_inline_shows_the_error_on_its_row_and_saves_nothing(console, place):
    draft = _draft(place)
    before = AuditEntry.objects.count()
    data = form_data(console.get(version_url(draft)))
    data.update(STANDARD)
    set_rows(data, "form_fields", FIELDS)
    bad_steps = [
        STEPS[0],
        {
            "name": "Penerbitan",
            "owner": "applicant_village",
            "role": "agency_verifier",
            "kind": "issuance",
            "sla_days": 1,
        },
    ]
    set_rows(data, "steps", bad_steps)
    response = console.post(version_url(draft), data)

    assert response.status_code == 200
    steps_formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "steps"
    )
    assert "Peran untuk langkah milik" in str(steps_formset.forms[1].errors["role"])
    assert not steps_formset.forms[0].errors
    # What the user typed is still there, and nothing reached the database.
    assert response.context["adminform"].form["requirements"].value() == STANDARD["requirements"]
    draft.refresh_from_db()
    assert draft.requirements == "" and not draft.form_fields.exists() and not draft.steps.exists()
    assert AuditEntry.objects.count() == before


def test_a_refused_standard_field_is_shown_on_the_field(console, place):
    draft = _draft(place)
    data = form_data(console.get(version_url(draft)))
    data.update({**STANDARD, "time_limit_days": "0"})
    response = console.post(version_url(draft), data)
    assert response.status_code == 200
    assert "1–365" in str(response.context["adminform"].form.errors["time_limit_days"])
    draft.refresh_from_db()
    assert draft.requirements == "" and draft.time_limit_days == 1


def test_duplicate_form_field_keys_are_refused(console, place):
    draft = _draft(place)
    data = form_data(console.get(version_url(draft)))
    set_rows(data, "form_fields", [FIELDS[0], {**FIELDS[0], "label": "Nama lagi"}])
    response = console.post(version_url(draft), data)
    assert response.status_code == 200
    form_fields = response.context["inline_admin_formsets"][0].formset
    assert "dipakai dua kali" in str(form_fields.forms[1].errors["key"])
    assert not draft.form_fields.exists()


def test_publishing_an_incomplete_draft_keeps_the_edits_and_lists_the_problems(console, place):
    draft = _draft(place)
    data = form_data(console.get(version_url(draft)))
    data["requirements"] = "KTP-el"
    response = console.post(version_url(draft), {**data, "_publish": "1"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.requirements == "KTP-el"
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "belum terbit" in shown and "Alur harus memiliki minimal satu langkah." in shown


def test_publish_action_on_the_version_list(console, place):
    ready, incomplete = _draft(place, "SIAP", complete=True), _draft(place, "BELUM")
    response = console.post(
        reverse("admin:catalog_serviceversion_changelist"),
        {"action": "publish_versions", "_selected_action": [ready.pk, incomplete.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    incomplete.refresh_from_db()
    assert ready.status == VersionStatus.PUBLISHED and incomplete.status == VersionStatus.DRAFT
    assert "Produk pelayanan wajib diisi" in " ".join(str(m) for m in response.context["messages"])


def test_a_published_version_cannot_be_changed_through_the_admin(console, place):
    version = _published(place)
    page = console.get(version_url(version))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_save"' not in content and 'name="_continue"' not in content
    assert "steps-TOTAL_FORMS" in content  # rows shown, read-only
    data = {
        **STANDARD,
        "requirements": "diubah",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "3",
        "_save": "1",
    }
    before = AuditEntry.objects.count()
    response = console.post(version_url(version), data)
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.requirements == STANDARD["requirements"] and version.steps.count() == 3
    assert AuditEntry.objects.count() == before
    # nor through the publish action
    console.post(
        reverse("admin:catalog_serviceversion_changelist"),
        {"action": "publish_versions", "_selected_action": [version.pk]},
    )
    assert AuditEntry.objects.count() == before


def test_new_draft_from_a_published_service(console, place):
    version = _published(place)
    url = reverse("admin:catalog_service_draft", args=[version.service_id])
    assert console.get(url).status_code == 405
    response = console.post(url)
    draft = ServiceVersion.objects.get(service=version.service, status=VersionStatus.DRAFT)
    assert response.status_code == 302 and response["Location"] == version_url(draft)
    assert draft.number == 2 and draft.steps.count() == 3 and draft.requirements == STANDARD["requirements"]
    # a second click opens the same draft
    console.post(url)
    assert version.service.versions.count() == 2
    content = console.get(reverse("admin:catalog_service_change", args=[version.service_id])).content.decode()
    assert "Buka draf v2" in content and version_url(draft) in content


def test_service_change_goes_through_service_update(console, place):
    version = _published(place)
    url = reverse("admin:catalog_service_change", args=[version.service_id])
    data = form_data(console.get(url))
    data.update({"name": "Akta Kelahiran Anak", "code": "DIUBAH", "is_active": ""})
    del data["is_active"]
    assert console.post(url, data).status_code == 302
    service = Service.objects.get(pk=version.service_id)
    assert service.name == "Akta Kelahiran Anak" and service.code == "AKTA-LAHIR" and not service.is_active
    assert AuditEntry.objects.filter(verb="service.update").exists()


def test_document_type_upsert_through_the_admin(console, place):
    url = reverse("admin:catalog_documenttype_add")
    data = {"code": "npwp", "name": "NPWP", "formats": ["pdf", "jpg"], "max_mb": "2"}
    assert console.post(url, data).status_code == 302
    assert DocumentType.objects.get(code="NPWP").formats == ["jpg", "pdf"]
    response = console.post(url, {**data, "code": "ktp", "name": "Menimpa KTP"})
    assert response.status_code == 200 and DocumentType.objects.get(code="KTP").name == "KTP-el"
    assert verbs() == ["document_type.upsert"]


# --- roles, users, tokens ----------------------------------------------------------------------


def test_role_assignment_and_revocation_are_audited(console, place, verifier):
    response = console.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": verifier.pk, "role": Role.AGENCY_APPROVER, "org_unit": place.agency.pk},
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=verifier, role=Role.AGENCY_APPROVER)
    assert grant.granted_by.username == "admin.kabupaten"
    entry = AuditEntry.objects.get(verb="role.assign")
    assert entry.actor.username == "admin.kabupaten" and entry.object_id == str(grant.pk)

    response = console.post(
        reverse("admin:accounts_roleassignment_changelist"),
        {"action": "revoke_roles", "_selected_action": [grant.pk]},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AuditEntry.objects.filter(verb="role.revoke", object_id=str(grant.pk)).count() == 1

    # the link on the user's page: confirm, then revoke
    other = RoleAssignment.objects.get(user=verifier, role=Role.AGENCY_VERIFIER)
    user_page = console.get(reverse("admin:accounts_user_change", args=[verifier.pk])).content.decode()
    revoke_url = reverse("admin:accounts_roleassignment_revoke", args=[other.pk])
    assert revoke_url in user_page
    assert console.get(revoke_url).status_code == 200
    other.refresh_from_db()
    assert other.revoked_at is None
    assert console.post(revoke_url).status_code == 302
    other.refresh_from_db()
    assert other.revoked_at is not None
    assert AuditEntry.objects.filter(verb="role.revoke").count() == 2


def test_an_invalid_role_and_unit_combination_is_refused_and_saves_nothing(console, place, verifier):
    before = (RoleAssignment.objects.count(), AuditEntry.objects.count())
    response = console.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": verifier.pk, "role": Role.VILLAGE_HEAD, "org_unit": place.agency.pk},
    )
    assert response.status_code == 200
    assert "tidak dapat diberikan pada" in str(response.context["adminform"].form.errors["org_unit"])
    assert (RoleAssignment.objects.count(), AuditEntry.objects.count()) == before


def test_an_existing_grant_cannot_be_edited(console, place, verifier):
    grant = RoleAssignment.objects.get(user=verifier)
    url = reverse("admin:accounts_roleassignment_change", args=[grant.pk])
    assert 'name="_save"' not in console.get(url).content.decode()
    response = console.post(
        url, {"user": verifier.pk, "role": Role.AGENCY_APPROVER, "org_unit": place.agency.pk}
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.role == Role.AGENCY_VERIFIER


def test_staff_accounts_are_created_and_updated_through_services(console, place, regency_admin):
    response = console.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "operator.sarongan",
            "full_name": "Operator Sarongan",
            "email": "",
            "account_type": "staff",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="operator.sarongan")
    assert user.account_type == AccountType.STAFF and not user.has_usable_password()
    response = console.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "sistem.siak",
            "full_name": "",
            "account_type": "system",
            "initial_password": "12345678",
        },
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["initial_password"]
    assert not User.objects.filter(username="sistem.siak").exists()

    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = form_data(console.get(url))
    data.update({"full_name": "Siti Operator", "phone": "0812 3456 7890", "email": "Siti@Example.id"})
    assert console.post(url, data).status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.email) == ("Siti Operator", "6281234567890", "siti@example.id")
    assert verbs() == ["user.create", "user.update"]

    own = reverse("admin:accounts_user_change", args=[regency_admin.pk])
    data = form_data(console.get(own))
    del data["is_active"]
    response = console.post(own, data)
    assert response.status_code == 200
    assert "akun Anda sendiri" in str(response.context["adminform"].form.errors["is_active"])
    regency_admin.refresh_from_db()
    assert regency_admin.is_active


def test_citizen_accounts_are_not_in_the_console(console, place):
    citizen = _user("warga@example.id", account_type=AccountType.CITIZEN)
    listing = console.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "warga@example.id" not in listing
    assert console.get(reverse("admin:accounts_user_change", args=[citizen.pk])).status_code == 302
    response = console.post(
        reverse("admin:accounts_user_add"),
        {"username": "warga2", "full_name": "Warga", "email": "", "account_type": "citizen"},
    )
    assert response.status_code == 200 and not User.objects.filter(username="warga2").exists()


def test_an_api_token_secret_is_shown_once(console, place):
    system = _user("siak", account_type=AccountType.SYSTEM)
    response = console.post(
        reverse("admin:accounts_apitoken_add"),
        {"user": system.pk, "name": "SIAK Dukcapil", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    secret = re.search(r"pintu_[A-Za-z0-9_-]+", shown).group(0)
    assert api_token_authenticate(secret) == system
    again = console.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert secret not in again

    token = ApiToken.objects.get()
    console.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert api_token_authenticate(secret) is None
    assert verbs() == ["api_token.create", "api_token.revoke"]


def test_remove_totp_action(console, place, verifier):
    TOTPDevice.objects.create(user=verifier, name="hp", confirmed=True)
    console.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "remove_totp", "_selected_action": [verifier.pk]},
    )
    assert not TOTPDevice.objects.filter(user=verifier).exists()
    assert AuditEntry.objects.filter(verb="totp.remove", object_id=str(verifier.pk)).exists()


# --- org units, regions, days off --------------------------------------------------------------


def test_org_units_are_created_and_updated_through_services(console, place):
    add = reverse("admin:regions_orgunit_add")
    response = console.post(
        add,
        {
            "kind": "agency",
            "code": "DINKES",
            "name": "Dinas Kesehatan",
            "agency_kind": "opd",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="DINKES")
    assert unit.regency == place.regency and unit.kind == "agency"

    response = console.post(
        add,
        {
            "kind": "village_office",
            "code": "DESA-LAGI",
            "name": "Desa Lagi",
            "village": place.village.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "sudah memiliki kantor desa" in str(response.context["adminform"].form.errors["village"])
    assert not OrgUnit.objects.filter(code="DESA-LAGI").exists()

    response = console.post(
        add,
        {
            "kind": "village_office",
            "code": "DESA-35.10.01.2002",
            "name": "Desa Kandangan",
            "village": place.other_village.pk,
        },
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(code="DESA-35.10.01.2002").district == place.district

    url = reverse("admin:regions_orgunit_change", args=[unit.pk])
    data = form_data(console.get(url))
    data.update({"name": "Dinas Kesehatan Kabupaten Banyuwangi", "code": "HACK", "kind": "mpp_site"})
    assert console.post(url, data).status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.code, unit.kind) == ("Dinas Kesehatan Kabupaten Banyuwangi", "DINKES", "agency")
    assert verbs() == ["org_unit.create", "org_unit.create", "org_unit.update"]


def test_reference_regions_are_browse_only(console, place):
    listing = console.get(reverse("admin:regions_village_changelist"), {"q": "35.10.01.20"})
    assert listing.status_code == 200 and "Sarongan" in listing.content.decode()
    assert console.get(reverse("admin:regions_province_add")).status_code == 403
    url = reverse("admin:regions_district_change", args=[place.district.pk])
    assert console.post(url, {"code": "99.99.99", "name": "X"}).status_code == 403
    place.district.refresh_from_db()
    assert place.district.name == "Pesanggaran"


def test_regency_days_off_are_added_and_removed_through_services(console, place):
    add = reverse("admin:core_dayoff_add")
    assert console.post(add, {"date": "2026-12-18", "name": "Hari Jadi Banyuwangi"}).status_code == 302
    day_off = DayOff.objects.get()
    assert (day_off.regency_code, str(day_off.date)) == ("35.10", "2026-12-18")

    response = console.post(add, {"date": "2026-12-18", "name": "Lagi"})
    assert response.status_code == 200
    assert "sudah tercatat" in str(response.context["adminform"].form.errors["date"])

    response = console.post(reverse("admin:core_dayoff_delete", args=[day_off.pk]), {"post": "yes"})
    assert response.status_code == 302 and not DayOff.objects.exists()
    assert verbs() == ["day_off.add", "day_off.remove"]


def test_autocomplete_offers_only_staff_accounts_and_this_regencys_villages(console, place, verifier):
    _user("warga.budi", account_type=AccountType.CITIZEN, full_name="Budi Warga")
    params = {"app_label": "accounts", "model_name": "roleassignment", "field_name": "user", "term": "budi"}
    found = {r["text"] for r in console.get("/admin/autocomplete/", params).json()["results"]}
    assert found == {"Budi Verifikator"}

    jember = Regency.objects.create(
        code="35.09", province=place.regency.province, name="Jember", kind="kabupaten"
    )
    kencong = District.objects.create(code="35.09.01", regency=jember, name="Kencong")
    Village.objects.create(code="35.09.01.2001", district=kencong, name="Sarongan Lain", kind="desa")
    params = {"app_label": "regions", "model_name": "orgunit", "field_name": "village", "term": "sarongan"}
    found = {r["text"] for r in console.get("/admin/autocomplete/", params).json()["results"]}
    assert found == {"Desa Sarongan"}


def test_new_draft_action_and_odd_urls(console, place, verifier):
    version = _published(place)
    response = console.post(
        reverse("admin:catalog_service_changelist"),
        {"action": "start_drafts", "_selected_action": [version.service_id]},
    )
    draft = ServiceVersion.objects.get(service=version.service, status=VersionStatus.DRAFT)
    assert response.status_code == 302 and response["Location"] == version_url(draft)
    assert console.post(reverse("admin:catalog_service_draft", args=["bukan-angka"])).status_code == 404
    assert console.get(reverse("admin:catalog_serviceversion_add")).status_code == 403
    prefilled = console.get(reverse("admin:accounts_roleassignment_add"), {"user": verifier.pk})
    assert prefilled.context["adminform"].form.initial["user"] == str(verifier.pk)
