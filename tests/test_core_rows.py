"""``pintu.core.rows``: ids taken ahead, several models' rows in one statement, stored exactly as
``save()`` stores them, on both databases."""

from __future__ import annotations

import contextlib
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


def _by_django(obj, field):
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def test_values_taken_as_they_are_only_where_djangos_methods_would_return_them_unchanged(world):
    """The shortcut of ``_values`` gives, for every field of the hot-path models, exactly what
    Django's ``pre_save`` + ``get_db_prep_save`` give — including the values it must not pass
    through: a bool in an integer field, a naive datetime, a date in a datetime field, '' in a
    foreign key, a text-choices member, a datetime in a date field."""
    from pintu.core.rows import _plan, _values
    from pintu.letters.constants import LetterStatus
    from pintu.letters.models import Letter

    user = UserFactory()
    upload = _upload(user)
    document = _document(world, upload, 41, signed_at=timezone.now())
    letter = Letter(
        id=7, office=world.village_office, village_id=world.village.pk, letter_type_id=3,
        resident_id=5, resident_name="Siti", number="470/001", year=2026, scope_key="*",
        sequence=True,  # a bool in an integer field: Django's int() makes it 1
        purpose="", fields={"a": [1]}, document=document, valid_until=dt.datetime(2027, 1, 2, 3, 4),
        status=LetterStatus.ISSUED, signer_kind="head", signer_name="X", issued_by=user,
        issued_at=dt.datetime(2026, 11, 28, 9, 0),  # naive: Django makes it aware (and warns)
    )  # fmt: skip
    entry = _entry(user, ip_address="10.0.0.1")
    entry.actor_id = ""  # '' in a foreign key: NULL
    for obj in (upload, document, letter, entry):
        fields = list(type(obj)._meta.local_concrete_fields)
        plan = _plan(fields, connection)
        with pytest.warns(RuntimeWarning) if obj is letter else contextlib.nullcontext():
            expected = [_by_django(obj, f) for f in fields]
            got = _values(obj, plan, connection)
        for field, want, have in zip(fields, expected, got, strict=True):
            if field.name in {"at", "uploaded_at"}:  # auto_now_add: the clock moved on
                assert type(have) is type(want)
                when = dt.datetime.fromisoformat if isinstance(want, str) else (lambda v: v)  # SQLite: text
                assert abs(when(have) - when(want)) < dt.timedelta(seconds=5)
            else:
                assert (type(have), repr(have)) == (type(want), repr(want)), field.name
    assert _values(letter, _plan([Letter._meta.get_field("sequence")], connection), connection) == [1]


def test_which_fields_are_taken_as_they_are():
    from pintu.core.rows import _stored_as_is

    def kinds(model, name):
        return _stored_as_is(model._meta.get_field(name), connection)

    postgresql = connection.vendor == "postgresql"
    assert kinds(AuditEntry, "verb") == (str,) and kinds(AuditEntry, "actor") == (int,)
    assert kinds(AuditEntry, "changes") == () and kinds(AuditEntry, "ip_address") == ()  # adapted
    assert kinds(AuditEntry, "at") == ()  # auto_now_add: pre_save computes it
    assert kinds(Upload, "file") == ()  # the file name comes from pre_save
    assert kinds(IssuedDocument, "issued_at") == ((dt.datetime,) if postgresql else ())
    assert kinds(IssuedDocument, "valid_until") == ((dt.date,) if postgresql else ())
    assert kinds(IssuedDocument, "pdf") == ((uuid.UUID,) if postgresql else ())  # a UUID key


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


# --- hot-path statements: server-side values, prepared once per connection (PostgreSQL) ---------


def test_placeholders_become_postgresqls_own_once():
    from pintu.core.rows import _numbered

    assert _numbered("SELECT %s, 'x', %s FROM t WHERE a = %s") == "SELECT $1, 'x', $2 FROM t WHERE a = $3"
    with pytest.raises(ValueError):
        _numbered("SELECT %s WHERE name LIKE 'a%'")  # a literal percent would be misread


def test_execute_runs_positional_and_named_statements_and_logs_them():
    from django.test.utils import CaptureQueriesContext

    from pintu.core.rows import execute

    with CaptureQueriesContext(connection) as queries:
        with execute("SELECT %s + %s", [2, 3]) as cursor:
            assert cursor.fetchone()[0] == 5
        with execute("SELECT %(a)s + %(b)s", {"a": 4, "b": 5}) as cursor:
            assert cursor.fetchone()[0] == 9
    logged = [q["sql"] for q in queries.captured_queries]
    assert len(logged) == 2 and all(sql.startswith("SELECT ") for sql in logged), logged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_a_hot_path_statement_is_prepared_once_and_reused(world):
    from pintu.core.rows import execute

    sql = "SELECT count(*) FROM documents_issueddocument WHERE issuer_unit_id = %s AND kind = %s"
    for _ in range(3):
        with execute(sql, [world.village_office.pk, "surat_domisili"]) as cursor:
            assert cursor.fetchone()[0] == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement = %s",
            ["SELECT count(*) FROM documents_issueddocument WHERE issuer_unit_id = $1 AND kind = $2"],
        )
        assert cursor.fetchall() == [(3,)]  # one statement, planned once and executed three times


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_without_a_prepare_threshold_nothing_is_prepared(world):
    """``PINTU_DB_PREPARED_STATEMENTS=0`` (a transaction-pooling PgBouncer before 1.21): the same
    statements run with server-side values, unprepared."""
    from pintu.core.rows import execute

    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        with execute("SELECT %s::int * 2 AS unprepared_twice", [21]) as cursor:
            assert cursor.fetchone()[0] == 42
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%unprepared_twice%%'"
            )
            assert cursor.fetchone()[0] == 0
    finally:
        connection.connection.prepare_threshold = threshold
