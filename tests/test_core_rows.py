"""``pintu.core.rows``: the hot-path INSERT/UPDATE store exactly what ``save()`` stores."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from pintu.audit.models import AuditEntry
from pintu.core.rows import insert, insert_many, update
from pintu.documents.models import Upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entry(user, **extra):
    return AuditEntry(
        actor=user,
        actor_label="Rudi",
        verb="letters.issue",
        object_type="letters.letter",
        object_id="7",
        object_label="470/001/TMS/XI/2026",
        changes={"number": "470/001", "nested": {"a": [1, 2]}, "none": None},
        **extra,
    )


def _stored(model, pk):
    return model_to_dict(model.objects.get(pk=pk))


def test_insert_stores_what_save_stores_with_auto_now_json_and_foreign_key():
    user = UserFactory()
    by_save, by_insert = _entry(user), _entry(user)
    by_save.save()
    insert(by_insert)
    assert by_insert.pk and by_insert.pk != by_save.pk and not by_insert._state.adding
    saved, inserted = _stored(AuditEntry, by_save.pk), _stored(AuditEntry, by_insert.pk)
    stored_at = AuditEntry.objects.get(pk=by_insert.pk).at
    assert (
        stored_at is not None
        and abs((stored_at - AuditEntry.objects.get(pk=by_save.pk).at).total_seconds()) < 5
    )
    for row in (saved, inserted):
        row.pop("id")
    assert saved == inserted


def test_insert_with_a_uuid_key_and_a_file_name():
    user = UserFactory()
    upload = Upload(
        original_name="surat.pdf",
        content_type="application/pdf",
        file_format="pdf",
        size=3,
        sha256="ab" * 32,
        uploaded_by=user,
    )
    upload.file.name = "uploads/2026/11/x.pdf"
    insert(upload)
    row = Upload.objects.get(pk=upload.pk)
    assert row.file.name == "uploads/2026/11/x.pdf" and row.uploaded_by == user and row.size == 3
    assert row.uploaded_at is not None


def test_insert_many_writes_every_row_in_one_statement(django_assert_num_queries):
    user = UserFactory()
    entries = [_entry(user, ip_address="10.0.0.1"), _entry(None)]
    with django_assert_num_queries(1):
        insert_many(entries)
    assert AuditEntry.objects.filter(verb="letters.issue").count() == 2
    assert set(AuditEntry.objects.values_list("ip_address", flat=True)) == {"10.0.0.1", None}


def test_update_sets_only_the_named_fields():
    user = UserFactory()
    entry = _entry(user)
    insert(entry)
    entry.object_label = "changed"
    entry.verb = "not.written"
    update(entry, "object_label")
    row = AuditEntry.objects.get(pk=entry.pk)
    assert row.object_label == "changed" and row.verb == "letters.issue"


def test_a_constraint_violation_raises_and_writes_nothing():
    upload = Upload(original_name="a", content_type="x", file_format="pdf", size=1, sha256="c" * 64)
    upload.file.name = "uploads/a.pdf"
    insert(upload)
    twin = Upload(
        pk=upload.pk, original_name="b", content_type="x", file_format="pdf", size=1, sha256="d" * 64
    )
    twin.file.name = "uploads/b.pdf"
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(twin)
    assert Upload.objects.get(pk=upload.pk).original_name == "a"
