"""Siskeudes import of a whole year (budget, adoption and execution): ``import_year``."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from pintu.accounts.access import principal_for
from pintu.audit.services import audit_record
from pintu.core.errors import DomainError, PermissionDenied, ValidationFailed
from pintu.village_finance import services
from pintu.village_finance.constants import BudgetAction, BudgetKind, BudgetStatus, LineKind
from pintu.village_finance.models import Activity, ActivityKind, Budget, BudgetLine, FiscalYear, PlanActivity
from pintu.village_finance.siskeudes import NON_ACTIVITY, kd_desa
from pintu.village_finance.siskeudes_execution import ExecutionImport
from pintu.village_finance.siskeudes_rows import (
    IMPORT_NOTE,
    ImportReport,
    RowError,
    RowFailed,
    count_rows,
    domain_failure,
    keg_code,
    may_import,
    parse_amount,
    parse_date,
    read_archive,
    required,
    target_rows,
)

# --- import of a whole year (budget and execution) -----------------------------------------------
#
# One verb, ``import_year``: the village treasurer (own village) or the regency admin (any village of
# the regency) loads a Siskeudes zip into a village's year. Rows are historical: the budget enters
# adopted when Ta_AnggaranLog says so, SPP enter approved or paid, receipts/remittances/transfers
# posted, all through the posting helpers of ``services`` (journal lines, realisation counters).
# Every row is its own savepoint: a bad row is reported (table, row, column, reason) and leaves
# nothing behind; good rows are kept. Natural keys (Kd_SubRinci, No_SPP, No_Bukti, No_SSP) make a
# re-import skip what is already there.


class _Importer(ExecutionImport):
    def __init__(self, *, actor, fiscal_year: FiscalYear, tables: dict, report: ImportReport, progress):
        self.actor = actor
        self.fy = fiscal_year
        self.year = fiscal_year.year
        self.tables = tables
        self.report = report
        self.progress = progress
        self.by_keg: dict[str, Activity] = {}
        self.key_map: dict[tuple, uuid.UUID] = {}
        self.budget_failed = False

    # -- plumbing --

    def rows(self, table: str) -> list[tuple[int, dict]]:
        return [(i, row) for i, row in enumerate(self.tables.get(table, []), start=2)]

    def group(self, table: str, column: str) -> dict[str, list[tuple[int, dict]]]:
        grouped: dict[str, list] = {}
        for i, row in self.rows(table):
            grouped.setdefault(row.get(column, ""), []).append((i, row))
        return grouped

    def run(self, table: str, row_number: int, column: str, work) -> str:
        try:
            with transaction.atomic():
                # One row at a time per year: a second import running at once waits, then finds
                # the row's natural key and skips it instead of posting it twice.
                FiscalYear.objects.select_for_update().filter(pk=self.fy.pk).first()
                outcome = work()
        except RowFailed as failure:
            outcome = "failed"
            self.report.errors.append(
                RowError(failure.table or table, failure.row or row_number, failure.column, failure.message)
            )
        except DomainError as error:
            failure = domain_failure(error, column)
            outcome = "failed"
            self.report.errors.append(RowError(table, row_number, failure.column, failure.message))
        self.report.tally(table, outcome)
        self.report.processed += 1
        if self.progress and self.report.processed % 25 == 0:
            self.progress(self.report)
        return outcome

    def audit(self, verb: str, obj, **changes) -> None:
        audit_record(actor=self.actor, verb=f"village_finance.siskeudes_{verb}", obj=obj, changes=changes)

    # -- budget --

    def budget(self) -> Budget:
        return Budget.objects.get(fiscal_year=self.fy, kind=BudgetKind.ORIGINAL)

    def import_budget(self) -> None:
        budget = self.budget()
        editable = budget.is_editable
        plans = {
            (p.kind.siskeudes_code, p.name): p
            for p in PlanActivity.objects.filter(fiscal_year=self.fy).select_related("kind", "fund_source")
        }
        activities = {a.plan_id: a for a in Activity.objects.filter(budget=budget)}
        kinds = {k.siskeudes_code: k for k in ActivityKind.objects.all()}
        for number, row in self.rows("Ta_Kegiatan"):

            def work(row=row):
                code = required(row, "ID_Keg") if row.get("ID_Keg") else keg_code(required(row, "Kd_Keg"))
                kind = kinds.get(code)
                if kind is None:
                    raise RowFailed(
                        "ID_Keg", _("Kode kegiatan %(c)s tidak ada dalam daftar kegiatan.") % {"c": code}
                    )
                name = required(row, "Nama_Kegiatan")[:300]
                plan = plans.get((code, name))
                activity = activities.get(plan.pk) if plan else None
                if activity is not None:
                    self.by_keg[row.get("Kd_Keg", "")] = activity
                    return "skipped"
                if not editable:
                    raise RowFailed(
                        "Kd_Keg",
                        _("APBDes sudah ditetapkan; kegiatan baru tidak dapat ditambahkan lewat impor."),
                    )
                if plan is None:
                    plan = PlanActivity.objects.create(
                        fiscal_year=self.fy,
                        kind=kind,
                        name=name,
                        location=row.get("Lokasi", "")[:200],
                        output=row.get("Keluaran", "")[:200],
                        indicative_amount=parse_amount(row.get("Pagu", ""), "Pagu", positive=False),
                        fund_source=services._fund_source(row.get("Sumberdana") or "DDS"),
                    )
                    self.audit("plan", plan, kind=code)
                activity = Activity.objects.create(
                    budget=budget,
                    plan=plan,
                    kind=kind,
                    name=plan.name,
                    location=plan.location,
                    output=plan.output,
                )
                self.audit("activity", activity, plan=plan.pk)
                # caches last: a row that fails above rolls back and leaves them untouched
                plans[(code, name)] = plan
                activities[plan.pk] = activity
                self.by_keg[row.get("Kd_Keg", "")] = activity
                return "imported"

            self.run("Ta_Kegiatan", number, "ID_Keg", work)
        lines = list(BudgetLine.objects.filter(budget=budget).select_related("account", "activity__kind"))
        by_key = {line.key: line for line in lines}
        signatures = {
            (
                line.activity.kind.siskeudes_code if line.activity_id else NON_ACTIVITY,
                line.account.code,
                line.description,
                line.amount,
            )
            for line in lines
        }
        added = False
        for number, row in self.rows("Ta_RABRinci"):

            def work(row=row):
                nonlocal added
                code = required(row, "Kd_Rincian")
                kind = {"4": LineKind.INCOME, "5": LineKind.SPENDING, "6": LineKind.FINANCING}.get(
                    code.split(".")[0]
                )
                if kind is None:
                    raise RowFailed(
                        "Kd_Rincian",
                        _("Rekening %(c)s bukan pendapatan, belanja atau pembiayaan.") % {"c": code},
                    )
                sub = row.get("Kd_SubRinci", "")
                try:
                    key = uuid.UUID(sub)
                except ValueError:
                    key = None
                keg = keg_code(row.get("Kd_Keg", "")) or NON_ACTIVITY
                amount = parse_amount(row.get("Anggaran", ""), "Anggaran", positive=False)
                description = required(row, "Uraian")[:300]
                if key in by_key:
                    self.key_map[(row.get("Kd_Keg", ""), code, sub)] = key
                    return "skipped"
                if (keg, code, description, amount) in signatures:
                    match = next(
                        line
                        for line in by_key.values()
                        if line.account.code == code
                        and line.description == description
                        and line.amount == amount
                    )
                    self.key_map[(row.get("Kd_Keg", ""), code, sub)] = match.key
                    return "skipped"
                if not editable:
                    raise RowFailed(
                        "Kd_SubRinci",
                        _("APBDes sudah ditetapkan; baris baru tidak dapat ditambahkan lewat impor."),
                    )
                activity = None
                if kind == LineKind.SPENDING:
                    activity = self.by_keg.get(row.get("Kd_Keg", ""))
                    if activity is None:
                        raise RowFailed(
                            "Kd_Keg",
                            _("Kegiatan %(k)s tidak ada (atau gagal) di Ta_Kegiatan.")
                            % {"k": row.get("Kd_Keg", "")},
                        )
                values = services._line_values(
                    kind,
                    {
                        "account": code,
                        "fund_source": row.get("SumberDana") or "DDS",
                        "description": description,
                        "volume": row.get("JmlSatuan") or 1,
                        "unit": row.get("Satuan") or "paket",
                        "unit_price": parse_amount(row.get("HrgSatuan", ""), "HrgSatuan", positive=False),
                    },
                )
                if values["amount"] != amount:
                    raise RowFailed(
                        "Anggaran",
                        _("Anggaran %(a)s tidak sama dengan JmlSatuan × HrgSatuan (%(b)s).")
                        % {"a": amount, "b": values["amount"]},
                    )
                line = BudgetLine.objects.create(
                    budget=budget, kind=kind, activity=activity, key=key or uuid.uuid4(), **values
                )
                self.audit("budget_line", line, account=code, amount=line.amount)
                by_key[line.key] = line
                signatures.add((keg, code, description, amount))
                self.key_map[(row.get("Kd_Keg", ""), code, sub)] = line.key
                added = True
                return "imported"

            self.run("Ta_RABRinci", number, "Kd_Rincian", work)
        if added:
            services._recompute_totals(budget)
        failed = {t: self.report.counts.get(t, {}).get("failed", 0) for t in ("Ta_Kegiatan", "Ta_RABRinci")}
        self.budget_failed = any(failed.values())

    def adopt(self) -> None:
        for number, row in self.rows("Ta_AnggaranLog"):

            def work(row=row):
                if row.get("KdPosting", "1") not in ("1", ""):
                    raise RowFailed(
                        "KdPosting",
                        _("Perubahan APBDes (KdPosting %(k)s) belum dapat diimpor.")
                        % {"k": row.get("KdPosting")},
                    )
                budget = Budget.objects.select_for_update().get(pk=self.budget().pk)
                if budget.status == BudgetStatus.ADOPTED:
                    return "skipped"
                if self.budget_failed:
                    raise RowFailed(
                        "KdPosting",
                        _(
                            "APBDes tidak ditetapkan karena ada baris kegiatan/RAB yang gagal. Perbaiki lalu impor lagi."
                        ),
                    )
                number_ = required(row, "No_Perdes")[:80]
                on = (
                    parse_date(row.get("TglPosting", ""), "TglPosting", self.year, earliest=self.year - 1)
                    if row.get("TglPosting")
                    else None
                )
                before = budget.status
                budget.status = BudgetStatus.ADOPTED
                budget.perdes_number = number_
                budget.adopted_on = on
                budget.save(update_fields=["status", "perdes_number", "adopted_on", "updated_at"])
                FiscalYear.objects.filter(pk=self.fy.pk).update(effective_budget=budget)
                self.fy.effective_budget_id = budget.pk
                services._event(
                    budget,
                    BudgetAction.ADOPT,
                    before,
                    BudgetStatus.ADOPTED,
                    self.actor,
                    None,
                    note=IMPORT_NOTE,
                )
                self.audit("adopt", budget, status=[before, BudgetStatus.ADOPTED], perdes=number_)
                return "imported"

            self.run("Ta_AnggaranLog", number, "KdPosting", work)

    # -- execution --


def _open_year(actor, village, year: int) -> FiscalYear:
    fiscal_year, created = FiscalYear.objects.get_or_create(village=village, year=year)
    if created:
        budget = Budget.objects.create(
            fiscal_year=fiscal_year, kind=BudgetKind.ORIGINAL, status=BudgetStatus.DRAFT
        )
        services._event(budget, BudgetAction.CREATE, "", BudgetStatus.DRAFT, actor, None, note=IMPORT_NOTE)
        audit_record(
            actor=actor, verb="village_finance.fiscal_year_open", obj=fiscal_year, changes={"year": year}
        )
    return fiscal_year


def import_year(*, actor, village, year: int, data: bytes, progress=None) -> ImportReport:
    """Import a Siskeudes zip into a village's year: budget, adoption and execution (see above)."""
    if not may_import(principal_for(actor), village):
        raise PermissionDenied(
            _("Hanya bendahara desa ini atau admin kabupaten yang dapat mengimpor data Siskeudes.")
        )
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed(fields={"year": [_("Tahun anggaran tidak wajar.")]})
    tables = target_rows(read_archive(data), kd_desa(village.code), int(year))
    report = ImportReport(total=count_rows(tables))
    with transaction.atomic():
        fiscal_year = _open_year(actor, village, int(year))
    importer = _Importer(
        actor=actor, fiscal_year=fiscal_year, tables=tables, report=report, progress=progress
    )
    importer.import_budget()
    importer.adopt()
    importer.import_execution()
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb="village_finance.siskeudes_import",
            obj=fiscal_year,
            changes={"counts": report.counts, "failed": len(report.errors)},
        )
    if progress:
        progress(report)
    return report
