"""Catalogue versions: drafts are validated on publish, published versions are immutable, the
importer is idempotent and refuses a bad file whole."""

import copy
from pathlib import Path

import pytest
import yaml

from pintu.audit.models import AuditEntry
from pintu.catalog import services as catalog
from pintu.catalog.constants import VersionStatus
from pintu.catalog.importer import load_catalogue
from pintu.catalog.models import Service, ServiceVersion
from pintu.catalog.selectors import catalogue_services, published_service
from pintu.core.errors import NotFound, ValidationFailed
from tests.conftest import AGENCY_STEPS, STANDARD

DEMO_CATALOGUE = Path(__file__).resolve().parent.parent / "pintu" / "demo" / "catalogue.yaml"


@pytest.fixture
def admin(world):
    return world.users["regency_admin"]


def test_new_service_is_a_draft_and_reports_what_is_missing(world, admin):
    service = catalog.service_create(
        actor=admin, code="new-svc", agency=world.agency, name="Legalisasi", category="Kependudukan"
    )
    assert service.code == "NEW-SVC" and not service.is_available
    draft = service.versions.get()
    problems = catalog.service_version_problems(draft)
    assert {"requirements", "procedure", "product", "legal_basis", "complaints_channel", "steps"} <= set(
        problems
    )
    with pytest.raises(ValidationFailed) as raised:
        catalog.service_version_publish(actor=admin, version=draft)
    assert raised.value.code == "catalog.version_incomplete"
    with pytest.raises(NotFound):
        published_service("NEW-SVC")


def test_publish_then_immutable_then_new_draft(world, admin):
    service = world.agency_service
    v1 = service.published_version
    with pytest.raises(ValidationFailed) as raised:
        catalog.service_draft_update(actor=admin, version=v1, product="Diubah")
    assert raised.value.code == "catalog.version_immutable"
    for setter, payload in (
        (catalog.service_draft_set_steps, {"steps": AGENCY_STEPS}),
        (catalog.service_draft_set_form_fields, {"fields": []}),
        (catalog.service_draft_set_documents, {"documents": []}),
    ):
        with pytest.raises(ValidationFailed):
            setter(actor=admin, version=v1, **payload)
    draft = catalog.service_draft_start(actor=admin, service=service)
    assert draft.number == 2 and draft.steps.count() == 4 and draft.form_fields.count() == 2
    assert catalog.service_draft_start(actor=admin, service=service) == draft  # one draft at a time
    catalog.service_draft_update(actor=admin, version=draft, time_limit_days=7, fee=25000)
    catalog.service_version_publish(actor=admin, version=draft)
    service.refresh_from_db()
    v1.refresh_from_db()
    assert service.published_version == draft and v1.status == VersionStatus.RETIRED
    assert AuditEntry.objects.filter(verb="service.publish", object_id=str(draft.pk)).exists()


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([AGENCY_STEPS[0]], "penerbitan"),
        ([AGENCY_STEPS[3], AGENCY_STEPS[0]], "terakhir"),
        ([{**AGENCY_STEPS[0], "sla_days": 9}, {**AGENCY_STEPS[3], "sla_days": 9}], "melebihi"),
        (
            [
                {**AGENCY_STEPS[0], "owner": "applicant_village", "role": "village_operator"},
                {
                    **AGENCY_STEPS[3],
                    "owner": "applicant_village",
                    "role": "village_operator",
                    "kind": "issuance",
                },
            ],
            "instansi pemilik",
        ),
    ],
)
def test_workflow_rules_checked_on_publish(world, admin, steps, message):
    draft = catalog.service_draft_start(actor=admin, service=world.agency_service)
    catalog.service_draft_set_steps(actor=admin, version=draft, steps=steps)
    with pytest.raises(ValidationFailed) as raised:
        catalog.service_version_publish(actor=admin, version=draft)
    assert message in " ".join(raised.value.fields["steps"])
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_step_role_must_fit_owner(world, admin):
    draft = catalog.service_draft_start(actor=admin, service=world.agency_service)
    with pytest.raises(ValidationFailed) as raised:
        catalog.service_draft_set_steps(
            actor=admin, version=draft, steps=[{**AGENCY_STEPS[0], "role": "village_operator"}]
        )
    assert "steps.0.role" in raised.value.fields
    assert draft.steps.count() == 4  # unchanged


def test_form_field_rules(world, admin):
    draft = catalog.service_draft_start(actor=admin, service=world.agency_service)
    bad = [
        {"key": "Bad Key", "label": "x", "kind": "text"},
        {"key": "ok", "label": "", "kind": "text"},
        {"key": "ok", "label": "dup", "kind": "choice", "choices": ["one"]},
    ]
    with pytest.raises(ValidationFailed) as raised:
        catalog.service_draft_set_form_fields(actor=admin, version=draft, fields=bad)
    assert {"form_fields.0.key", "form_fields.1.label", "form_fields.2.key", "form_fields.2.choices"} <= set(
        raised.value.fields
    )


def test_catalogue_search_and_filters(world):
    assert {s.code for s in catalogue_services(query="AGENCY")} == {"AGENCY-SVC"}
    assert {s.code for s in catalogue_services(agency_code="POLRESTA")} == {"OTHER-SVC"}
    assert {s.code for s in catalogue_services(village_only=True)} == {"VILLAGE-SVC"}
    assert {s.code for s in catalogue_services(query="polresta")} == {"OTHER-SVC"}


def test_demo_catalogue_loads_and_reload_publishes_nothing(world):
    data = yaml.safe_load(DEMO_CATALOGUE.read_text())
    report = load_catalogue(data)
    assert len(report.services_published) >= 20 and report.agencies >= 8
    village_first = Service.objects.filter(starts_at_village=True, code__in=report.services_published)
    assert village_first.count() >= 3
    versions = ServiceVersion.objects.count()
    again = load_catalogue(data)
    assert again.services_published == [] and ServiceVersion.objects.count() == versions
    changed = copy.deepcopy(data)
    changed["services"][0]["standard"]["time_limit_days"] += 1
    third = load_catalogue(changed)
    assert third.services_published == [changed["services"][0]["code"]]


def test_bad_catalogue_file_writes_nothing(world):
    data = {
        "agencies": [{"code": "X", "name": "", "kind": "weird"}],
        "document_types": [],
        "services": [{"code": "S1", "agency": "NOPE", "category": "Nope", "standard": STANDARD, "steps": []}],
    }
    before = Service.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        load_catalogue(data)
    problems = raised.value.fields["file"]
    assert any("agencies[0].kind" in p for p in problems)
    assert any("unknown agency NOPE" in p for p in problems)
    assert any("steps: at least one step" in p for p in problems)
    assert Service.objects.count() == before
