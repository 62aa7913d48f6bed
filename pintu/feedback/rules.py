"""The SKM rules: elements, questions, answer labels, weights and quality bands, per rule version.

A ``SurveyPeriod`` stores the code of the rule version it was run under; results are always
graded with that version, so a new regulation never re-grades old periods.

Source (``permenpanrb-14-2017``): Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman
Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik — Lampiran: the nine
elements (ruang lingkup a–i), the example questionnaire (question wording and the four answers
a–d scored 1–4), the weighted average with equal weights (1 / number of elements), conversion ×25
and the table "Nilai Persepsi, Interval IKM, Interval Konversi IKM, Mutu Pelayanan dan Kinerja
Unit Pelayanan". Element order follows the regulation's ruang lingkup (h = complaints handling,
i = facilities); its example questionnaire lists facilities before complaints handling, which
changes nothing in the index (equal weights).

Arithmetic is exact (``Fraction``): the regulation writes the weight as 0,11, which understates
1/9 and would put a unit with every answer "4" at 99.00 instead of 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Element:
    code: str  # u1..u9
    name: str
    question: str
    answers: tuple[str, str, str, str]  # scores 1, 2, 3, 4


@dataclass(frozen=True)
class Band:
    grade: str  # A/B/C/D
    performance: str  # kinerja unit pelayanan
    perception: int  # nilai persepsi 1..4
    index_low: Decimal  # nilai interval (NI), 1.00–4.00
    index_high: Decimal
    converted_low: Decimal  # nilai interval konversi (NIK), 25.00–100.00
    converted_high: Decimal


@dataclass(frozen=True)
class RuleVersion:
    code: str
    title: str
    elements: tuple[Element, ...]
    bands: tuple[Band, ...]  # best first
    conversion: int = 25

    @property
    def weight(self) -> Fraction:
        return Fraction(1, len(self.elements))

    @property
    def element_codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.elements)

    def band_for(self, converted: Decimal) -> Band:
        """The band of a converted value (IKM, 25–100) rounded to two decimals, as the
        regulation's table is written."""
        value = round_2(converted)
        for band in self.bands:
            if value >= band.converted_low:
                return band
        return self.bands[-1]


def round_2(value) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


D = Decimal

PERMENPANRB_14_2017 = RuleVersion(
    code="permenpanrb-14-2017",
    title="PermenPANRB No. 14 Tahun 2017",
    elements=(
        Element(
            "u1",
            "Persyaratan",
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ),
        Element(
            "u2",
            "Sistem, mekanisme dan prosedur",
            "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
        ),
        Element(
            "u3",
            "Waktu penyelesaian",
            "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
        ),
        Element(
            "u4",
            "Biaya/tarif",
            "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
        ),
        Element(
            "u5",
            "Produk spesifikasi jenis pelayanan",
            "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam "
            "standar pelayanan dengan hasil yang diberikan?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ),
        Element(
            "u6",
            "Kompetensi pelaksana",
            "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
        ),
        Element(
            "u7",
            "Perilaku pelaksana",
            "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
            ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
        ),
        Element(
            "u8",
            "Penanganan pengaduan, saran dan masukan",
            "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
            ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
        ),
        Element(
            "u9",
            "Sarana dan prasarana",
            "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
            ("Buruk", "Cukup", "Baik", "Sangat baik"),
        ),
    ),
    bands=(
        Band("A", "Sangat baik", 4, D("3.5324"), D("4.00"), D("88.31"), D("100.00")),
        Band("B", "Baik", 3, D("3.0644"), D("3.532"), D("76.61"), D("88.30")),
        Band("C", "Kurang baik", 2, D("2.60"), D("3.064"), D("65.00"), D("76.60")),
        Band("D", "Tidak baik", 1, D("1.00"), D("2.5996"), D("25.00"), D("64.99")),
    ),
)

RULE_VERSIONS: dict[str, RuleVersion] = {PERMENPANRB_14_2017.code: PERMENPANRB_14_2017}
CURRENT_RULE_VERSION = PERMENPANRB_14_2017.code
ELEMENT_CODES = PERMENPANRB_14_2017.element_codes  # the columns of SurveyResponse


def rule_version(code: str) -> RuleVersion:
    return RULE_VERSIONS[code]


# --- the index -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElementResult:
    element: Element
    total: int  # sum of scores
    answered: int  # respondents who answered this element
    nrr: Fraction | None  # total / answered
    weighted: Fraction | None  # nrr × weight


@dataclass(frozen=True)
class IkmResult:
    rule: RuleVersion
    respondents: int
    elements: tuple[ElementResult, ...]
    index: Fraction | None  # Σ weighted NRR (1–4): "IKM unit pelayanan"
    converted: Fraction | None  # index × 25 (25–100)
    band: Band | None

    @property
    def index_display(self) -> Decimal | None:
        return (
            None
            if self.index is None
            else (Decimal(self.index.numerator) / Decimal(self.index.denominator)).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP
            )
        )

    @property
    def converted_display(self) -> Decimal | None:
        return None if self.converted is None else round_2(self.converted)


def ikm_compute(rule: RuleVersion, totals: dict[str, tuple[int, int]], respondents: int) -> IkmResult:
    """IKM from per-element (sum of scores, number who answered). NRR per element = sum /
    answered; weighted NRR = NRR × 1/n; index = Σ weighted; converted = index × 25. The index
    exists only when every element has at least one answer."""
    weight = rule.weight
    rows = []
    for element in rule.elements:
        total, answered = totals.get(element.code, (0, 0))
        total, answered = int(total or 0), int(answered or 0)
        nrr = Fraction(total, answered) if answered else None
        rows.append(ElementResult(element, total, answered, nrr, nrr * weight if nrr is not None else None))
    if respondents and all(r.nrr is not None for r in rows):
        index = sum((r.weighted for r in rows), Fraction(0))
        converted = index * rule.conversion
        band = rule.band_for(converted)
    else:
        index = converted = band = None
    return IkmResult(rule, respondents, tuple(rows), index, converted, band)


# --- sample size ---------------------------------------------------------------------------------

KM_CHI_SQUARE = Decimal("3.841")  # χ² for 1 degree of freedom at 95 %
KM_P = Decimal("0.5")
KM_D = Decimal("0.05")


def krejcie_morgan(population: int) -> int:
    """Minimum sample for a population N (Krejcie & Morgan 1970, the table PermenPANRB 14/2017
    refers to): s = X²NP(1−P) / (d²(N−1) + X²P(1−P)), rounded to the nearest whole respondent
    (which reproduces the published table)."""
    if population <= 0:
        return 0
    n = Decimal(population)
    top = KM_CHI_SQUARE * n * KM_P * (1 - KM_P)
    bottom = KM_D * KM_D * (n - 1) + KM_CHI_SQUARE * KM_P * (1 - KM_P)
    return int((top / bottom).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
