"""Import (OpenSID columns and village spreadsheet headers), re-runs, error report, export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from pintu.core.errors import PermissionDenied
from pintu.core.tasks import run_pending_tasks
from pintu.population import jobs, stats
from pintu.population.constants import Dimension, ImportStatus
from pintu.population.importing import OPENSID_COLUMNS, import_rows
from pintu.population.models import ExportLog, Family, ImportJob, PopulationCount, Resident
from tests.population_fixtures import kk_for, nik_for

pytestmark = pytest.mark.django_db

HEADER = list(OPENSID_COLUMNS)


def row(name, birth, *, female=False, kk, relation=1, nik=None, **extra):
    data = dict.fromkeys(HEADER, "")
    data.update(
        {
            "alamat": "Jl. Mawar 3",
            "dusun": "Krajan",
            "rw": "2",
            "rt": "1",
            "nama": name,
            "no_kk": kk,
            "nik": nik or nik_for(birth, female=female),
            "sex": "P" if female else "L",
            "tempatlahir": "Banyuwangi",
            "tanggallahir": birth.strftime("%d-%m-%Y"),
            "agama_id": "Islam",
            "pendidikan_kk_id": "5",
            "pekerjaan_id": "PETANI/PEKEBUN",
            "status_kawin": "KAWIN",
            "kk_level": str(relation),
            "warganegara_id": "1",
        }
    )
    data.update(extra)
    return [data[c] for c in HEADER]


def counted(village) -> int:
    return sum(
        r.male + r.female
        for r in PopulationCount.objects.filter(village=village, dimension=Dimension.BIRTH_YEAR)
    )


def test_import_keeps_good_rows_reports_bad_and_reruns_without_duplicates(world):
    kk = kk_for()
    good = [
        row("SLAMET", dt.date(1980, 5, 17), kk=kk),
        row("SITI", dt.date(1984, 3, 12), female=True, kk=kk, relation=3),
    ]
    bad_nik = row("SALAH TANGGAL", dt.date(1990, 1, 1), kk=kk, relation=4, nik=nik_for(dt.date(1991, 1, 1)))
    bad_code = row("AGAMA ANEH", dt.date(1995, 2, 2), kk=kk, relation=4, agama_id="Jedi")
    duplicate = list(good[0])
    rows = [HEADER, *good, bad_nik, bad_code, duplicate]
    result = import_rows(village=world.village, rows=rows, batch_size=2)
    assert (result.total, result.created, result.failed) == (5, 2, 3)
    reasons = {e.row_number: e.message for e in result.errors}
    assert "Tanggal lahir di NIK" in reasons[4]
    assert "Agama" in reasons[5]
    assert "NIK ganda" in reasons[6]
    family = Family.objects.get(kk_number=kk)
    assert family.head.full_name == "SLAMET" and family.hamlet.name == "Krajan" and family.rw == "002"
    assert counted(world.village) == 2
    # re-run: the same rows are unchanged, a changed row is an update
    changed = list(good[1])
    changed[HEADER.index("pekerjaan_id")] = "88"
    again = import_rows(village=world.village, rows=[HEADER, good[0], changed])
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 1, 1, 0)
    assert Resident.objects.count() == 2
    assert Resident.objects.get(full_name="SITI").occupation == 88
    live = sorted(PopulationCount.objects.filter(male__gt=0).values_list("dimension", "bucket", "male"))
    stats.rebuild()
    assert live == sorted(
        PopulationCount.objects.filter(male__gt=0).values_list("dimension", "bucket", "male")
    )


def test_village_spreadsheet_headers_and_missing_columns(world):
    kk = kk_for()
    header = [
        "No",
        "NIK",
        "Nama Lengkap",
        "No. KK",
        "Jenis Kelamin",
        "Tanggal Lahir",
        "Agama",
        "SHDK",
        "Dusun",
        "RT",
        "RW",
    ]
    rows = [
        header,
        [
            1,
            nik_for(dt.date(1970, 1, 2)),
            "Budi",
            kk,
            "LAKI-LAKI",
            "1970-01-02",
            "ISLAM",
            "KEPALA KELUARGA",
            "Sumberrejo",
            3,
            1,
        ],
    ]
    result = import_rows(village=world.village, rows=rows)
    assert result.created == 1, result.errors
    resident = Resident.objects.get()
    assert resident.rt == "003" and resident.hamlet.name == "Sumberrejo" and resident.family_relation == 1
    broken = import_rows(village=world.village, rows=[["Nama", "Alamat"], ["x", "y"]])
    assert broken.created == 0 and "Kolom wajib" in broken.errors[0].message


def test_nik_of_another_village_is_refused(world):
    kk1, kk2 = kk_for(), kk_for()
    first = row("SLAMET", dt.date(1980, 5, 17), kk=kk1)
    import_rows(village=world.village, rows=[HEADER, first])
    moved = list(first)
    moved[HEADER.index("no_kk")] = kk2
    result = import_rows(village=world.other_village, rows=[HEADER, moved])
    assert result.created == 0 and "desa lain" in result.errors[0].message
    assert Resident.objects.get().village_id == world.village.pk


def _xlsx(rows) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def test_import_job_runs_in_background_with_report(world):
    kk = kk_for()
    content = _xlsx(
        [HEADER, row("SLAMET", dt.date(1980, 5, 17), kk=kk), row("X", dt.date(1990, 1, 1), kk=kk, nik="123")]
    )
    upload = SimpleUploadedFile("penduduk.xlsx", content)
    job = jobs.import_job_create(actor=world.users["village_operator"], village=world.village, upload=upload)
    assert job.status == ImportStatus.QUEUED
    run_pending_tasks()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.failed_count, job.percent) == (ImportStatus.DONE, 1, 1, 100)
    data, _content_type = jobs.import_job_report(actor=world.users["village_operator"], job=job, fmt="xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[1][0] == 3 and "16 angka" in sheet[1][3]
    csv_data, _type = jobs.import_job_report(actor=world.users["village_operator"], job=job, fmt="csv")
    assert "16 angka" in csv_data.decode("utf-8-sig")
    with pytest.raises(PermissionDenied):
        jobs.import_job_report(actor=world.users["other_village_operator"], job=job, fmt="csv")


@pytest.mark.parametrize(
    "user", ["other_village_operator", "district_officer", "regency_admin", "front_office"]
)
def test_import_and_export_refused_to_others(world, user):
    upload = SimpleUploadedFile("p.csv", b"nik,nama\n")
    with pytest.raises(PermissionDenied):
        jobs.import_job_create(actor=world.users[user], village=world.village, upload=upload)
    with pytest.raises(PermissionDenied):
        jobs.residents_export(actor=world.users[user], village=world.village, fmt="csv")
    assert ImportJob.objects.count() == 0 and ExportLog.objects.count() == 0


def test_export_roundtrip_is_unchanged_and_logged(world):
    kk = kk_for()
    import_rows(
        village=world.village,
        rows=[
            HEADER,
            row("SLAMET", dt.date(1980, 5, 17), kk=kk),
            row("SITI", dt.date(1984, 3, 12), female=True, kk=kk, relation=3),
        ],
    )
    content, _type, count = jobs.residents_export(
        actor=world.users["village_operator"], village=world.village, fmt="csv"
    )
    assert count == 2
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    again = import_rows(village=world.village, rows=rows)
    assert (again.unchanged, again.created, again.updated, again.failed) == (2, 0, 0, 0)
    xlsx, _type, count = jobs.residents_export(
        actor=world.users["village_operator"], village=world.village, fmt="xlsx"
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0).to_python()
    assert import_rows(village=world.village, rows=sheet).unchanged == 2
    log = ExportLog.objects.order_by("pk")
    assert [(e.format, e.row_count, e.actor.username) for e in log] == [
        ("csv", 2, "village_operator"),
        ("xlsx", 2, "village_operator"),
    ]


def test_hamlet_names_in_any_case_and_spacing_are_one_hamlet_created_once_per_batch(world):
    from pintu.population.models import Hamlet

    kk1, kk2 = kk_for(), kk_for()
    rows = [
        HEADER,
        row("SLAMET", dt.date(1980, 5, 17), kk=kk1, dusun="krajan"),
        row("SITI", dt.date(1984, 3, 12), female=True, kk=kk1, relation=3, dusun=" KRAJAN  "),
        row("TANPA DUSUN", dt.date(1990, 1, 1), kk=kk2, dusun="-"),
        row("KOSONG", dt.date(1991, 1, 1), kk=kk2, relation=4, dusun=""),
        row("BARU", dt.date(1992, 1, 1), kk=kk2, relation=4, dusun="Sumber  Rejo"),
        row("ANGKA", dt.date(1993, 1, 1), kk=kk2, relation=4, dusun=7),
    ]
    result = import_rows(village=world.village, rows=rows, batch_size=2)  # new names in later batches
    assert (result.created, result.failed) == (6, 0), result.errors
    hamlets = dict(Hamlet.objects.filter(village=world.village).values_list("name", "pk"))
    assert set(hamlets) == {"Krajan", "Sumber Rejo", "7"}
    by_name = dict(Resident.objects.values_list("full_name", "hamlet_id"))
    assert by_name["SLAMET"] == by_name["SITI"] == hamlets["Krajan"]
    assert by_name["TANPA DUSUN"] is None and by_name["KOSONG"] is None
    assert (by_name["BARU"], by_name["ANGKA"]) == (hamlets["Sumber Rejo"], hamlets["7"])
    # another village's hamlet of the same name is its own; a re-run creates no hamlet
    import_rows(village=world.village, rows=rows)
    assert Hamlet.objects.filter(village=world.village).count() == 3


@pytest.mark.django_db(transaction=True)
def test_many_batches_written_while_the_next_is_validated(world):
    """On PostgreSQL outside a transaction the batches are written by the second thread (its own
    connection); on SQLite inline. A family spanning batches is one family with its head, the
    counts are right, and a re-run changes nothing."""
    families = [kk_for() for _ in range(4)]
    rows = [HEADER]
    for index, kk in enumerate(families):
        rows.append(row(f"KEPALA {index}", dt.date(1970 + index, 1, 2), kk=kk))
        rows.append(row(f"ISTRI {index}", dt.date(1975 + index, 2, 3), female=True, kk=kk, relation=3))
        rows.append(row(f"ANAK {index}", dt.date(2000 + index, 3, 4), kk=kk, relation=4))
    rows.append(row("SALAH", dt.date(1990, 1, 1), kk=families[0], relation=4, nik="123"))
    seen = []
    result = import_rows(
        village=world.village, rows=rows, batch_size=2, progress=lambda r: seen.append(r.total)
    )
    assert (result.total, result.created, result.failed) == (13, 12, 1), result.errors
    assert result.errors[0].row_number == 14 and "16 angka" in result.errors[0].message
    assert seen == sorted(seen) and seen[-1] == 13 and len(seen) >= 6
    assert Family.objects.count() == 4 and Resident.objects.count() == 12
    for index, kk in enumerate(families):
        family = Family.objects.get(kk_number=kk)
        assert family.head.full_name == f"KEPALA {index}"
        assert Resident.objects.filter(family=family).count() == 3
    assert counted(world.village) == 12
    again = import_rows(village=world.village, rows=rows, batch_size=2)
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 12, 1)
    assert Resident.objects.count() == 12 and counted(world.village) == 12


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("members", "threads_on_postgres"), [(1, 0), (3, 1)])
def test_writer_thread_only_when_there_is_a_next_batch_to_overlap(
    world, monkeypatch, members, threads_on_postgres
):
    """A file of one batch is written inline (nothing to overlap: no thread, no connection)."""
    from django.db import connection

    from pintu.population import importing

    started = []
    real = importing.ThreadPoolExecutor

    def recording(**kwargs):
        started.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(importing, "ThreadPoolExecutor", recording)
    kk = kk_for()
    rows = [HEADER] + [
        row(f"ORANG {i}", dt.date(1980 + i, 5, 17), kk=kk, relation=1 if i == 0 else 4)
        for i in range(members)
    ]
    result = import_rows(village=world.village, rows=rows, batch_size=2)
    assert (result.created, result.failed) == (members, 0), result.errors
    expected = threads_on_postgres if connection.vendor == "postgresql" else 0
    assert len(started) == expected
    assert Family.objects.get(kk_number=kk).head.full_name == "ORANG 0"


def test_import_inside_a_transaction_keeps_its_commit_durable(world):
    """The batches' asynchronous commit applies only when a batch is its own transaction: an
    import inside a caller's transaction leaves that transaction's commit as configured."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = local")  # the caller's own setting
    result = import_rows(
        village=world.village, rows=[HEADER, row("SLAMET", dt.date(1980, 5, 17), kk=kk_for())]
    )
    assert result.created == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "local"
