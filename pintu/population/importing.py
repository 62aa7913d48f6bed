"""Import of residents from a village spreadsheet or an OpenSID export (xlsx or CSV).

The file's first row names the columns: OpenSID's import/export names (``nik``, ``nama``,
``no_kk``, ``sex``, ``tempatlahir``, ``tanggallahir``, ``agama_id`` …) or the headers a village
spreadsheet uses ("NIK", "Nama Lengkap", "No. KK", "Jenis Kelamin" …); codes may be the code
numbers or the labels.

How it is fast (see bench/population_import.py): rows are validated in Python in batches with
no query per row (known kecamatan codes, hamlets and existing NIKs/KKs are looked up once per
batch); new families and residents are written with COPY on PostgreSQL (ids taken from the
sequences first, so the head of a family is known without a second pass) and with bulk inserts
on SQLite; changed rows with bulk updates; the statistics are rebuilt once at the end.

Re-runnable: rows are matched by NIK. A row equal to what is stored is "unchanged"; a row that
differs updates the resident (a correction event is logged); a NIK registered in another village
is refused (that is a move: record a transfer). Bad rows are reported with their reason and
never stop the good ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.core.rows import allocate_id_block
from pintu.population import stats
from pintu.population.cleaning import RESIDENT_FIELDS, clean_kk, clean_resident
from pintu.population.constants import EventKind, FamilyRelation, FamilyStatus, ResidentStatus
from pintu.population.models import Family, Hamlet, PopulationEvent, Resident
from pintu.population.validation import _districts_cached

ALIVE = int(ResidentStatus.ALIVE)  # plain ints in the hot loop (enum access costs)
HEAD = int(FamilyRelation.HEAD)

# OpenSID column -> Pintu field (the order is OpenSID's import/export sheet).
OPENSID_COLUMNS = {
    "alamat": "address",
    "dusun": "hamlet",
    "rw": "rw",
    "rt": "rt",
    "nama": "full_name",
    "no_kk": "kk_number",
    "nik": "nik",
    "sex": "sex",
    "tempatlahir": "birth_place",
    "tanggallahir": "birth_date",
    "agama_id": "religion",
    "pendidikan_kk_id": "education",
    "pendidikan_sedang_id": "education_current",
    "pekerjaan_id": "occupation",
    "status_kawin": "marital_status",
    "kk_level": "family_relation",
    "warganegara_id": "citizenship",
    "ayah_nik": "father_nik",
    "nama_ayah": "father_name",
    "ibu_nik": "mother_nik",
    "nama_ibu": "mother_name",
    "golongan_darah_id": "blood_type",
    "akta_lahir": "birth_certificate",
    "tanggalperkawinan": "marriage_date",
    "cacat_id": "disability",
    "status_dasar": "status",
    "telepon": "phone",
}
# Headers of village spreadsheets (normalized: lower case, letters and digits only).
ALIASES = {
    "namalengkap": "full_name",
    "nokk": "kk_number",
    "nomorkk": "kk_number",
    "kk": "kk_number",
    "jeniskelamin": "sex",
    "jk": "sex",
    "lp": "sex",
    "tempatlahir": "birth_place",
    "tanggallahir": "birth_date",
    "tgllahir": "birth_date",
    "agama": "religion",
    "pendidikan": "education",
    "pendidikandalamkk": "education",
    "pendidikansedang": "education_current",
    "pekerjaan": "occupation",
    "statusperkawinan": "marital_status",
    "statuskawin": "marital_status",
    "shdk": "family_relation",
    "hubungankeluarga": "family_relation",
    "hubungandalamkeluarga": "family_relation",
    "kewarganegaraan": "citizenship",
    "niknayah": "father_nik",
    "nikayah": "father_nik",
    "namaayah": "father_name",
    "nikibu": "mother_nik",
    "namaibu": "mother_name",
    "golongandarah": "blood_type",
    "goldarah": "blood_type",
    "aktalahir": "birth_certificate",
    "noaktalahir": "birth_certificate",
    "tanggalperkawinan": "marriage_date",
    "cacat": "disability",
    "disabilitas": "disability",
    "statusdasar": "status",
    "alamat": "address",
    "dusun": "hamlet",
    "nohp": "phone",
    "telepon": "phone",
}
_HEADER = re.compile(r"[^a-z0-9]")


def map_header(header: list) -> dict[int, str]:
    """Column index -> Pintu field, for the columns we know."""
    mapping = {}
    for index, name in enumerate(header):
        text = str(name or "").strip().lower()
        target = (
            OPENSID_COLUMNS.get(text)
            or ALIASES.get(_HEADER.sub("", text))
            or OPENSID_COLUMNS.get(_HEADER.sub("", text))
        )
        if target and target not in mapping.values():
            mapping[index] = target
    return mapping


REQUIRED_COLUMNS = ("nik", "full_name", "kk_number", "sex", "birth_date", "religion")


# --- reading files ----------------------------------------------------------------------------------


def read_rows(path: str, name: str) -> Iterator[list]:
    """Rows (lists of cells) of an xlsx or CSV file, header first."""
    if name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(path)
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
        return
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        yield from csv.reader(fh, delimiter=delimiter)


# --- the engine -------------------------------------------------------------------------------------


@dataclass
class RowError:
    row_number: int
    nik: str
    full_name: str
    message: str


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


COMPARED = (*RESIDENT_FIELDS, "hamlet_id", "family_id", "status")


class _Batch:
    def __init__(self):
        self.rows: list[tuple[int, dict, str, str, int]] = []  # (row no, values, kk, hamlet, status)


def import_rows(
    *,
    village,
    rows: Iterable[list],
    actor=None,
    batch_size: int = 5000,
    progress=None,
) -> ImportResult:
    """Import the rows (header first) into ``village``. ``progress(result)`` is called after each
    batch. Each batch commits on its own, with its statistics change (one upsert statement): a
    failure later keeps earlier batches and the counts stay right."""
    iterator = iter(rows)
    header = next(iterator, None)
    result = ImportResult()
    if header is None:
        result.errors.append(RowError(1, "", "", _("Berkas kosong: baris pertama harus berisi nama kolom.")))
        return result
    mapping = map_header(header)
    missing = [f for f in REQUIRED_COLUMNS if f not in mapping.values()]
    if missing:
        result.errors.append(
            RowError(
                1,
                "",
                "",
                _("Kolom wajib tidak ditemukan: %(cols)s. Pakai templat impor Pintu atau ekspor OpenSID.")
                % {"cols": ", ".join(missing)},
            )
        )
        return result
    context = _Context(village)
    writer = _Writer(context, result, actor)
    batch: list[tuple[int, list]] = []
    row_number = 1
    try:
        for row in iterator:
            row_number += 1
            if not any(row) and not any(cell not in (None, "") for cell in row):
                continue  # a blank line (any(): the fast check; a cell 0 still counts)
            batch.append((row_number, row))
            if len(batch) >= batch_size:
                writer.submit(_run_batch(context, mapping, batch, result), last=False)
                batch = []
                if progress:
                    progress(result)
        if batch:
            writer.submit(_run_batch(context, mapping, batch, result), last=True)
    finally:
        writer.close()
    if progress:
        progress(result)
    return result


class _Writer:
    """Writes validated batches. On PostgreSQL outside a transaction, in a second thread with its
    own connection, so the database stores batch N while Python validates batch N + 1 (the
    thread mostly waits on the socket, which releases the GIL). Otherwise inline. One batch in
    flight at most: order and memory stay bounded. The thread (and its connection) starts with
    the first batch that has more rows behind it: a file of one batch is written inline, as
    there is nothing to overlap."""

    def __init__(self, context, result: ImportResult, actor):
        self.context, self.result, self.actor = context, result, actor
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.pool = None
        self.pending = None

    def submit(self, good, *, last: bool = False) -> None:
        if not good:
            return
        if self.pool is None and self.threaded and not last:
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="population-import")
        if self.pool is None:
            _commit(self.context, good, self.result, self.actor)
            return
        self.wait()
        self.pending = self.pool.submit(_commit, self.context, good, self.result, self.actor)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self.pool is not None:
                self.pool.submit(connections.close_all).result()  # the thread's own connection
                self.pool.shutdown()


def _commit(context, good, result: ImportResult, actor) -> None:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if context.postgres:
            # The unique indexes for the lookups even while the table statistics lag behind a
            # bulk load. When the batch is its own transaction, its commit does not wait for the
            # WAL flush: no risk of inconsistency, only of losing the last batches if the server
            # crashes, which a re-run restores (rows are matched by NIK); the job's final record
            # is committed normally, which flushes every earlier batch first, so a job marked
            # done has all its rows on disk. Both settings end with the transaction.
            settings = "set_config('enable_seqscan', 'off', true)"
            if outermost:
                settings += ", set_config('synchronous_commit', 'off', true)"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {settings}")
        _write(context, good, result, actor)


class _Context:
    def __init__(self, village):
        self.village = village
        self.districts = _districts_cached()
        self.today = timezone.localdate()
        # name key (upper case) -> id
        self.hamlets = {h.name.upper(): h.pk for h in Hamlet.objects.filter(village=village)}
        self.new_hamlets: dict[str, str] = {}  # key -> name to create (this batch)
        self.hamlet_cells: dict = {}  # cell as read -> key (None: no hamlet)
        self.seen_niks: dict[str, int] = {}
        self.postgres = connection.vendor == "postgresql"


def _hamlet_key(context: _Context, name) -> str | None:
    """The hamlet's key (upper case, single spaces) for a cell, remembering a new name to
    create (``_create_hamlets``, once per batch)."""
    if name is None:
        return None
    key = context.hamlet_cells.get(name, False)
    if key is not False:
        return key
    text = " ".join(str(name).split())
    key = None if not text or text == "-" else text.upper()
    if key is not None and key not in context.hamlets:
        context.new_hamlets.setdefault(key, text.title())
    context.hamlet_cells[name] = key
    return key


def _create_hamlets(context: _Context) -> None:
    """The hamlets first named in this batch: one insert (existing names are skipped, so two
    imports of the same village at once are harmless) and one select."""
    names = context.new_hamlets
    if not names:
        return
    Hamlet.objects.bulk_create(
        [Hamlet(village=context.village, name=title) for title in names.values()], ignore_conflicts=True
    )
    ids = dict(
        Hamlet.objects.filter(village=context.village, name__in=list(names.values())).values_list(
            "name", "pk"
        )
    )
    for key, title in names.items():
        context.hamlets[key] = ids[title]
    names.clear()


def _run_batch(context: _Context, mapping: dict[int, str], batch, result: ImportResult) -> list:
    """Validate a batch: the good rows are returned, the bad ones go to ``result.errors``."""
    from pintu.population import codes

    good: list[tuple[int, dict, str, int | None, int]] = []
    indices = sorted(mapping)
    names = [mapping[i] for i in indices]
    width = indices[-1] + 1
    pick = operator.itemgetter(*indices)
    status_table = codes._BY_TEXT["status_dasar"]
    last_kk_raw, last_kk = None, ("", None)
    for row_number, row in batch:
        result.total += 1
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        raw = dict(zip(names, pick(row), strict=True))
        if "-" in raw.values():  # OpenSID writes "-" for an empty cell
            raw = {k: (None if v == "-" else v) for k, v in raw.items()}
        values, errors = clean_resident(raw, districts=context.districts, today=context.today)
        kk_raw = raw.get("kk_number")
        if kk_raw != last_kk_raw or kk_raw is None:
            last_kk_raw = kk_raw
            last_kk = clean_kk(kk_raw, districts=context.districts, today=context.today)
        kk, kk_error = last_kk
        if not kk:
            kk_error = _("Nomor KK wajib diisi.")
        status = ALIVE
        raw_status = raw.get("status")
        if raw_status not in (None, ""):
            status = status_table.get(raw_status) if raw_status.__class__ is str else None
            status = status if status is not None else codes.lookup("status_dasar", raw_status)
            if status is None:
                errors["status"] = _("Status dasar “%(v)s” tidak dikenal.") % {"v": raw["status"]}
        messages = list(errors.values())
        if kk_error:
            messages.append(kk_error)
        nik = values.get("nik", "")
        if not messages:
            first = context.seen_niks.get(nik)
            if first is not None:
                messages.append(_("NIK ganda di berkas ini (sudah ada di baris %(row)s).") % {"row": first})
            else:
                context.seen_niks[nik] = row_number
        if messages:
            result.errors.append(
                RowError(row_number, nik[:40], values.get("full_name", "")[:150], "; ".join(messages))
            )
            continue
        good.append((row_number, values, kk, _hamlet_key(context, raw.get("hamlet")), status))
    _create_hamlets(context)
    hamlets = context.hamlets
    return [
        (row_number, values, kk, None if key is None else hamlets[key], status)
        for row_number, values, kk, key, status in good
    ]


def _write(context: _Context, good, result: ImportResult, actor) -> None:
    village_id = context.village.pk
    niks = [values["nik"] for _n, values, _kk, _h, _s in good]
    kks = sorted({kk for _n, _v, kk, _h, _s in good})
    existing_families, existing = _lookup_existing(context, niks, kks)
    new_families: dict[str, dict] = {}
    new_residents: list[dict] = []
    updates: list[tuple[int, dict]] = []
    heads: dict[str, str] = {}  # kk -> nik of head (for families without one)
    stored_by_pk: dict[int, dict] = {}
    for row_number, values, kk, hamlet_id, status in good:
        family = existing_families.get(kk)
        if family is not None and family["village_id"] != village_id:
            result.errors.append(
                RowError(
                    row_number, values["nik"], values["full_name"], _("Nomor KK ini terdaftar di desa lain.")
                )
            )
            continue
        stored = existing.get(values["nik"])
        if stored is not None and stored["village_id"] != village_id:
            result.errors.append(
                RowError(
                    row_number,
                    values["nik"],
                    values["full_name"],
                    _("NIK ini terdaftar di desa lain. Jika penduduk pindah, catat pindah datang (mutasi)."),
                )
            )
            continue
        if family is None and kk not in new_families:
            new_families[kk] = {
                "kk_number": kk,
                "hamlet_id": hamlet_id,
                "rw": values["rw"],
                "rt": values["rt"],
                "address": values["address"],
            }
        if (
            values["family_relation"] == HEAD
            and status == ALIVE
            and (family is None or family["head_id"] is None)
        ):
            heads.setdefault(kk, values["nik"])
        row = values  # ours (made by clean_resident for this row): completed in place
        row["hamlet_id"], row["status"], row["_kk"] = hamlet_id, status, kk
        if stored is None:
            new_residents.append(row)
            continue
        row["family_id"] = family["pk"] if family is not None else None
        changed = {f: row[f] for f in COMPARED if f in row and f != "family_id" and row[f] != stored[f]}
        if family is None or stored["family_id"] != family["pk"]:
            changed["_kk"] = kk
        if changed:
            updates.append((stored["pk"], changed))
            stored_by_pk[stored["pk"]] = stored
        else:
            result.unchanged += 1
    delta: dict = {}
    stats.accumulate_rows(delta, village_id, new_residents)
    for pk, changed in updates:
        stored = stored_by_pk[pk]
        stats.accumulate(delta, stats.footprint_of_values(village_id, stored), -1)
        stats.accumulate(delta, stats.footprint_of_values(village_id, {**stored, **changed}), 1)
    stats.add_counts({key: d for key, d in delta.items() if d[0] or d[1]})
    writer = _write_postgres if context.postgres else _write_orm
    family_ids = writer(village_id, new_families, new_residents, heads)
    family_ids.update({kk: f["pk"] for kk, f in existing_families.items()})
    if updates:
        _apply_updates(updates, family_ids, actor, village_id)
    _set_heads(heads, family_ids, existing_families)
    result.created += len(new_residents)
    result.updated += len(updates)


def _lookup_existing(context: _Context, niks: list[str], kks: list[str]) -> tuple[dict, dict]:
    """Families by KK number and current residents by NIK, one query each (index lookups)."""
    if not context.postgres:
        families = {
            f["kk_number"]: f
            for f in Family.objects.filter(kk_number__in=kks).values(
                "pk", "kk_number", "village_id", "head_id"
            )
        }
        residents = {
            r["nik"]: r
            for r in Resident.objects.filter(nik__in=niks)
            .exclude(status=ResidentStatus.INVALID)
            .values("pk", "village_id", *COMPARED)
        }
        return families, residents
    # One parameter instead of thousands (no per-parameter ORM work); the unique indexes are
    # used (``enable_seqscan`` is off in the batch's transaction, see ``_commit``).
    columns = ["id", "village_id", *COMPARED]
    with connection.cursor() as cursor:
        # The numbers are validated digits: one comma-separated text parameter (quoted as one
        # string) instead of an array the client-side binding renders item by item.
        cursor.execute(
            f"SELECT id, kk_number, village_id, head_id FROM {Family._meta.db_table} WHERE kk_number = ANY(string_to_array(%s, ','))",  # noqa: S608 - table and column names from the models
            [",".join(kks)],
        )
        families = {
            row[1]: {"pk": row[0], "kk_number": row[1], "village_id": row[2], "head_id": row[3]}
            for row in cursor.fetchall()
        }
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {Resident._meta.db_table} WHERE nik = ANY(string_to_array(%s, ',')) AND NOT (status = 9)",  # noqa: S608
            [",".join(niks)],
        )
        residents = {}
        for row in cursor.fetchall():
            item = dict(zip(columns, row, strict=True))
            item["pk"] = item.pop("id")
            residents[item["nik"]] = item
    return families, residents


def _write_orm(village_id, new_families, new_residents, heads) -> dict[str, int]:
    families = Family.objects.bulk_create(
        [Family(village_id=village_id, **data) for data in new_families.values()], batch_size=1000
    )
    family_ids = {f.kk_number: f.pk for f in families}
    existing = dict(
        Family.objects.filter(kk_number__in=[r["_kk"] for r in new_residents]).values_list("kk_number", "pk")
    )
    family_ids = {**existing, **family_ids}
    objects = []
    for row in new_residents:
        data = {k: v for k, v in row.items() if k != "_kk"}
        objects.append(
            Resident(
                village_id=village_id,
                family_id=family_ids[row["_kk"]],
                name_key=row["full_name"].upper(),
                **data,
            )
        )
    Resident.objects.bulk_create(objects, batch_size=500)
    return family_ids


RESIDENT_COPY_COLUMNS = (
    "id",
    "village_id",
    "family_id",
    "nik",
    "nik_is_temporary",
    "full_name",
    "name_key",
    "sex",
    "birth_place",
    "birth_date",
    "birth_certificate",
    "religion",
    "education",
    "education_current",
    "occupation",
    "marital_status",
    "blood_type",
    "family_relation",
    "citizenship",
    "disability",
    "residency",
    "father_nik",
    "father_name",
    "mother_nik",
    "mother_name",
    "marriage_date",
    "phone",
    "hamlet_id",
    "rw",
    "rt",
    "address",
    "status",
    "status_date",
    "created_at",
    "updated_at",
)
_FAMILY_COPY_COLUMNS = (
    "id",
    "kk_number",
    "village_id",
    "hamlet_id",
    "rw",
    "rt",
    "address",
    "head_id",
    "status",
    "created_at",
    "updated_at",
)


def _write_postgres(village_id, new_families, new_residents, heads) -> dict[str, int]:
    # Text COPY: values already rendered as text are sent as they are (a tz-aware datetime or a
    # date would go through psycopg's dumpers once per row).
    now = timezone.now().isoformat()
    with connection.cursor() as cursor:
        family_ids = dict(zip(new_families, allocate_id_block(Family, len(new_families)), strict=True))
        resident_ids = allocate_id_block(Resident, len(new_residents))
        missing = {row["_kk"] for row in new_residents} - family_ids.keys()
        if missing:
            family_ids.update(Family.objects.filter(kk_number__in=missing).values_list("kk_number", "pk"))
        nik_ids = {}
        raw = cursor.cursor  # the psycopg cursor (COPY)
        table = Resident._meta.db_table
        with raw.copy(f"COPY {table} ({', '.join(RESIDENT_COPY_COLUMNS)}) FROM STDIN") as copy:
            for rid, row in zip(resident_ids, new_residents, strict=True):
                nik_ids[row["nik"]] = rid
                copy.write_row(
                    (
                        rid,
                        village_id,
                        family_ids[row["_kk"]],
                        row["nik"],
                        False,
                        row["full_name"],
                        row["full_name"].upper(),
                        row["sex"],
                        row["birth_place"],
                        row["birth_date"].isoformat(),
                        row["birth_certificate"],
                        row["religion"],
                        row["education"],
                        row["education_current"],
                        row["occupation"],
                        row["marital_status"],
                        row["blood_type"],
                        row["family_relation"],
                        row["citizenship"],
                        row["disability"],
                        row["residency"],
                        row["father_nik"],
                        row["father_name"],
                        row["mother_nik"],
                        row["mother_name"],
                        None if row["marriage_date"] is None else row["marriage_date"].isoformat(),
                        row["phone"],
                        row["hamlet_id"],
                        row["rw"],
                        row["rt"],
                        row["address"],
                        row["status"],
                        None,
                        now,
                        now,
                    )
                )
        if new_families:
            with raw.copy(
                f"COPY {Family._meta.db_table} ({', '.join(_FAMILY_COPY_COLUMNS)}) FROM STDIN"
            ) as copy:
                for kk, data in new_families.items():
                    head_nik = heads.get(kk)
                    copy.write_row(
                        (
                            family_ids[kk],
                            kk,
                            village_id,
                            data["hamlet_id"],
                            data["rw"],
                            data["rt"],
                            data["address"],
                            nik_ids.get(head_nik) if head_nik else None,
                            FamilyStatus.ACTIVE.value,
                            now,
                            now,
                        )
                    )
            for kk in new_families:
                heads.pop(kk, None)  # done in the COPY
    return family_ids


def _apply_updates(updates, family_ids, actor, village_id) -> None:
    ids = [pk for pk, _changed in updates]
    objects = {r.pk: r for r in Resident.objects.filter(pk__in=ids)}
    fields: set[str] = set()
    events = []
    today = timezone.localdate()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    for pk, changed in updates:
        resident = objects[pk]
        plain = {}
        for name, value in changed.items():
            if name == "_kk":
                name, value = "family_id", family_ids.get(value)
            plain[name] = [getattr(resident, name), value]
            setattr(resident, name, value)
            fields.add(name)
        resident.name_key = resident.full_name.upper()
        events.append(
            PopulationEvent(
                village_id=village_id,
                resident_id=pk,
                family_id=resident.family_id,
                kind=EventKind.CORRECTION,
                event_date=today,
                actor=actor_obj,
                note="impor",
                data={"changes": _jsonable(plain)},
            )
        )
    fields |= {"name_key", "updated_at"}
    for resident in objects.values():
        resident.updated_at = timezone.now()
    Resident.objects.bulk_update(list(objects.values()), sorted(fields), batch_size=500)
    PopulationEvent.objects.bulk_create(events, batch_size=1000)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _set_heads(heads: dict[str, str], family_ids: dict[str, int], existing_families) -> None:
    """Families still without a head get the row marked as head (SQLite path, existing KKs)."""
    if not heads:
        return
    by_nik = dict(
        Resident.objects.filter(nik__in=list(heads.values()))
        .exclude(status=ResidentStatus.INVALID)
        .values_list("nik", "pk")
    )
    families = Family.objects.filter(
        pk__in=[family_ids[kk] for kk in heads if kk in family_ids], head__isnull=True
    )
    for family in families:
        head = by_nik.get(heads.get(family.kk_number))
        if head:
            family.head_id = head
    Family.objects.bulk_update(list(families), ["head"], batch_size=500)


# --- the error report -----------------------------------------------------------------------------


def error_report(errors, *, fmt: str) -> tuple[bytes, str]:
    """The bad rows with their reasons, as xlsx or CSV. Returns (content, content type)."""
    header = [_("Baris"), "NIK", _("Nama"), _("Alasan")]
    rows = [[e.row_number, e.nik, e.full_name, e.message] for e in errors]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Baris bermasalah"))
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, header, bold)
    for index, row in enumerate(rows, start=1):
        sheet.write_number(index, 0, row[0])
        sheet.write_string(index, 1, row[1], text)
        sheet.write_string(index, 2, row[2])
        sheet.write_string(index, 3, row[3])
    sheet.set_column(0, 0, 7)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 28)
    sheet.set_column(3, 3, 90)
    workbook.close()
    return output.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
