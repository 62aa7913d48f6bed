"""Siskeudes import, execution part: SPP (rincian, tax cuts, evidence, disbursement), receipts
(TBP), tax remittances (SSP), cash/bank transfers and the general journal (financing payments,
corrections), posted in date order through the posting helpers of ``services``."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.village_finance import services
from pintu.village_finance.constants import TAX_ACCOUNTS, Book, EntryKind, LineKind, SppAction, SppStatus
from pintu.village_finance.models import (
    BudgetLine,
    JournalEntry,
    JournalLine,
    PaymentEvent,
    PaymentRequest,
    PaymentTax,
)
from pintu.village_finance.siskeudes import (
    JNS_FINANCING_OUT,
    JNS_REVERSAL,
    MUTASI,
    NON_ACTIVITY,
    PANJAR_KINDS,
)
from pintu.village_finance.siskeudes_panjar import JN_SPP_PANJAR, PanjarImport
from pintu.village_finance.siskeudes_rows import (
    BOOK_OF_KD_BAYAR,
    EXECUTION_TABLES,
    IMPORT_NOTE,
    TAX_OF_ACCOUNT,
    RowFailed,
    keg_code,
    parse_amount,
    parse_date,
    required,
)


class ExecutionImport(PanjarImport):
    """Mixin of the importer (needs ``fy``, ``year``, ``actor``, ``key_map``, ``rows``, ``group``,
    ``run`` and ``audit``)."""

    def effective_lines(self) -> dict:
        if not hasattr(self, "_lines"):
            self._lines = {
                line.key: line
                for line in BudgetLine.objects.filter(budget_id=self.fy.effective_budget_id).select_related(
                    "account", "activity__kind"
                )
            }
        return self._lines

    def line(
        self, row: dict, key_column: str, table: str | None = None, row_number: int | None = None
    ) -> BudgetLine:
        if self.fy.effective_budget_id is None:
            raise RowFailed(
                key_column,
                _("APBDes tahun ini belum ditetapkan (Ta_AnggaranLog); realisasi tidak dapat dicatat."),
                table=table,
                row=row_number,
            )
        lines = self.effective_lines()
        sub = row.get(key_column, "")
        code = row.get("Kd_Rincian", "")
        try:
            key = uuid.UUID(sub)
        except ValueError:
            key = self.key_map.get((row.get("Kd_Keg", ""), code, sub))
        if key in lines:
            return lines[key]
        keg = keg_code(row.get("Kd_Keg", ""))
        candidates = [
            line
            for line in lines.values()
            if line.account.code == code
            and (line.activity.kind.siskeudes_code if line.activity_id else NON_ACTIVITY) in (keg, "")
        ]
        if len(candidates) == 1:
            return candidates[0]
        raise RowFailed(
            key_column,
            _("Baris anggaran %(k)s / rekening %(c)s tidak ditemukan di APBDes yang berlaku.")
            % {"k": sub or "-", "c": code or "-"},
            table=table,
            row=row_number,
        )

    def entry_done(self, ref: str) -> bool:
        return JournalEntry.objects.filter(fiscal_year=self.fy, siskeudes_ref=ref).exists()

    def post(self, *, ref: str, **kwargs) -> JournalEntry:
        services._check_open_month(self.fy, kwargs["date"])
        entry = services._post(fiscal_year=self.fy, actor=self.actor, **kwargs)
        JournalEntry.objects.filter(pk=entry.pk).update(siskeudes_ref=ref[:80])
        entry.siskeudes_ref = ref[:80]
        return entry

    def operations(self) -> list[tuple]:
        ops = []
        pencairan = self.group("Ta_Pencairan", "No_SPP")
        bukti = self.group("Ta_SPPBukti", "No_SPP")
        for order, table in enumerate(EXECUTION_TABLES):
            date_column = {
                "Ta_TBP": "Tgl_Bukti",
                "Ta_Mutasi": "Tgl_Bukti",
                "Ta_SPP": "Tgl_SPP",
                "Ta_JurnalUmum": "Tanggal",
                "Ta_Pajak": "Tgl_SSP",
                "Ta_SPJ": "Tgl_SPJ",
                "Ta_SPJSisa": "Tgl_Bukti",
            }[table]
            for number, row in self.rows(table):
                when = row.get(date_column, "")
                if table == "Ta_SPP":
                    paid = pencairan.get(row.get("No_SPP", ""), []) or bukti.get(row.get("No_SPP", ""), [])
                    when = (
                        (paid[0][1].get("Tgl_Cek") or paid[0][1].get("Tgl_Bukti"))
                        if paid
                        else (row.get("Tgl_Bayar") or when)
                    )
                priority = order
                if table == "Ta_JurnalUmum" and row.get("JnsBukti") == JNS_REVERSAL:
                    priority = len(EXECUTION_TABLES)
                ops.append(((when or "")[:10], priority, number, table, row))
        ops.sort(key=lambda op: op[:3])
        return ops

    def import_execution(self) -> None:
        handlers = {
            "Ta_TBP": (self.receipt, "No_Bukti"),
            "Ta_Mutasi": (self.transfer, "No_Bukti"),
            "Ta_SPP": (self.spp, "No_SPP"),
            "Ta_JurnalUmum": (self.journal, "NoBukti"),
            "Ta_Pajak": (self.remittance, "No_SSP"),
            "Ta_SPJ": (self.panjar_spj, "No_SPJ"),
            "Ta_SPJSisa": (self.panjar_return, "No_Bukti"),
        }
        self.spp_rinci = self.group("Ta_SPPRinci", "No_SPP")
        self.spp_pot = self.group("Ta_SPPPot", "No_SPP")
        self.spp_bukti = self.group("Ta_SPPBukti", "No_SPP")
        self.pencairan = self.group("Ta_Pencairan", "No_SPP")
        self.tbp_rinci = self.group("Ta_TBPRinci", "No_Bukti")
        self.ju_rinci = self.group("Ta_JurnalUmumRinci", "NoBukti")
        self.spj_bukti = self.group("Ta_SPJBukti", "No_SPJ")
        self.spj_pot = self.group("Ta_SPJPot", "No_SPJ")
        for _when, _priority, number, table, row in self.operations():
            handler, column = handlers[table]
            self.run(
                table, number, column, lambda handler=handler, row=row, number=number: handler(row, number)
            )

    def _book(self, row: dict, column: str = "KdBayar") -> str:
        value = (row.get(column) or "2").strip()
        if value in (Book.CASH, Book.BANK):
            return value
        book = BOOK_OF_KD_BAYAR.get(value)
        if book is None:
            raise RowFailed(column, _("%(c)s harus 1 (tunai) atau 2 (bank).") % {"c": column})
        return book

    def receipt(self, row: dict, number: int) -> str:
        ref = required(row, "No_Bukti")
        if self.entry_done(ref):
            return "skipped"
        on = parse_date(row.get("Tgl_Bukti", ""), "Tgl_Bukti", self.year)
        book = self._book(row)
        rinci = self.tbp_rinci.get(ref, [])
        if not rinci:
            raise RowFailed("No_Bukti", _("Tidak ada rincian TBP ini di Ta_TBPRinci."))
        lines, kinds = [], set()
        for rn, r in rinci:
            line = self.line(r, "Kd_SubRinci", "Ta_TBPRinci", rn)
            if not (line.kind == LineKind.INCOME or line.account.code.startswith("6.1")):
                raise RowFailed(
                    "Kd_Rincian",
                    _("Bukan baris pendapatan atau penerimaan pembiayaan."),
                    table="Ta_TBPRinci",
                    row=rn,
                )
            try:
                value = parse_amount(r.get("nilai") or r.get("Nilai", ""), "nilai")
            except RowFailed as failure:
                failure.table, failure.row = "Ta_TBPRinci", rn
                raise
            kinds.add(line.kind)
            lines.append(
                JournalLine(
                    book=book,
                    debit=value,
                    line_key=line.key,
                    line_kind=line.kind,
                    account_code=line.account.code,
                    fund_source_id=line.fund_source_id,
                    realised=value,
                )
            )
        entry = self.post(
            ref=ref,
            kind=EntryKind.INCOME if LineKind.INCOME in kinds else EntryKind.FINANCING_IN,
            date=on,
            description=row.get("Uraian") or lines[0].account_code,
            counterparty=row.get("Nm_Penyetor", ""),
            prefix="TBP",
            lines=lines,
        )
        self.audit("receipt", entry, amount=sum(jl.debit for jl in lines), ref=ref)
        return "imported"

    def spp(self, row: dict, number: int) -> str:
        if (row.get("Jn_SPP") or "").strip().upper() == JN_SPP_PANJAR:
            return self.panjar_give(row, number)
        ref = required(row, "No_SPP")
        if PaymentRequest.objects.filter(fiscal_year=self.fy, siskeudes_ref=ref).exists():
            return "skipped"
        rinci = self.spp_rinci.get(ref, [])
        if len(rinci) != 1:
            raise RowFailed(
                "No_SPP",
                _("SPP harus punya tepat satu rincian di Ta_SPPRinci (ada %(n)s).") % {"n": len(rinci)},
            )
        rn, r = rinci[0]
        line = self.line(r, "Kd_SubRinci", "Ta_SPPRinci", rn)
        if line.kind != LineKind.SPENDING:
            raise RowFailed(
                "Kd_Rincian", _("SPP hanya untuk baris belanja kegiatan."), table="Ta_SPPRinci", row=rn
            )
        try:
            amount = parse_amount(r.get("Nilai", ""), "Nilai")
        except RowFailed as failure:
            failure.table, failure.row = "Ta_SPPRinci", rn
            raise
        taxes = {}
        for pn, p in self.spp_pot.get(ref, []):
            kind = TAX_OF_ACCOUNT.get(p.get("Kd_Rincian", ""))
            if kind is None:
                raise RowFailed(
                    "Kd_Rincian",
                    _("Rekening potongan pajak %(c)s tidak dikenal.") % {"c": p.get("Kd_Rincian", "")},
                    table="Ta_SPPPot",
                    row=pn,
                )
            try:
                taxes[kind] = taxes.get(kind, Decimal(0)) + parse_amount(p.get("Nilai", ""), "Nilai")
            except RowFailed as failure:
                failure.table, failure.row = "Ta_SPPPot", pn
                raise
        withheld = sum(taxes.values(), Decimal(0))
        if withheld > amount:
            raise RowFailed("Potongan", _("Potongan pajak melebihi jumlah bruto."))
        requested_on = parse_date(row.get("Tgl_SPP", ""), "Tgl_SPP", self.year)
        paid_rows = self.pencairan.get(ref, [])
        proof_rows = self.spp_bukti.get(ref, [])
        paid = bool(paid_rows or proof_rows) or row.get("Status") == "2"
        spent = services.line_realised(self.fy.pk, line.key)
        pending = PaymentRequest.objects.filter(
            fiscal_year=self.fy,
            line_key=line.key,
            status__in=[SppStatus.DRAFT, SppStatus.VERIFIED, SppStatus.APPROVED],
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if spent + pending + amount > line.amount:
            raise RowFailed(
                "Nilai",
                _("SPP %(a)s melebihi sisa anggaran baris %(l)s.") % {"a": amount, "l": line.description},
                table="Ta_SPPRinci",
                row=rn,
            )
        spp = PaymentRequest.objects.create(
            fiscal_year=self.fy,
            number=services._next_number(self.fy, "spp_counter", "SPP"),
            siskeudes_ref=ref[:80],
            line_key=line.key,
            line=line,
            description=(row.get("Keterangan") or line.description)[:300],
            payee=(row.get("Nm_Penerima") or "-")[:150],
            amount=amount,
            status=SppStatus.PAID if paid else SppStatus.APPROVED,
            requested_on=requested_on,
            created_by=self.actor,
        )
        PaymentTax.objects.bulk_create([PaymentTax(request=spp, kind=k, amount=v) for k, v in taxes.items()])
        steps = [
            (SppAction.CREATE, SppStatus.DRAFT),
            (SppAction.VERIFY, SppStatus.VERIFIED),
            (SppAction.APPROVE, SppStatus.APPROVED),
        ]
        if paid:
            source = paid_rows[0] if paid_rows else (proof_rows[0] if proof_rows else (number, row))
            table = "Ta_Pencairan" if paid_rows else ("Ta_SPPBukti" if proof_rows else "Ta_SPP")
            pn, p = source
            try:
                column = {"Ta_Pencairan": "Tgl_Cek", "Ta_SPPBukti": "Tgl_Bukti", "Ta_SPP": "Tgl_Bayar"}[table]
                paid_on = parse_date(p.get(column, ""), column, self.year)
                book = self._book(paid_rows[0][1]) if paid_rows else Book.BANK
            except RowFailed as failure:
                failure.table, failure.row = table, pn
                raise
            proof = (
                (proof_rows[0][1].get("No_Bukti") if proof_rows else "")
                or (paid_rows[0][1].get("No_Cek") if paid_rows else "")
                or f"SPP {ref}"
            )
            if self.entry_done(proof):
                raise RowFailed(
                    "No_Bukti",
                    _("Nomor bukti %(n)s sudah dipakai bukti lain.") % {"n": proof},
                    table=table,
                    row=pn,
                )
            entry = self.post(
                ref=proof,
                kind=EntryKind.PAYMENT,
                date=paid_on,
                description=(proof_rows[0][1].get("Keterangan") if proof_rows else "") or spp.description,
                counterparty=(proof_rows[0][1].get("Nm_Penerima") if proof_rows else "") or spp.payee,
                prefix="BKT",
                lines=[
                    JournalLine(
                        book=book,
                        credit=amount,
                        line_key=line.key,
                        line_kind=LineKind.SPENDING,
                        account_code=line.account.code,
                        fund_source_id=line.fund_source_id,
                        realised=amount,
                    ),
                    *[
                        jl
                        for kind, value in taxes.items()
                        for jl in (
                            JournalLine(
                                book=book, debit=value, tax_kind=kind, account_code=TAX_ACCOUNTS[kind]
                            ),
                            JournalLine(
                                book=Book.TAX, debit=value, tax_kind=kind, account_code=TAX_ACCOUNTS[kind]
                            ),
                        )
                    ],
                ],
            )
            PaymentRequest.objects.filter(pk=spp.pk).update(paid_entry=entry)
            steps.append((SppAction.PAY, SppStatus.PAID))
        now = timezone.now()
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        PaymentEvent.objects.bulk_create(
            [
                PaymentEvent(request=spp, action=a, to_status=s, actor=actor, note=IMPORT_NOTE, at=now)
                for a, s in steps
            ]
        )
        self.audit("spp", spp, amount=amount, status=spp.status, ref=ref)
        return "imported"

    def remittance(self, row: dict, number: int) -> str:
        ref = required(row, "No_SSP")
        if self.entry_done(ref):
            return "skipped"
        account = required(row, "Kd_Rincian")
        kind = TAX_OF_ACCOUNT.get(account)
        if kind is None:
            raise RowFailed("Kd_Rincian", _("Rekening pajak %(c)s tidak dikenal.") % {"c": account})
        amount = parse_amount(row.get("Jumlah", ""), "Jumlah")
        on = parse_date(row.get("Tgl_SSP", ""), "Tgl_SSP", self.year)
        book = self._book(row)
        held = JournalLine.objects.filter(fiscal_year=self.fy, book=Book.TAX, tax_kind=kind).aggregate(
            d=Sum("debit"), c=Sum("credit")
        )
        outstanding = (held["d"] or 0) - (held["c"] or 0)
        if amount > outstanding:
            raise RowFailed(
                "Jumlah",
                _("Setoran %(a)s melebihi pajak yang belum disetor (%(o)s).")
                % {"a": amount, "o": outstanding},
            )
        entry = self.post(
            ref=ref,
            kind=EntryKind.TAX_REMIT,
            date=on,
            description=row.get("Keterangan") or str(_("Setor pajak")),
            prefix="SSP",
            lines=[
                JournalLine(book=book, credit=amount, tax_kind=kind, account_code=account),
                JournalLine(book=Book.TAX, credit=amount, tax_kind=kind, account_code=account),
            ],
        )
        self.audit("tax_remit", entry, kind=kind, amount=amount, ref=ref)
        return "imported"

    def transfer(self, row: dict, number: int) -> str:
        ref = required(row, "No_Bukti")
        if self.entry_done(ref):
            return "skipped"
        books = MUTASI.get(row.get("Kd_Mutasi", ""))
        if books is None:
            raise RowFailed(
                "Kd_Mutasi", _("Kd_Mutasi harus 1 (setor tunai ke bank) atau 2 (tarik dari bank).")
            )
        amount = parse_amount(row.get("Nilai", ""), "Nilai")
        on = parse_date(row.get("Tgl_Bukti", ""), "Tgl_Bukti", self.year)
        kind = services.TRANSFER_KINDS[books]
        entry = self.post(
            ref=ref,
            kind=kind,
            date=on,
            description=row.get("Keterangan") or str(EntryKind(kind).label),
            prefix="PB",
            lines=[JournalLine(book=books[0], credit=amount), JournalLine(book=books[1], debit=amount)],
        )
        self.audit("transfer", entry, amount=amount, ref=ref)
        return "imported"

    def journal(self, row: dict, number: int) -> str:
        ref = required(row, "NoBukti")
        if self.entry_done(ref):
            return "skipped"
        on = parse_date(row.get("Tanggal", ""), "Tanggal", self.year)
        rinci = self.ju_rinci.get(ref, [])
        jns = row.get("JnsBukti", "")
        if jns == JNS_REVERSAL:
            target_ref = (rinci[0][1].get("NoID") if rinci else "") or ""
            target = JournalEntry.objects.filter(fiscal_year=self.fy, siskeudes_ref=target_ref).first()
            if target is None:
                raise RowFailed(
                    "NoID",
                    _("Bukti yang dikoreksi (%(n)s) tidak ada di data impor.") % {"n": target_ref or "-"},
                    table="Ta_JurnalUmumRinci",
                    row=rinci[0][0] if rinci else number,
                )
            if target.kind == EntryKind.REVERSAL or JournalEntry.objects.filter(reverses=target).exists():
                raise RowFailed("NoBukti", _("Bukti %(n)s sudah dikoreksi.") % {"n": target_ref})
            lines = services._mirror_lines(target)
            entry = self.post(
                ref=ref,
                kind=EntryKind.REVERSAL,
                date=on,
                description=row.get("Keterangan") or f"Koreksi {target.number}",
                prefix="KOR",
                lines=lines,
                reverses=target,
            )
            if target.kind == EntryKind.PAYMENT:
                PaymentRequest.objects.filter(paid_entry=target).update(status=SppStatus.REJECTED)
            if target.kind in PANJAR_KINDS:
                services.panjar_on_reverse(target)
            self.audit("reverse", entry, reverses=target.number, ref=ref)
            return "imported"
        if jns != JNS_FINANCING_OUT:
            raise RowFailed(
                "JnsBukti",
                _("Jenis bukti %(j)s belum dapat diimpor (hanya BKT pembiayaan dan KOR).")
                % {"j": jns or "-"},
            )
        spend = [(rn, r) for rn, r in rinci if (r.get("Kd_Rincian") or "").startswith("6.2")]
        if len(spend) != 1:
            raise RowFailed(
                "NoBukti", _("Jurnal pengeluaran pembiayaan harus punya satu rincian rekening 6.2.")
            )
        rn, r = spend[0]
        r = {**r, "Kd_SubRinci": r.get("RincianSD", "")}
        line = self.line(r, "Kd_SubRinci", "Ta_JurnalUmumRinci", rn)
        if not line.account.code.startswith("6.2"):
            raise RowFailed(
                "Kd_Rincian",
                _("Pilih baris pengeluaran pembiayaan (6.2)."),
                table="Ta_JurnalUmumRinci",
                row=rn,
            )
        amount = parse_amount(r.get("Kredit", ""), "Kredit")
        if services.line_realised(self.fy.pk, line.key) + amount > line.amount:
            raise RowFailed(
                "Kredit",
                _("Jumlah melebihi sisa anggaran pembiayaan ini."),
                table="Ta_JurnalUmumRinci",
                row=rn,
            )
        book = self._book(row, "KdBuku")
        entry = self.post(
            ref=ref,
            kind=EntryKind.FINANCING_OUT,
            date=on,
            description=row.get("Keterangan") or line.description,
            prefix="BKT",
            lines=[
                JournalLine(
                    book=book,
                    credit=amount,
                    line_key=line.key,
                    line_kind=LineKind.FINANCING,
                    account_code=line.account.code,
                    fund_source_id=line.fund_source_id,
                    realised=amount,
                )
            ],
        )
        self.audit("financing_pay", entry, amount=amount, ref=ref)
        return "imported"
