"""The APBDes rule checks, in one place, each with a stable code and the rule it comes from.

The checks work on plain facts (:class:`LineFact`) so they are table-testable without a
database; :func:`check_budget` loads a budget's facts in one query. ``error`` findings block
BPD agreement and submission; ``warning`` findings are shown (and flagged to the camat and the
regency) but do not block.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from pintu.village_finance.constants import (
    FIXED_PAY_MINIMUM,
    LINE_KIND_ROOT,
    MONTH_UNITS,
    PAY_CAP_ACCOUNT_PREFIXES,
    PAY_CAP_PERCENT,
    TANAH_KAS_DESA_ACCOUNT,
    LineKind,
    PayPosition,
)

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class LineFact:
    kind: str
    account_code: str
    amount: Decimal
    is_leaf: bool = True
    volume: Decimal = Decimal(1)
    unit: str = "paket"
    unit_price: Decimal = Decimal(0)
    pay_position: str = ""
    tanah_bengkok: bool = False
    description: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    rule: str  # the regulation the rule comes from
    message: str
    figures: dict

    @property
    def blocks(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class Totals:
    income: Decimal
    spending: Decimal
    financing_in: Decimal
    financing_out: Decimal
    pay: Decimal
    bengkok: Decimal

    @property
    def net_financing(self) -> Decimal:
        return self.financing_in - self.financing_out

    @property
    def pay_base(self) -> Decimal:
        return self.spending - self.bengkok

    @property
    def pay_counted(self) -> Decimal:
        return self.pay - min(self.pay, self.bengkok)

    @property
    def pay_percent(self) -> Decimal | None:
        if self.pay_base <= 0:
            return None
        return (self.pay_counted * 100 / self.pay_base).quantize(Decimal("0.01"), ROUND_HALF_UP)


def rupiah(value) -> str:
    return "Rp" + f"{int(value):,}".replace(",", ".")


def totals(facts: list[LineFact]) -> Totals:
    income = spending = fin_in = fin_out = pay = bengkok = Decimal(0)
    for f in facts:
        if f.kind == LineKind.INCOME:
            income += f.amount
            if f.tanah_bengkok:
                bengkok += f.amount
        elif f.kind == LineKind.SPENDING:
            spending += f.amount
            if f.account_code.startswith(PAY_CAP_ACCOUNT_PREFIXES):
                pay += f.amount
        elif f.account_code.startswith("6.1"):
            fin_in += f.amount
        else:
            fin_out += f.amount
    return Totals(income, spending, fin_in, fin_out, pay, bengkok)


def _leaf_only(facts, _totals) -> list[Finding]:
    out = []
    for f in facts:
        if not f.is_leaf:
            out.append(
                Finding(
                    "apbdes.leaf_account",
                    ERROR,
                    _("Permendagri 20/2018 Lampiran: anggaran dicatat sampai objek"),
                    _("Rekening %(code)s bukan rekening objek. Pilih rekening objek (4 tingkat) di bawahnya.")
                    % {"code": f.account_code},
                    {"account": f.account_code},
                )
            )
        root = LINE_KIND_ROOT.get(f.kind)
        if root and f.account_code.split(".", 1)[0] != root:
            out.append(
                Finding(
                    "apbdes.account_kind",
                    ERROR,
                    _("Permendagri 20/2018 pasal 9: pendapatan 4, belanja 5, pembiayaan 6"),
                    _(
                        "Rekening %(code)s tidak cocok untuk baris %(kind)s. Pilih rekening berawalan %(root)s."
                    )
                    % {"code": f.account_code, "kind": LineKind(f.kind).label, "root": root},
                    {"account": f.account_code},
                )
            )
    return out


def _balance(_facts, t: Totals) -> list[Finding]:
    difference = t.income + t.net_financing - t.spending
    if difference == 0:
        return []
    return [
        Finding(
            "apbdes.balance",
            ERROR,
            _("Permendagri 20/2018 pasal 17: pendapatan + pembiayaan netto = belanja"),
            _(
                "Anggaran belum seimbang: pendapatan %(income)s + pembiayaan netto %(net)s − belanja "
                "%(spending)s = %(diff)s. Sesuaikan belanja atau pembiayaan sampai selisihnya nol."
            )
            % {
                "income": rupiah(t.income),
                "net": rupiah(t.net_financing),
                "spending": rupiah(t.spending),
                "diff": rupiah(difference) if difference > 0 else "−" + rupiah(-difference),
            },
            {"difference": str(difference)},
        )
    ]


def _pay_cap(_facts, t: Totals) -> list[Finding]:
    percent = t.pay_percent
    if percent is None or percent <= PAY_CAP_PERCENT:
        return []
    return [
        Finding(
            "apbdes.pay_cap",
            ERROR,
            _(
                "PP 11/2019 pasal 100: penghasilan tetap, tunjangan dan tunjangan BPD paling banyak 30 % belanja"
            ),
            _(
                "Penghasilan tetap dan tunjangan kepala desa, perangkat dan BPD %(pay)s = %(percent)s %% dari "
                "belanja %(base)s (di luar hasil tanah bengkok). Batasnya 30 %%: kurangi %(excess)s."
            )
            % {
                "pay": rupiah(t.pay_counted),
                "percent": str(percent).replace(".", ","),
                "base": rupiah(t.pay_base),
                "excess": rupiah(t.pay_counted - (t.pay_base * PAY_CAP_PERCENT / 100).quantize(Decimal(1))),
            },
            {"percent": str(percent), "pay": str(t.pay_counted), "base": str(t.pay_base)},
        )
    ]


def _monthly(f: LineFact) -> Decimal:
    if f.unit.strip().lower() in MONTH_UNITS:
        return f.unit_price
    return (f.amount / 12).quantize(Decimal(1), ROUND_HALF_UP)


def _fixed_pay_minimum(facts, _totals) -> list[Finding]:
    out = []
    for f in facts:
        if f.account_code == "5.1.1.01":
            position = PayPosition.HEAD
        elif f.account_code == "5.1.2.01":
            position = (
                f.pay_position
                if f.pay_position in (PayPosition.SECRETARY, PayPosition.STAFF)
                else PayPosition.STAFF
            )
        else:
            continue
        minimum = FIXED_PAY_MINIMUM[position]
        monthly = _monthly(f)
        if monthly < minimum:
            out.append(
                Finding(
                    "apbdes.fixed_pay_minimum",
                    WARNING,
                    _("PP 11/2019 pasal 81: penghasilan tetap paling sedikit"),
                    _(
                        "Penghasilan tetap %(position)s %(monthly)s sebulan (%(line)s) di bawah batas minimal "
                        "%(minimum)s. Naikkan harga satuan per orang-bulan."
                    )
                    % {
                        "position": PayPosition(position).label.lower(),
                        "monthly": rupiah(monthly),
                        "line": f.description or f.account_code,
                        "minimum": rupiah(minimum),
                    },
                    {"monthly": str(monthly), "minimum": str(minimum), "position": position},
                )
            )
    return out


def _bengkok_account(facts, _totals) -> list[Finding]:
    return [
        Finding(
            "apbdes.bengkok_account",
            ERROR,
            _("PP 11/2019 pasal 100 ayat 2: hasil tanah bengkok"),
            _(
                "Hasil tanah bengkok dicatat pada rekening %(code)s Pengelolaan Tanah Kas Desa; pindahkan barisnya."
            )
            % {"code": TANAH_KAS_DESA_ACCOUNT},
            {"account": f.account_code},
        )
        for f in facts
        if f.tanah_bengkok and f.account_code != TANAH_KAS_DESA_ACCOUNT
    ]


def _not_empty(facts, t: Totals) -> list[Finding]:
    if t.spending > 0:
        return []
    return [
        Finding(
            "apbdes.empty",
            ERROR,
            _("Permendagri 20/2018 pasal 31"),
            _("Rancangan belum berisi belanja. Tambahkan kegiatan dan rinciannya (RAB)."),
            {},
        )
    ]


RULES = (_not_empty, _leaf_only, _bengkok_account, _balance, _pay_cap, _fixed_pay_minimum)
RULE_CODES = (
    "apbdes.empty",
    "apbdes.leaf_account",
    "apbdes.account_kind",
    "apbdes.bengkok_account",
    "apbdes.balance",
    "apbdes.pay_cap",
    "apbdes.fixed_pay_minimum",
)


def check(facts: list[LineFact]) -> tuple[Totals, list[Finding]]:
    t = totals(facts)
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(facts, t))
    return t, findings


def facts_for(budget) -> list[LineFact]:
    from pintu.village_finance.models import BudgetLine

    rows = BudgetLine.objects.filter(budget=budget).values_list(
        "kind",
        "account__code",
        "account__is_leaf",
        "amount",
        "volume",
        "unit",
        "unit_price",
        "pay_position",
        "tanah_bengkok",
        "description",
    )
    return [
        LineFact(
            kind=k,
            account_code=code,
            is_leaf=leaf,
            amount=amount,
            volume=volume,
            unit=unit,
            unit_price=price,
            pay_position=pos,
            tanah_bengkok=bengkok,
            description=desc,
        )
        for k, code, leaf, amount, volume, unit, price, pos, bengkok, desc in rows
    ]


def check_budget(budget) -> tuple[Totals, list[Finding]]:
    return check(facts_for(budget))
