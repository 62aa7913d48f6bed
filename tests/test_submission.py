"""Submitting an application: validation with actionable messages, idempotency, uploads,
tracking codes, and safety under concurrency on both databases."""

from __future__ import annotations

import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from pintu.audit.models import AuditEntry
from pintu.cases import services as cs
from pintu.cases import tracking
from pintu.cases.constants import CaseStatus, Channel
from pintu.cases.models import Case, CaseDocument, CaseEvent
from pintu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from pintu.documents.models import Upload
from tests.factories import CaseFactory, make_nik, pdf_file, png_file


def submit(world, actor="citizen", service=None, **kwargs):
    kwargs.setdefault("form_data", {"purpose": "Keperluan"})
    kwargs.setdefault("documents", {"KTP": pdf_file()})
    return cs.case_submit(actor=world.users[actor], service=service or world.agency_service, **kwargs)


def counts():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        CaseDocument.objects.count(),
        Upload.objects.count(),
    )


def test_citizen_submission(world):
    case, created = submit(world)
    assert created and case.status == CaseStatus.IN_PROGRESS and case.channel == Channel.ONLINE
    assert case.applicant_user == world.users["citizen"] and case.applicant_name == "Siti Aminah"
    assert case.current_owner == world.agency and case.current_step.position == 1
    assert tracking.is_well_formed(case.tracking_code)
    assert case.documents.get().upload.sha256 and case.documents.get().upload.file_format == "pdf"
    assert AuditEntry.objects.filter(verb="case.submit", object_id=str(case.pk)).count() == 1


def test_same_key_returns_first_case(world):
    first, created = submit(world, submission_key="form-123")
    again, created_again = submit(world, submission_key="form-123", documents={"KTP": pdf_file()})
    assert created and not created_again and again.pk == first.pk
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1 and CaseDocument.objects.count() == 1
    other, created_other = submit(world, actor="other_citizen", submission_key="form-123")
    assert created_other and other.pk != first.pk


@pytest.mark.parametrize(
    ("form_data", "field", "message"),
    [
        ({}, "purpose", "wajib"),
        ({"purpose": "x", "event_date": "2026-02-31"}, "event_date", "tanggal tidak valid"),
        ({"purpose": "x" * 500}, "purpose", "maksimal 200"),
    ],
)
def test_form_errors_are_per_field_and_change_nothing(world, form_data, field, message):
    before = counts()
    with pytest.raises(ValidationFailed) as raised:
        submit(world, form_data=form_data)
    assert field in raised.value.fields
    assert message.lower() in " ".join(raised.value.fields[field]).lower()
    assert counts() == before


def test_missing_required_document(world):
    before = counts()
    with pytest.raises(ValidationFailed) as raised:
        submit(world, documents={})
    assert raised.value.fields == {"documents.KTP": ["Unggah KTP-el (wajib)."]}
    assert counts() == before


@pytest.mark.parametrize(
    ("files", "code_fragment"),
    [
        (
            {"KTP": ContentFile(b"Hello, I am not a PDF at all", name="ktp.pdf")},
            "Jenis berkas tidak diterima",
        ),
        ({"KTP": ContentFile(b"", name="ktp.pdf")}, "kosong"),
        (
            {
                "KTP": ContentFile(
                    b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
                    name="x.pdf",
                )
            },
            "skrip",
        ),
        ({"KTP": pdf_file(), "FOTO": pdf_file("foto.pdf")}, "JPG, PNG"),
        ({"KTP": pdf_file(), "NOPE": pdf_file()}, "tidak diminta"),
    ],
)
def test_bad_uploads_are_refused_by_content(world, files, code_fragment):
    before = counts()
    with pytest.raises(ValidationFailed) as raised:
        submit(world, documents=files)
    assert code_fragment in " ".join(m for msgs in raised.value.fields.values() for m in msgs)
    assert counts() == before


def test_upload_size_limit(world, settings):
    settings.PINTU_UPLOAD_MAX_MB = 1
    big = ContentFile(pdf_file().read() + b"0" * (1024 * 1024 + 10), name="besar.pdf")
    with pytest.raises(ValidationFailed) as raised:
        submit(world, documents={"KTP": big})
    assert "terlalu besar" in raised.value.fields["documents.KTP"][0]


def test_png_photo_is_accepted_and_sniffed(world):
    case, _ = submit(world, documents={"KTP": pdf_file(), "FOTO": png_file("pas-foto.JPG")})
    photo = case.documents.get(document_type__code="FOTO").upload
    assert photo.file_format == "png" and photo.content_type == "image/png"
    assert photo.file.name.endswith(".png") and photo.original_name == "pas-foto.JPG"


def test_village_operator_needs_resident_identity(world):
    with pytest.raises(ValidationFailed) as raised:
        submit(world, actor="village_operator", applicant=cs.ApplicantData(name="", nik=""))
    assert set(raised.value.fields) == {"applicant.name", "applicant.nik"}


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("12345", "16 angka"),
        ("9999991203900001", "kode kecamatan"),
        ("3510249903900001", "tanggal lahir"),
        ("3510241203900000", "0000"),
    ],
)
def test_nik_messages(world, nik, message):
    with pytest.raises(ValidationFailed) as raised:
        submit(world, actor="village_operator", applicant=cs.ApplicantData(name="Budi Santoso", nik=nik))
    assert message in raised.value.fields["applicant.nik"][0]


def test_village_front_door_case(world):
    case, _ = submit(
        world,
        actor="village_operator",
        service=world.village_service,
        applicant=cs.ApplicantData(name="Budi Santoso", nik=make_nik(), phone="0812-3333-4444"),
    )
    assert case.channel == Channel.VILLAGE and case.opened_by_unit == world.village_office
    assert case.applicant_village == world.village and case.applicant_phone == "6281233334444"
    assert case.current_owner == world.village_office
    assert case.current_assignee == world.users["village_operator"]  # the operator already has it


def test_operator_cannot_act_for_another_village(world):
    with pytest.raises(PermissionDenied):
        submit(
            world,
            actor="village_operator",
            on_behalf_unit_id=world.other_village_office.pk,
            applicant=cs.ApplicantData(name="Budi Santoso", nik=make_nik()),
        )


def test_counter_only_for_own_agency(world):
    case, _ = submit(
        world, actor="front_office", applicant=cs.ApplicantData(name="Budi Santoso", nik=make_nik())
    )
    assert case.channel == Channel.COUNTER
    with pytest.raises(PermissionDenied):
        submit(
            world,
            actor="front_office",
            service=world.other_service,
            applicant=cs.ApplicantData(name="Budi Santoso", nik=make_nik()),
        )
    for name in ("verifier", "district_officer", "regency_admin", "staff_without_role"):
        with pytest.raises(PermissionDenied):
            submit(world, actor=name, applicant=cs.ApplicantData(name="Budi Santoso", nik=make_nik()))


def test_resubmit_replaces_documents_and_keeps_old(world):
    case = CaseFactory(world=world, state="returned")
    cs.case_resubmit(
        actor=world.users["citizen"], case=case, note="Sudah", documents={"KTP": pdf_file("baru.pdf")}
    )
    docs = list(case.documents.filter(document_type__code="KTP").order_by("id"))
    assert [d.is_current for d in docs] == [False, True]
    event = case.events.order_by("-seq").first()
    assert event.action == "resubmit" and event.data["documents"] == ["KTP"]


def test_tracking_code_collision_is_retried(world, monkeypatch):
    first, _ = submit(world)
    codes = iter([first.tracking_code, first.tracking_code, tracking.new_code()])
    monkeypatch.setattr(tracking, "new_code", lambda: next(codes))
    second, _ = submit(world)
    assert second.tracking_code != first.tracking_code


@pytest.mark.parametrize(
    "raw",
    ["", "ABCD", "2222-2222-22", "AHKM-RUWX-2O0", "0000000000000"],
)
def test_malformed_codes(raw):
    assert not tracking.is_well_formed(raw)


def test_check_symbol_catches_single_mistakes():
    for _ in range(200):
        code = tracking.new_code()
        assert tracking.is_well_formed(code)
        assert tracking.is_well_formed(tracking.format_code(code).lower())
        for i in range(len(code)):
            for ch in tracking.ALPHABET:
                if ch != code[i]:
                    assert not tracking.is_well_formed(code[:i] + ch + code[i + 1 :])


# --- concurrency ---------------------------------------------------------------------------------


def _threads(target, n):
    errors, results = [], []

    def run(i):
        try:
            results.append(target(i))
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_unique_codes(monkeypatch):
    from tests.conftest import build_world

    world = build_world()
    original = tracking.new_code
    pool = [original() for _ in range(3)]
    counter = iter(range(10_000))
    lock = threading.Lock()

    def colliding_code():  # every thread starts from the same few codes: collisions must be retried
        with lock:
            i = next(counter)
        return pool[i % 3] if i < 9 else original()  # at most 6 failing draws: fewer than the 8 attempts

    monkeypatch.setattr(tracking, "new_code", colliding_code)
    results, errors = _threads(lambda i: submit(world, submission_key=f"k{i}")[0].tracking_code, 8)
    assert not errors, errors
    assert len(set(results)) == 8 == Case.objects.count()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_case():
    from tests.conftest import build_world

    world = build_world()
    results, errors = _threads(lambda i: submit(world, submission_key="same-key")[0].pk, 6)
    assert not errors, errors
    assert len(set(results)) == 1 and Case.objects.count() == 1 and CaseEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_verify_at_once_one_wins():
    from tests.conftest import build_world

    world = build_world()
    case = CaseFactory(world=world, state="submitted")
    results, errors = _threads(
        lambda i: cs.case_verify(actor=world.users["front_office"], case=case).status, 4
    )
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, InvalidTransition) for e in errors)
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED and case.event_count == 2 == case.events.count()


def test_unattached_uploads_are_pruned(world):
    import datetime as dt

    from django.utils import timezone

    from pintu.documents.services import upload_store, uploads_prune

    case, _ = submit(world)
    attached = case.documents.get().upload
    orphan = upload_store(actor=world.users["citizen"], upload_file=pdf_file())
    Upload.objects.update(uploaded_at=timezone.now() - dt.timedelta(days=3))
    assert uploads_prune(older_than=dt.timedelta(days=2)) == 1
    assert set(Upload.objects.values_list("pk", flat=True)) == {attached.pk}
    assert not orphan.file.storage.exists(orphan.file.name)
