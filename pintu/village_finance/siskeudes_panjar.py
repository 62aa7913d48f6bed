"""Panjar in the Siskeudes layout, both ways (ADR 0011 §8).

Export, per panjar:

- given: ``Ta_SPP`` with ``Jn_SPP`` "UM" (uang muka), ``No_SPP`` = our panjar number, recipient in
  ``Nm_Penerima``; one ``Ta_SPPRinci`` naming the activity (``Kd_Keg``, no rekening: a panjar is
  for an activity, its lines are only known at the SPJ); ``Ta_Pencairan`` with the giving entry
  (``No_Cek``, ``Tgl_Cek``, ``KdBayar`` 1 tunai / 2 bank);
- each accounting (SPJ panjar): ``Ta_SPJ`` (``No_SPJ`` = the SPJ entry's number, ``No_SPP`` = the
  panjar), ``Ta_SPJRinci`` per budget line, ``Ta_SPJBukti`` per item (``No_Bukti`` = "<No_SPJ>/<n>",
  ``Kd_SubRinci`` = line key) and ``Ta_SPJPot`` per tax of an item;
- the return of the rest: ``Ta_SPJSisa`` (``No_Bukti`` = the return entry's number).

Import goes through the panjar services' bodies (``_give``, ``_account``, ``_close``: the same
checks, books and audit as the verbs; the importer checks its own permission, ADR 0011 §8). The
Siskeudes numbers are stored (``Panjar.siskeudes_ref`` = No_SPP, ``JournalEntry.siskeudes_ref`` =
No_Cek / No_SPJ / No_Bukti), so a re-run skips them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from pintu.village_finance.constants import TAX_ACCOUNTS, Book
from pintu.village_finance.models import Activity, FiscalYear, JournalEntry, Panjar, PanjarItem
from pintu.village_finance.services._common import _lock_year
from pintu.village_finance.services.panjar import _account, _close, _give, _lock_open
from pintu.village_finance.siskeudes_rows import (
    KD_BAYAR,
    TAX_OF_ACCOUNT,
    RowFailed,
    keg_code,
    parse_amount,
    parse_date,
    required,
)

JN_SPP_PANJAR = "UM"


def _item_taxes(items: list[PanjarItem], entry: JournalEntry) -> list[list[tuple[str, Decimal]]]:
    """Per item, the taxes it withheld by kind. The entry's tax book holds them per kind, the items
    only their total: fill items in order from the kinds in order (exact per kind and per item)."""
    pools = []
    for jl in entry.lines.all():
        if jl.book == Book.TAX and jl.debit and jl.tax_kind:
            pools.append([jl.tax_kind, jl.debit])
    out = []
    for item in items:
        need, mine = item.tax_withheld, []
        for pool in pools:
            if need <= 0:
                break
            take = min(need, pool[1])
            if take > 0:
                mine.append((pool[0], take))
                pool[1] -= take
                need -= take
        out.append(mine)
    return out


def export_panjar(fiscal_year: FiscalYear, tables: dict, desa: str, year: str, keg_of_plan: dict) -> None:
    panjars = (
        Panjar.objects.filter(fiscal_year=fiscal_year)
        .select_related("given_entry", "closed_entry")
        .prefetch_related(
            "closed_entry__lines",
            Prefetch(
                "items",
                queryset=PanjarItem.objects.select_related("line__account", "line__fund_source", "entry")
                .prefetch_related("entry__lines")
                .order_by("entry__date", "entry_id", "pk"),
            ),
        )
        .order_by("given_on", "pk")
    )
    for panjar in panjars:
        keg = keg_of_plan.get(panjar.plan_id, "")
        given = panjar.given_entry
        base = {"Tahun": year, "Kd_Desa": desa, "No_SPP": panjar.number}
        tables["Ta_SPP"].append(
            {
                **base,
                "Tgl_SPP": panjar.given_on.isoformat(),
                "Jn_SPP": JN_SPP_PANJAR,
                "Keterangan": panjar.description,
                "Jumlah": panjar.amount,
                "Potongan": 0,
                "Status": 2,
                "Nm_Penerima": panjar.recipient,
                "Tgl_Bayar": given.date.isoformat(),
            }
        )
        tables["Ta_SPPRinci"].append({**base, "Kd_Keg": keg, "Nilai": panjar.amount})
        tables["Ta_Pencairan"].append(
            {
                **base,
                "No_Cek": given.number,
                "Tgl_Cek": given.date.isoformat(),
                "Keterangan": given.description,
                "Jumlah": panjar.amount,
                "Potongan": 0,
                "KdBayar": KD_BAYAR.get(panjar.book, "1"),
                "Tgl_Bayar": given.date.isoformat(),
            }
        )
        by_entry: dict[int, list[PanjarItem]] = {}
        for item in panjar.items.all():
            by_entry.setdefault(item.entry_id, []).append(item)
        last_spj = None
        for items in by_entry.values():
            entry = items[0].entry
            last_spj = entry
            taxes = _item_taxes(items, entry)
            spj = {"Tahun": year, "Kd_Desa": desa, "No_SPJ": entry.number}
            tables["Ta_SPJ"].append(
                {
                    **spj,
                    "Tgl_SPJ": entry.date.isoformat(),
                    "No_SPP": panjar.number,
                    "Keterangan": entry.description,
                    "Jumlah": sum((i.amount for i in items), Decimal(0)),
                    "Potongan": sum((i.tax_withheld for i in items), Decimal(0)),
                    "Status": 2,
                }
            )
            per_line: dict = {}
            for item in items:
                per_line.setdefault(item.line_key, [item.line, Decimal(0)])[1] += item.amount
            for key, (line, value) in per_line.items():
                tables["Ta_SPJRinci"].append(
                    {
                        **spj,
                        "Kd_Keg": keg,
                        "Kd_Rincian": line.account.code,
                        "Sumberdana": line.fund_source.code,
                        "No_SPP": panjar.number,
                        "JmlCair": panjar.amount,
                        "Nilai": value,
                        "Kd_SubRinci": str(key),
                    }
                )
            for n, (item, item_taxes) in enumerate(zip(items, taxes, strict=True), start=1):
                proof = f"{entry.number}/{n}"
                tables["Ta_SPJBukti"].append(
                    {
                        **spj,
                        "Kd_Keg": keg,
                        "Kd_Rincian": item.line.account.code,
                        "No_Bukti": proof,
                        "Tgl_Bukti": entry.date.isoformat(),
                        "Sumberdana": item.line.fund_source.code,
                        "Nm_Penerima": item.payee,
                        "Keterangan": item.description,
                        "Nilai": item.amount,
                        "Kd_SubRinci": str(item.line_key),
                        "Tgl_Bayar": entry.date.isoformat(),
                    }
                )
                for kind, value in item_taxes:
                    tables["Ta_SPJPot"].append(
                        {
                            **spj,
                            "Kd_Keg": keg,
                            "No_Bukti": proof,
                            "Kd_Rincian": TAX_ACCOUNTS[kind],
                            "Nilai": value,
                        }
                    )
        back = panjar.closed_entry
        if back is not None:
            tables["Ta_SPJSisa"].append(
                {
                    **base,
                    "No_Bukti": back.number,
                    "Tgl_Bukti": back.date.isoformat(),
                    "No_SPJ": last_spj.number if last_spj else "",
                    "Tgl_SPJ": last_spj.date.isoformat() if last_spj else "",
                    "Tgl_SPP": panjar.given_on.isoformat(),
                    "Kd_Keg": keg,
                    "keterangan": back.description,
                    "Nilai": sum(
                        (jl.credit for jl in back.lines.all() if jl.book == Book.PANJAR), Decimal(0)
                    ),
                }
            )


class PanjarImport:
    """Mixin of the importer (needs ``fy``, ``year``, ``actor``, ``by_keg``, ``pencairan``,
    ``spp_rinci``, ``spj_bukti``, ``spj_pot``, ``line``, ``entry_done``, ``_book`` and ``audit``)."""

    def _activity(self, kd_keg: str, row_number: int) -> Activity:
        activity = self.by_keg.get(kd_keg)
        if activity is None:
            candidates = list(
                Activity.objects.filter(
                    budget_id=self.fy.effective_budget_id, kind__siskeudes_code=keg_code(kd_keg)
                )[:2]
            )
            activity = candidates[0] if len(candidates) == 1 else None
        if activity is None:
            raise RowFailed(
                "Kd_Keg",
                _("Kegiatan %(k)s tidak ada di APBDes yang berlaku.") % {"k": kd_keg or "-"},
                table="Ta_SPPRinci",
                row=row_number,
            )
        return activity

    def _panjar(self, row: dict) -> Panjar:
        ref = required(row, "No_SPP")
        panjar = Panjar.objects.filter(fiscal_year=self.fy, siskeudes_ref=ref).first()
        if panjar is None:
            raise RowFailed("No_SPP", _("Panjar %(n)s tidak ada (atau gagal) di Ta_SPP.") % {"n": ref})
        return panjar

    def _set_ref(self, entry_id: int, ref: str) -> None:
        JournalEntry.objects.filter(pk=entry_id).update(siskeudes_ref=ref[:80])

    def panjar_give(self, row: dict, number: int) -> str:
        ref = required(row, "No_SPP")
        if Panjar.objects.filter(fiscal_year=self.fy, siskeudes_ref=ref).exists():
            return "skipped"
        rinci = self.spp_rinci.get(ref, [])
        if not rinci:
            raise RowFailed("No_SPP", _("Tidak ada rincian panjar ini di Ta_SPPRinci."))
        rn, r = rinci[0]
        activity = self._activity(r.get("Kd_Keg", ""), rn)
        paid = self.pencairan.get(ref, [])
        if not paid:
            raise RowFailed("No_SPP", _("Panjar ini belum dicairkan (tidak ada di Ta_Pencairan)."))
        pn, p = paid[0]
        try:
            given_on = parse_date(p.get("Tgl_Cek", ""), "Tgl_Cek", self.year)
            book = self._book(p)
        except RowFailed as failure:
            failure.table, failure.row = "Ta_Pencairan", pn
            raise
        proof = p.get("No_Cek") or f"SPP {ref}"
        if self.entry_done(proof):
            raise RowFailed(
                "No_Cek",
                _("Nomor bukti %(n)s sudah dipakai bukti lain.") % {"n": proof},
                table="Ta_Pencairan",
                row=pn,
            )
        panjar = _give(
            actor=self.actor,
            fiscal_year=_lock_year(self.fy),
            activity=activity,
            recipient=row.get("Nm_Penerima") or "-",
            amount=parse_amount(row.get("Jumlah", ""), "Jumlah"),
            description=row.get("Keterangan", ""),
            recipient_position="",
            book=book,
            given_on=given_on,
            siskeudes_ref=ref,
        )
        self._set_ref(panjar.given_entry_id, proof)
        self.audit("panjar_give", panjar, amount=panjar.amount, ref=ref)
        return "imported"

    def panjar_spj(self, row: dict, number: int) -> str:
        ref = required(row, "No_SPJ")
        if self.entry_done(ref):
            return "skipped"
        panjar = self._panjar(row)
        accounted_on = parse_date(row.get("Tgl_SPJ", ""), "Tgl_SPJ", self.year)
        proofs = self.spj_bukti.get(ref, [])
        if not proofs:
            raise RowFailed("No_SPJ", _("Tidak ada bukti SPJ ini di Ta_SPJBukti."))
        cuts: dict[str, list] = {}
        for pn, p in self.spj_pot.get(ref, []):
            cuts.setdefault(p.get("No_Bukti", ""), []).append((pn, p))
        items = []
        for bn, b in proofs:
            line = self.line(b, "Kd_SubRinci", "Ta_SPJBukti", bn)
            try:
                amount = parse_amount(b.get("Nilai", ""), "Nilai")
            except RowFailed as failure:
                failure.table, failure.row = "Ta_SPJBukti", bn
                raise
            taxes: dict[str, Decimal] = {}
            for pn, p in cuts.get(b.get("No_Bukti", ""), []):
                kind = TAX_OF_ACCOUNT.get(p.get("Kd_Rincian", ""))
                try:
                    if kind is None:
                        raise RowFailed(
                            "Kd_Rincian",
                            _("Rekening potongan pajak %(c)s tidak dikenal.")
                            % {"c": p.get("Kd_Rincian", "")},
                        )
                    taxes[kind] = taxes.get(kind, Decimal(0)) + parse_amount(p.get("Nilai", ""), "Nilai")
                except RowFailed as failure:
                    failure.table, failure.row = "Ta_SPJPot", pn
                    raise
            items.append(
                {
                    "line": line,
                    "amount": amount,
                    "description": b.get("Keterangan", ""),
                    "payee": b.get("Nm_Penerima") or "-",
                    "taxes": taxes,
                }
            )
        fiscal_year = _lock_year(self.fy)
        entry = _account(
            actor=self.actor,
            fiscal_year=fiscal_year,
            panjar=_lock_open(panjar),
            items=items,
            accounted_on=accounted_on,
        )
        self._set_ref(entry.pk, ref)
        self.audit("panjar_account", panjar, entry=entry.number, ref=ref)
        return "imported"

    def panjar_return(self, row: dict, number: int) -> str:
        ref = required(row, "No_Bukti")
        if self.entry_done(ref):
            return "skipped"
        panjar = self._panjar(row)
        amount = parse_amount(row.get("Nilai", ""), "Nilai")
        closed_on = parse_date(row.get("Tgl_Bukti", ""), "Tgl_Bukti", self.year)
        fiscal_year = _lock_year(self.fy)
        panjar = _lock_open(panjar)
        if amount != panjar.outstanding:
            raise RowFailed(
                "Nilai",
                _("Sisa yang dikembalikan %(a)s tidak sama dengan sisa panjar %(o)s.")
                % {"a": amount, "o": panjar.outstanding},
            )
        panjar = _close(actor=self.actor, fiscal_year=fiscal_year, panjar=panjar, closed_on=closed_on)
        self._set_ref(panjar.closed_entry_id, ref)
        self.audit("panjar_close", panjar, returned=amount, ref=ref)
        return "imported"
