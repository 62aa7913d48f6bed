"""``pintu.core.rows``: ids taken ahead, several models' rows in one statement, stored exactly as
``save()`` stores them, on both databases."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from pintu.audit.models import AuditEntry
from pintu.core.rows import allocate_id_block, allocate_ids, insert_all, violation
from pintu.documents.issued import IssuedDocument
from pintu.documents.models import Upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entry(user, **extra):
    values = {
        "actor": user,
        "actor_label": "Rudi",
        "verb": "letters.issue",
        "object_type": "letters.letter",
        "object_id": "7",
        "object_label": "470/001/TMS/XI/2026",
        "changes": {"number": "470/001", "nested": {"a": [1, 2]}, "none": None},
    }
    return AuditEntry(**{**values, **extra})


def _upload(user=None, name="surat.pdf"):
    upload = Upload(
        original_name=name, content_type="application/pdf", file_format="pdf", size=3, sha256="ab" * 32
    )
    upload.uploaded_by = user
    upload.file.name = f"uploads/2026/11/{name}"
    return upload


def _document(world, upload, pk, **extra):
    return IssuedDocument(
        id=pk,
        code=extra.pop("code", "ABCDEFGH23"),
        number=extra.pop("number", "470/001/TMS/XI/2026"),
        kind="surat_domisili",
        title="Surat Keterangan Domisili",
        issuer_unit=world.village_office,
        issued_at=timezone.now(),
        valid_until=dt.date(2027, 5, 28),
        pdf=upload,
        sha256=upload.sha256,
        template="common/example.typ",
        **extra,
    )


def _stored(model, pk):
    row = model_to_dict(model.objects.get(pk=pk))
    row.pop("id")
    return row


def test_insert_all_stores_what_save_stores_with_auto_now_json_and_foreign_keys():
    user = UserFactory()
    by_save, by_insert = _entry(user), _entry(user)
    by_save.save()
    with transaction.atomic():
        insert_all([by_insert])
    inserted = AuditEntry.objects.exclude(pk=by_save.pk).get()
    assert inserted.at is not None and abs((inserted.at - by_save.at).total_seconds()) < 5
    assert _stored(AuditEntry, by_save.pk) == _stored(AuditEntry, inserted.pk)
    assert not by_insert._state.adding


def test_rows_pointing_at_each_other_in_one_statement_on_postgresql(world, django_assert_num_queries):
    user = UserFactory()
    with transaction.atomic():
        (document_id,) = allocate_ids(IssuedDocument)
        upload = _upload(user)
        document = _document(world, upload, document_id, holder_label="S***i A***h")
        entries = [_entry(user, object_id=str(document_id)), _entry(None, ip_address="10.0.0.1")]
        statements = 1 if connection.vendor == "postgresql" else 3
        with django_assert_num_queries(statements):
            insert_all([upload, document, *entries])
    stored = IssuedDocument.objects.select_related("pdf").get(pk=document_id)
    assert stored.pdf == upload and stored.pdf.uploaded_by == user and stored.pdf.uploaded_at is not None
    assert stored.valid_until == dt.date(2027, 5, 28) and stored.holder_label == "S***i A***h"
    written = AuditEntry.objects.filter(verb="letters.issue")
    assert sorted(written.values_list("object_id", "ip_address")) == sorted(
        [(str(document_id), None), ("7", "10.0.0.1")]
    )


def test_allocated_ids_are_new_and_later_saves_count_on_after_them(world):
    upload = _upload()
    with transaction.atomic():
        first, second = allocate_ids(IssuedDocument) + allocate_ids(IssuedDocument)
        assert second > first
        insert_all([upload, _document(world, upload, second)])
    # An ordinary save afterwards never takes an allocated id (nor one below it).
    other = _upload(name="b.pdf")
    other.save()
    third = _document(world, other, None, code="ZZZZZZZZ22", number="470/002/TMS/XI/2026")
    third.save()
    assert third.pk > second
    with transaction.atomic():
        (fourth,) = allocate_ids(IssuedDocument)
    assert fourth > third.pk


def test_a_block_of_ids_for_a_bulk_load():
    with transaction.atomic():
        block = allocate_id_block(IssuedDocument, 3)
        (after,) = allocate_ids(IssuedDocument)
    assert len(block) == 3 and block == sorted(set(block)) and after > block[-1]
    assert allocate_id_block(IssuedDocument, 0) == []


@pytest.mark.django_db(transaction=True)
def test_allocating_needs_a_transaction():
    with pytest.raises(RuntimeError):
        allocate_ids(IssuedDocument)
    with pytest.raises(RuntimeError):
        allocate_id_block(IssuedDocument, 2)


def test_a_violation_names_its_table_and_columns_and_writes_nothing(world):
    upload = _upload()
    with transaction.atomic():
        (pk,) = allocate_ids(IssuedDocument)
        insert_all([upload, _document(world, upload, pk)])
    again = _upload(name="again.pdf")
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        (pk,) = allocate_ids(IssuedDocument)
        # the same verification code, another number
        insert_all([again, _document(world, again, pk, number="470/009/TMS/XI/2026")])
    assert violation(raised.value) == ("documents_issueddocument", ("code",))
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        (pk,) = allocate_ids(IssuedDocument)
        insert_all([again, _document(world, again, pk, code="QQQQQQQQ22")])  # the same number
    assert violation(raised.value) == ("documents_issueddocument", ("issuer_unit_id", "kind", "number"))
    assert Upload.objects.count() == 1 and IssuedDocument.objects.count() == 1
    assert violation(IntegrityError("something else")) == ("", ())


def test_a_uuid_keyed_row_keeps_its_key():
    upload = _upload()
    key = upload.pk
    assert isinstance(key, uuid.UUID)
    with transaction.atomic():
        insert_all([upload])
    assert Upload.objects.get(pk=key).file.name == "uploads/2026/11/surat.pdf"
