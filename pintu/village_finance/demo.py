"""Demo village finance: Tamansari's adopted APBDes 2026 with payments, 2027 drafts elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from pintu.accounts.constants import Role
from pintu.accounts.models import User
from pintu.accounts.services import role_assign, staff_user_create
from pintu.demo.generate import DEMO_VILLAGE, OTHER_VILLAGES
from pintu.regions.models import OrgUnit, Village
from pintu.village_finance import services as vf
from pintu.village_finance.constants import Book, BudgetStatus, LineKind, ReportKind
from pintu.village_finance.models import BudgetLine, FiscalYear
from pintu.village_finance.reference import reference_load

PASSWORD = "pintu-demo-2026"  # noqa: S105 - the documented demo password
YEAR = 2026

# kegiatan code, name, location, [(account, source, description, volume, unit, unit price)]
ACTIVITIES = [
    (
        "01.01.03",
        "Jaminan sosial kepala desa dan perangkat",
        "Kantor desa",
        [("5.1.3.02", "ADD", "Iuran BPJS Kesehatan perangkat", 108, "OB", 150_000)],
    ),
    (
        "01.01.04",
        "Operasional pemerintah desa",
        "Kantor desa",
        [
            ("5.2.1.01", "ADD", "ATK dan benda pos", 12, "bulan", 1_250_000),
            ("5.2.2.01", "ADD", "Listrik, air, internet kantor", 12, "bulan", 1_800_000),
        ],
    ),
    (
        "01.01.06",
        "Operasional BPD",
        "Kantor desa",
        [("5.2.1.06", "ADD", "Makan minum rapat BPD", 12, "kali", 1_500_000)],
    ),
    (
        "01.01.07",
        "Insentif RT/RW",
        "Seluruh dusun",
        [("5.2.2.02", "ADD", "Insentif RT 24 orang", 288, "OB", 150_000)],
    ),
    (
        "01.02.02",
        "Pemeliharaan gedung kantor desa",
        "Kantor desa",
        [("5.2.1.07", "PAD", "Cat dan bahan", 1, "paket", 18_500_000)],
    ),
    (
        "01.03.01",
        "Pelayanan administrasi kependudukan",
        "Kantor desa",
        [("5.2.1.05", "ADD", "Cetak blangko surat", 1, "paket", 6_000_000)],
    ),
    (
        "01.03.02",
        "Pemutakhiran profil desa",
        "Tamansari",
        [("5.2.2.01", "ADD", "Honor pendata", 6, "OB", 1_500_000)],
    ),
    (
        "01.04.01",
        "Musyawarah perencanaan desa",
        "Balai desa",
        [("5.2.1.06", "ADD", "Konsumsi musdes", 3, "kali", 4_500_000)],
    ),
    (
        "01.04.05",
        "Penyusunan APBDes",
        "Kantor desa",
        [("5.2.1.05", "ADD", "Penggandaan dokumen", 1, "paket", 3_500_000)],
    ),
    (
        "02.01.03",
        "Dukungan PAUD Tunas Harapan",
        "Dusun Krajan",
        [("5.2.2.01", "DDS", "Insentif guru PAUD 4 orang", 48, "OB", 600_000)],
    ),
    (
        "02.01.05",
        "Alat permainan edukatif PAUD",
        "Dusun Krajan",
        [("5.3.2.06", "DDS", "APE luar ruang", 1, "paket", 22_000_000)],
    ),
    (
        "02.02.04",
        "Posyandu balita dan lansia",
        "5 posyandu",
        [
            ("5.2.1.06", "DDS", "PMT balita", 60, "kali", 750_000),
            ("5.2.2.01", "DDS", "Insentif kader 25 orang", 300, "OB", 100_000),
        ],
    ),
    (
        "02.02.05",
        "Pencegahan stunting",
        "Tamansari",
        [("5.2.1.06", "DDS", "PMT ibu hamil dan baduta", 12, "bulan", 3_500_000)],
    ),
    ("02.02.06", "Pembinaan PKK", "Tamansari", [("5.2.1.06", "ADD", "Kegiatan PKK", 12, "bulan", 1_000_000)]),
    (
        "02.03.01",
        "Pemeliharaan jalan desa",
        "Dusun Sumbergondo",
        [("5.2.1.07", "DDS", "Pasir batu tambal jalan", 1, "paket", 35_000_000)],
    ),
    (
        "02.03.02",
        "Pemeliharaan jalan lingkungan",
        "Dusun Jambu",
        [("5.2.1.07", "DDS", "Paving lingkungan", 1, "paket", 28_000_000)],
    ),
    (
        "02.03.05",
        "Pemeliharaan drainase",
        "Dusun Krajan",
        [("5.2.1.07", "DDS", "Normalisasi saluran 300 m", 300, "m", 85_000)],
    ),
    (
        "02.03.06",
        "Pemeliharaan balai desa",
        "Balai desa",
        [("5.2.1.07", "PAD", "Atap dan plafon", 1, "paket", 25_000_000)],
    ),
    (
        "02.03.13",
        "Pemeliharaan sambungan air bersih",
        "Dusun Sumbergondo",
        [("5.2.1.07", "DDS", "Pipa HDPE", 1, "paket", 30_000_000)],
    ),
    (
        "02.04.01",
        "Rabat beton jalan desa",
        "Dusun Krajan–Jambu",
        [
            ("5.3.5.02", "DDS", "Upah tenaga kerja", 1, "paket", 62_000_000),
            ("5.3.5.03", "DDS", "Material beton 600 m", 600, "m", 310_000),
        ],
    ),
    (
        "02.04.02",
        "Pembangunan jalan lingkungan",
        "Dusun Jambu",
        [("5.3.5.03", "DDS", "Paving 400 m2", 400, "m2", 165_000)],
    ),
    (
        "02.04.04",
        "Pembangunan talud jalan",
        "Dusun Sumbergondo",
        [("5.3.5.03", "BKK", "Talud 120 m", 120, "m", 650_000)],
    ),
    (
        "02.04.06",
        "Pembangunan drainase",
        "Dusun Krajan",
        [("5.3.7.03", "BKK", "Saluran U-ditch 150 m", 150, "m", 280_000)],
    ),
    (
        "02.04.09",
        "Sambungan air bersih rumah tangga",
        "Dusun Jambu",
        [("5.3.8.03", "DDS", "Sambungan 40 rumah", 40, "unit", 1_250_000)],
    ),
    (
        "02.04.12",
        "Penerangan jalan desa",
        "Jalan utama",
        [("5.3.8.03", "DDS", "Lampu PJU tenaga surya", 20, "titik", 2_800_000)],
    ),
    (
        "02.05.01",
        "Rehabilitasi rumah tidak layak huni",
        "Tamansari",
        [("5.2.3.01", "DDS", "Bantuan RTLH 5 rumah", 5, "unit", 15_000_000)],
    ),
    (
        "02.07.01",
        "Pengelolaan destinasi wisata Kawah Ijen",
        "Dusun Jambu",
        [("5.2.1.07", "PAD", "Penataan area parkir wisata", 1, "paket", 40_000_000)],
    ),
    ("03.01.01", "Linmas", "Tamansari", [("5.2.2.02", "ADD", "Honor linmas 12 orang", 144, "OB", 100_000)]),
    (
        "03.01.04",
        "Kesiapsiagaan bencana",
        "Tamansari",
        [("5.2.1.03", "ADD", "Perlengkapan posko", 1, "paket", 7_500_000)],
    ),
    (
        "03.02.01",
        "Pembinaan kerukunan umat beragama",
        "Tamansari",
        [("5.2.1.06", "ADD", "Peringatan hari besar", 4, "kali", 2_500_000)],
    ),
    (
        "03.03.01",
        "Pembinaan karang taruna",
        "Tamansari",
        [("5.2.1.06", "ADD", "Kegiatan pemuda", 1, "paket", 9_000_000)],
    ),
    (
        "03.03.03",
        "Pengiriman kontingen olahraga",
        "Kecamatan Licin",
        [("5.2.1.09", "ADD", "Seragam kontingen", 1, "paket", 6_000_000)],
    ),
    (
        "04.02.01",
        "Pelatihan pengolahan kopi",
        "Dusun Sumbergondo",
        [("5.2.2.01", "DDS", "Narasumber dan bahan", 1, "paket", 15_000_000)],
    ),
    (
        "04.03.02",
        "Pelatihan pemandu wisata",
        "Dusun Jambu",
        [("5.2.2.01", "DDS", "Pelatihan 20 pemandu", 20, "orang", 750_000)],
    ),
    (
        "04.04.01",
        "Bibit kopi dan alpukat",
        "Tamansari",
        [("5.2.3.01", "DDS", "Bibit untuk kelompok tani", 4000, "batang", 7_500)],
    ),
    (
        "04.07.01",
        "Pembinaan BUMDes",
        "Kantor desa",
        [("5.2.2.01", "DDS", "Pendampingan BUMDes", 1, "paket", 8_000_000)],
    ),
    (
        "05.02.01",
        "Penanganan keadaan darurat",
        "Tamansari",
        [("5.4.1.01", "DDS", "Dana tak terduga", 1, "paket", 25_000_000)],
    ),
    (
        "05.03.01",
        "BLT Dana Desa",
        "Tamansari",
        [("5.4.1.01", "DDS", "BLT 60 KPM × 12 bulan", 720, "KPM-bulan", 300_000)],
    ),
]
PAY = [
    (
        "01.01.01",
        "Penghasilan tetap dan tunjangan kepala desa",
        [
            ("5.1.1.01", "ADD", "Siltap kepala desa", 12, "OB", 3_200_000, "head"),
            ("5.1.1.02", "ADD", "Tunjangan kepala desa", 12, "OB", 1_000_000, ""),
        ],
    ),
    (
        "01.01.02",
        "Penghasilan tetap dan tunjangan perangkat desa",
        [
            ("5.1.2.01", "ADD", "Siltap sekretaris desa", 12, "OB", 2_900_000, "secretary"),
            ("5.1.2.01", "ADD", "Siltap perangkat (8 orang)", 96, "OB", 2_600_000, "staff"),
            ("5.1.2.02", "ADD", "Tunjangan perangkat", 108, "OB", 300_000, ""),
        ],
    ),
    (
        "01.01.05",
        "Tunjangan BPD",
        [("5.1.4.01", "ADD", "Tunjangan kedudukan BPD 7 orang", 84, "OB", 900_000, "")],
    ),
]
INCOME = [
    ("4.1.1.01", "PAD", "Bagi hasil BUMDes Ijen Lestari", 15_000_000, False),
    ("4.1.2.01", "PAD", "Hasil pengelolaan tanah kas desa", 10_000_000, False),
    ("4.1.2.01", "PAD", "Hasil tanah bengkok", 25_000_000, True),
    ("4.2.1.01", "DDS", "Dana Desa", 1_012_450_000, False),
    ("4.2.2.01", "PBH", "Bagi hasil pajak dan retribusi daerah", 45_300_000, False),
    ("4.2.3.01", "ADD", "Alokasi Dana Desa", 478_900_000, False),
    ("4.2.5.01", "BKK", "Bantuan keuangan kabupaten", 120_000_000, False),
]
OTHER_STAGES = ["submitted", "agreed", "draft", "returned_draft", "draft", "agreed"]


def _user(username, full_name, role, unit, password_hash):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = staff_user_create(
            actor=None, username=username, full_name=full_name, email=f"{username}@pintu.demo"
        )
        User.objects.filter(pk=user.pk).update(password=password_hash)
    role_assign(actor=None, user=user, role=role, org_unit=unit)
    return user


def _balanced(treasurer, budget, fy, *, scale=Decimal(1), pay=PAY, activities=ACTIVITIES, extra_income=()):
    plans = {}
    for code, name, location, lines in [
        (c, n, "Kantor desa", [ln[:6] for ln in ls]) for c, n, ls in pay
    ] + activities:
        source = lines[0][1]
        plan = vf.plan_activity_add(
            actor=treasurer,
            fiscal_year=fy,
            kind_code=code,
            name=name,
            fund_source=source,
            location=location,
            indicative_amount=sum(Decimal(ln[3]) * ln[5] for ln in lines) * scale,
        )
        plans[code] = vf.activity_add(actor=treasurer, budget=budget, plan=plan)
    for code, _name, lines in pay:
        for account, source, desc, vol, unit, price, pos in lines:
            vf.budget_line_add(
                actor=treasurer,
                budget=budget,
                kind=LineKind.SPENDING,
                activity=plans[code],
                account=account,
                fund_source=source,
                description=desc,
                volume=vol,
                unit=unit,
                unit_price=price,
                pay_position=pos,
            )
    for code, _name, _loc, lines in activities:
        for account, source, desc, vol, unit, price in lines:
            vf.budget_line_add(
                actor=treasurer,
                budget=budget,
                kind=LineKind.SPENDING,
                activity=plans[code],
                account=account,
                fund_source=source,
                description=desc,
                volume=vol,
                unit=unit,
                unit_price=(Decimal(price) * scale).quantize(Decimal(1)),
            )
    for account, source, desc, amount, bengkok in INCOME:
        vf.budget_line_add(
            actor=treasurer,
            budget=budget,
            kind=LineKind.INCOME,
            account=account,
            fund_source=source,
            description=desc,
            volume=1,
            unit="tahun",
            unit_price=(Decimal(amount) * scale).quantize(Decimal(1)),
            tanah_bengkok=bengkok,
        )
    vf.budget_line_add(
        actor=treasurer,
        budget=budget,
        kind=LineKind.FINANCING,
        account="6.1.1.01",
        fund_source="SILPA",
        description="SiLPA tahun lalu",
        volume=1,
        unit="tahun",
        unit_price=(Decimal(62_500_000) * scale).quantize(Decimal(1)),
    )
    vf.budget_line_add(
        actor=treasurer,
        budget=budget,
        kind=LineKind.FINANCING,
        account="6.2.2.01",
        fund_source="DDS",
        description="Penyertaan modal BUMDes",
        volume=1,
        unit="paket",
        unit_price=(Decimal(50_000_000) * scale).quantize(Decimal(1)),
    )
    budget.refresh_from_db()
    gap = budget.income_total + budget.net_financing - budget.spending_total
    if gap > 0:  # the remainder goes to the village office's supplies
        vf.budget_line_add(
            actor=treasurer,
            budget=budget,
            kind=LineKind.SPENDING,
            activity=plans["01.01.04"],
            account="5.2.1.02",
            fund_source="PAD",
            description="Perlengkapan kantor lainnya",
            volume=1,
            unit="paket",
            unit_price=gap,
        )
    elif gap < 0:  # or the regency's financial assistance covers it
        line = budget.lines.get(kind=LineKind.INCOME, account__code="4.2.5.01")
        vf.budget_line_update(actor=treasurer, line=line, unit_price=line.unit_price - gap)
    budget.refresh_from_db()
    return plans


def seed_demo(*, stdout) -> None:
    """Keuangan desa: APBDes 2026 Tamansari (ditetapkan, dengan pembayaran) dan rancangan 2027 desa lain."""
    reference_load()
    password_hash = make_password(PASSWORD)
    office = OrgUnit.objects.select_related("village__district__regency").get(code=f"DESA-{DEMO_VILLAGE}")
    village = office.village
    treasurer = _user("bendahara.tamansari", "Nur Hasanah", Role.VILLAGE_TREASURER, office, password_hash)
    secretary = _user("sekdes.tamansari", "Joko Prasetyo", Role.VILLAGE_SECRETARY, office, password_hash)
    head = User.objects.get(username="kades.tamansari")
    camat = User.objects.get(username="camat.licin")
    regency = User.objects.get(username="admin.kabupaten")
    if not FiscalYear.objects.filter(village=village, year=YEAR, effective_budget__isnull=False).exists():
        fy = vf.fiscal_year_open(actor=treasurer, village=village, year=YEAR)
        budget = fy.budgets.get(kind="original")
        if budget.status == BudgetStatus.DRAFT and not budget.lines.exists():
            _balanced(treasurer, budget, fy)
        b = vf.budget_agree(
            actor=head, budget=budget, agreement_number="01/BA/BPD/XI/2025", on=dt.date(2025, 11, 12)
        )
        b = vf.budget_submit(actor=treasurer, budget=b, on=dt.date(2025, 11, 13))
        b = vf.budget_forward(actor=camat, budget=b, note="Lengkap, diteruskan.", on=dt.date(2025, 11, 17))
        b = vf.budget_approve(actor=regency, budget=b, note="Sesuai hasil evaluasi.", on=dt.date(2025, 12, 5))
        vf.budget_adopt(
            actor=head, budget=b, perdes_number="Perdes Tamansari No. 5 Tahun 2025", on=dt.date(2025, 12, 15)
        )
        fy.refresh_from_db()
        _execute(fy, treasurer, secretary, head)
    for i, code in enumerate(OTHER_VILLAGES):
        _other_village(code, OTHER_STAGES[i % len(OTHER_STAGES)], password_hash)
    stdout.write("  bendahara.tamansari, sekdes.tamansari, bendahara.<desa> (sandi pintu-demo-2026)")


def _execute(fy, treasurer, secretary, head):
    lines = {
        (ln.account.code, ln.description): ln for ln in fy.effective_budget.lines.select_related("account")
    }
    income = [ln for ln in lines.values() if ln.kind == LineKind.INCOME]
    for month, share in ((1, Decimal("0.4")), (4, Decimal("0.4")), (8, Decimal("0.2"))):
        for line in income:
            vf.income_receive(
                actor=treasurer,
                fiscal_year=fy,
                line=line,
                amount=(line.amount * share).quantize(Decimal(1)),
                received_on=dt.date(YEAR, month, 10),
                book=Book.BANK,
                counterparty="RKUD Banyuwangi",
            )
    silpa = lines[("6.1.1.01", "SiLPA tahun lalu")]
    vf.income_receive(
        actor=treasurer, fiscal_year=fy, line=silpa, amount=silpa.amount, received_on=dt.date(YEAR, 1, 5)
    )
    vf.book_transfer(
        actor=treasurer,
        fiscal_year=fy,
        from_book=Book.BANK,
        to_book=Book.CASH,
        amount=20_000_000,
        moved_on=dt.date(YEAR, 1, 20),
    )
    payments = [
        (
            "5.1.1.01",
            "Siltap kepala desa",
            10,
            "Siltap kepala desa Jan–Okt",
            "Kepala Desa Tamansari",
            {"pph21": 0},
        ),
        ("5.1.2.01", "Siltap perangkat (8 orang)", 10, "Siltap perangkat Jan–Okt", "Perangkat desa", {}),
        (
            "5.3.5.03",
            "Material beton 600 m",
            600,
            "Material rabat beton",
            "UD Sumber Makmur",
            {"ppn": 16_763_513, "pph22": 2_514_527},
        ),
        ("5.3.5.02", "Upah tenaga kerja", 1, "Upah tukang rabat beton", "Kelompok kerja Krajan", {}),
        ("5.4.1.01", "BLT 60 KPM × 12 bulan", 600, "BLT DD Jan–Okt", "60 KPM", {}),
        (
            "5.3.8.03",
            "Lampu PJU tenaga surya",
            20,
            "Lampu PJU 20 titik",
            "CV Terang Abadi",
            {"ppn": 5_045_045, "pph22": 756_757},
        ),
        ("5.2.1.01", "ATK dan benda pos", 10, "ATK Jan–Okt", "Toko Sinar", {}),
    ]
    for i, (account, desc, units, what, payee, taxes) in enumerate(payments):
        line = lines[(account, desc)]
        amount = (
            (line.unit_price * units).quantize(Decimal(1))
            if units != 600 or account != "5.3.5.03"
            else line.amount
        )
        amount = min(amount, line.amount)
        day = dt.date(YEAR, 3 + i, 12)
        spp = vf.spp_create(
            actor=treasurer,
            fiscal_year=fy,
            line=line,
            amount=amount,
            description=what,
            payee=payee,
            taxes={k: v for k, v in taxes.items() if v},
            requested_on=day,
        )
        vf.spp_approve(actor=head, spp=vf.spp_verify(actor=secretary, spp=spp))
        vf.spp_pay(actor=treasurer, spp=spp, paid_on=day)
    for kind in ("ppn", "pph22"):
        from pintu.village_finance.services import _book_balance  # noqa: F401

        vf.tax_remit(
            actor=treasurer,
            fiscal_year=fy,
            kind=kind,
            amount=_tax_left(fy, kind),
            paid_on=dt.date(YEAR, 10, 15),
            ntpn="0A1B2C3D4E5F6G7H",
        )
    _panjar(fy, treasurer)
    for month in range(1, 10):
        vf.month_close(actor=treasurer, fiscal_year=fy, month=month)
    vf.report_submit(actor=treasurer, fiscal_year=fy, kind=ReportKind.SEMESTER, on=dt.date(YEAR, 7, 24))


def _panjar(fy, treasurer):
    """A settled panjar: 5,000,000 to the implementer, 4,250,000 accounted, 750,000 back."""
    from pintu.village_finance.models import Activity

    line = next(
        (
            ln
            for ln in BudgetLine.objects.filter(
                budget_id=fy.effective_budget_id, kind=LineKind.SPENDING, account__code__startswith="5.2"
            ).order_by("pk")
            if ln.amount - vf.line_realised(fy.pk, ln.key) >= 10_000_000
        ),
        None,
    )
    if line is None:
        return
    activity = Activity.objects.get(pk=line.activity_id)
    panjar = vf.panjar_give(
        actor=treasurer,
        fiscal_year=fy,
        activity=activity,
        recipient="Slamet Riyadi",
        recipient_position="Kasi Kesejahteraan (pelaksana kegiatan)",
        amount=5_000_000,
        book=Book.CASH,
        given_on=dt.date(YEAR, 5, 5),
    )
    vf.panjar_account(
        actor=treasurer,
        panjar=panjar,
        items=[
            {
                "line": line,
                "amount": 4_250_000,
                "description": "Belanja bahan kegiatan",
                "payee": "Toko Sumber Rejeki",
                "taxes": {"pph22": 63_750},
            }
        ],
        accounted_on=dt.date(YEAR, 5, 12),
    )
    vf.panjar_close(actor=treasurer, panjar=panjar, closed_on=dt.date(YEAR, 5, 14))


def _tax_left(fy, kind):
    from django.db.models import Sum

    from pintu.village_finance.models import JournalLine

    row = JournalLine.objects.filter(fiscal_year=fy, book=Book.TAX, tax_kind=kind).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (row["d"] or 0) - (row["c"] or 0)


def _other_village(code, stage, password_hash):
    office = OrgUnit.objects.select_related("village__district__regency").filter(code=f"DESA-{code}").first()
    if office is None:
        return
    village: Village = office.village
    slug = village.name.lower().replace(" ", "")
    treasurer = _user(
        f"bendahara.{slug}", f"Bendahara {village.name}", Role.VILLAGE_TREASURER, office, password_hash
    )
    if FiscalYear.objects.filter(village=village, year=YEAR + 1).exists():
        return
    head = User.objects.filter(username=f"kades.{slug}").first()
    fy = vf.fiscal_year_open(actor=treasurer, village=village, year=YEAR + 1)
    budget = fy.budgets.get(kind="original")
    scale = Decimal(1) + Decimal(len(slug) % 5) / 10
    _balanced(treasurer, budget, fy, scale=scale)
    if stage == "returned_draft":  # a draft that does not balance yet: the rule panel shows why
        line = budget.lines.filter(kind=LineKind.INCOME).first()
        vf.budget_line_update(actor=treasurer, line=line, unit_price=line.unit_price + 10_000_000)
        return
    if stage in ("agreed", "submitted") and head is not None:
        b = vf.budget_agree(
            actor=head, budget=budget, agreement_number=f"BA/{slug}/2026", on=dt.date(YEAR, 11, 16)
        )
        if stage == "submitted":
            vf.budget_submit(actor=treasurer, budget=b, on=dt.date(YEAR, 11, 18))
