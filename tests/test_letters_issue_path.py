"""The letter issuing path as the counter uses it: the resident passed as loaded, the village
office and its settings read once, one statement for the number, the document issued inside the
letter's transaction (no savepoint), both audit rows written together — and everything rolled
back together when any part fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict, ValidationFailed
from pintu.documents import issuing
from pintu.documents.models import IssuedDocument, Upload
from pintu.letters import services as ls
from pintu.letters.models import Letter, LetterSequence, VillageLetterType
from pintu.letters.numbering import parse_number_format
from pintu.population.models import Resident
from pintu.population.selectors import resident_letter_data
from tests.letters_fixtures import configure, lw  # noqa: F401

DAY = dt.date(2026, 11, 28)


def _loaded(resident):
    """As ``population.selectors.resident_get_for`` (the counter's page) loads a resident."""
    return Resident.objects.select_related("village__district__regency", "hamlet", "family").get(
        pk=resident.pk
    )


def _issue(lw, *, resident=None, sign=True, letter_type=None):  # noqa: F811
    return ls.letter_issue(
        actor=lw.users["village_operator"],
        village_office=lw.world.village_office,
        letter_type=letter_type or lw.domisili,
        resident=resident or lw.resident,
        fields={},
        purpose="Melamar pekerjaan",
        today=DAY,
        sign=sign,
    )


def test_letter_data_from_a_loaded_resident_equals_the_registry_read(lw):  # noqa: F811
    resident = _loaded(lw.resident)
    with CaptureQueriesContext(connection) as queries:
        given = resident_letter_data(resident=resident, village=resident.village)
    assert len(queries) == 0
    fresh = resident_letter_data(resident=Resident.objects.get(pk=lw.resident.pk))
    assert given == fresh
    assert given["full_name"] == lw.resident.full_name and given["village_name"] == lw.world.village.name


def test_a_village_of_another_resident_is_not_used(lw):  # noqa: F811
    resident = _loaded(lw.resident)
    other = _loaded(lw.other_resident)
    data = resident_letter_data(resident=resident, village=other.village)
    assert data["village_name"] == lw.world.village.name != other.village.name


def test_issue_does_not_read_the_resident_again_and_uses_a_fixed_few_queries(lw):  # noqa: F811
    _issue(lw)  # warm: the office row is cached per process
    resident = _loaded(lw.resident)
    with CaptureQueriesContext(connection) as queries:
        letter = _issue(lw, resident=resident)
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if "population_resident" in s and s.lstrip().upper().startswith("SELECT")]
    # settings+type choice, number, letter, upload, document, letter→document, both audit rows
    # (plus savepoint statements of the test's own transaction)
    assert len([s for s in sql if "SAVEPOINT" not in s.upper()]) <= 8, sql
    assert letter.document.pdf.sha256 == letter.document.sha256


def test_issue_writes_both_audit_rows_in_its_transaction(lw):  # noqa: F811
    before = AuditEntry.objects.count()
    letter = _issue(lw)
    letter.refresh_from_db()
    rows = {row.verb: row for row in AuditEntry.objects.order_by("id")[before:]}
    assert set(rows) == {"document.issue", "letters.issue"}
    doc_row, letter_row = rows["document.issue"], rows["letters.issue"]
    assert (doc_row.object_type, doc_row.object_id) == ("documents.issueddocument", str(letter.document_id))
    assert doc_row.changes == {
        "number": letter.number,
        "kind": "village_letter",
        "sha256": letter.document.sha256,
        "signed": True,
    }
    assert (letter_row.object_type, letter_row.object_id) == ("letters.letter", str(letter.pk))
    assert letter_row.changes == {
        "number": letter.number,
        "type": lw.domisili.code,
        "resident": lw.resident.pk,
        "request": None,
    }
    assert doc_row.actor_id == letter_row.actor_id == lw.users["village_operator"].pk
    # The operator issues a type signed a.n. by the sekdes (configured in the fixtures).
    assert letter.signer_kind == "secretary"
    assert letter.signer_name == "DEWI LESTARI" == letter.document.signer_name


def test_unsigned_issue_for_benchmarks_is_not_signed(lw):  # noqa: F811
    letter = _issue(lw, sign=False)
    assert letter.document.signature_provider == "" and letter.document.signed_at is None
    assert _issue(lw).document.signature_provider != ""


def test_a_failing_document_rolls_back_the_letter_number_and_audit(lw, monkeypatch):  # noqa: F811
    first = _issue(lw)
    counts = (Letter.objects.count(), IssuedDocument.objects.count(), Upload.objects.count())
    audits = AuditEntry.objects.count()
    # The next verification code collides with the first document's: the document insert fails
    # inside the letter's transaction (no savepoint of its own).
    monkeypatch.setattr(issuing, "new_verification_code", lambda: first.document.code)
    with pytest.raises(ValidationFailed) as info:
        _issue(lw)
    assert info.value.code == "document.number_taken"
    monkeypatch.undo()
    assert (Letter.objects.count(), IssuedDocument.objects.count(), Upload.objects.count()) == counts
    assert AuditEntry.objects.count() == audits
    assert LetterSequence.objects.get(office=lw.world.village_office, year=DAY.year).last_number == 1
    assert _issue(lw).sequence == 2  # no gap


def test_a_taken_number_is_a_conflict_and_takes_nothing(lw):  # noqa: F811
    first = _issue(lw)
    # Someone set the sequence back by hand: the next number already exists.
    LetterSequence.objects.filter(pk__isnull=False).update(last_number=0)
    audits = AuditEntry.objects.count()
    with pytest.raises(Conflict) as info:
        _issue(lw)
    assert info.value.code == "letters.number_taken"
    assert Letter.objects.count() == 1 and Letter.objects.get().pk == first.pk
    assert AuditEntry.objects.count() == audits
    assert LetterSequence.objects.get().last_number == 0


@pytest.mark.parametrize(
    "enabled, signer, expected",
    [
        (None, None, (True, "secretary")),  # no village choice: the type's defaults
        (True, "head", (True, "head")),
        (False, "", (False, "secretary")),
    ],
)
def test_settings_and_type_choice_in_one_read(lw, enabled, signer, expected):  # noqa: F811
    office, letter_type = lw.world.village_office, lw.domisili
    if enabled is not None:
        VillageLetterType.objects.create(
            office=office, letter_type=letter_type, enabled=enabled, signer=signer
        )
    with CaptureQueriesContext(connection) as queries:
        config, on, kind = ls._issue_config(office, letter_type)
    assert len(queries) == 1
    assert (
        (on, kind)
        == expected
        == (ls.type_enabled(office, letter_type), ls.effective_signer(office, letter_type))
    )
    assert config.head_name == "Sugeng Riyadi"


def test_type_disabled_is_reported_before_anything_is_taken(lw):  # noqa: F811
    VillageLetterType.objects.create(office=lw.world.village_office, letter_type=lw.domisili, enabled=False)
    with pytest.raises(ValidationFailed) as info:
        _issue(lw)
    assert info.value.code == "letters.type_disabled"
    assert not LetterSequence.objects.exists()


def test_a_valid_number_format_is_parsed_once_an_invalid_one_always_raises():
    fmt = "[kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]"
    assert parse_number_format(fmt) is parse_number_format(f"  {fmt} ")
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            parse_number_format("[kode]/[tahun]")
