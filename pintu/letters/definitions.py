"""The regency's default letter types: every row of OpenSID's built-in list
(``data/opensid_surat_bawaan.csv``) plus the few common letters OpenSID does not ship, with
the twelve most used ones given their own template and extra fields.

``letter_types_seed`` (services) loads these; a regency admin can change them afterwards.
Classification codes follow village practice for Permendagri 78/2012 archive codes
(470 kependudukan, 474.x pencatatan sipil, 475 mutasi, 500 perekonomian, 400 kesejahteraan,
300 ketenteraman); they are configurable because villages differ.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parent / "data" / "opensid_surat_bawaan.csv"


def f(key, label, kind="text", *, required=True, choices=None, help_text=""):
    row = {"key": key, "label": label, "kind": kind, "required": required}
    if choices:
        row["choices"] = list(choices)
    if help_text:
        row["help"] = help_text
    return row


STATEMENT = [
    f(
        "keterangan",
        "Isi keterangan",
        "textarea",
        help_text="Kalimat yang diterangkan desa tentang warga ini, misalnya “benar pemilik tanah …”.",
    )
]


@dataclass
class TypeSpec:
    slug: str
    code: str
    name: str
    classification: str
    template: str = "umum"
    fields: list = field(default_factory=list)
    requirements: str = "1. KTP-el\n2. Kartu Keluarga"
    validity_days: int = 30
    signer: str = "head"
    requestable: bool = True
    dukcapil_forms: str = ""
    source: str = "opensid"


# The twelve with their own template (keyed by the OpenSID url slug, or a Pintu slug).
MAIN = {
    "surat-keterangan-domisili": TypeSpec(
        slug="surat-keterangan-domisili",
        code="S-41",
        name="Keterangan Domisili",
        classification="470",
        template="domisili",
        fields=[
            f("tinggal_sejak", "Tinggal di alamat ini sejak (tahun)", "number", required=False),
        ],
        requirements="1. KTP-el\n2. Kartu Keluarga\n3. Surat pengantar RT/RW",
        validity_days=90,
        signer="secretary",
    ),
    "surat-keterangan-usaha": TypeSpec(
        slug="surat-keterangan-usaha",
        code="500",
        name="Keterangan Usaha",
        classification="500",
        template="usaha",
        fields=[
            f("nama_usaha", "Nama usaha"),
            f(
                "jenis_usaha",
                "Jenis/bidang usaha",
                help_text="Misalnya warung kelontong, pertanian kopi, jasa las.",
            ),
            f("alamat_usaha", "Alamat tempat usaha"),
            f("usaha_sejak", "Usaha berjalan sejak (tahun)", "number"),
        ],
        requirements="1. KTP-el\n2. Kartu Keluarga\n3. Foto tempat usaha",
        validity_days=180,
    ),
    "surat-keterangan-kurang-mampu": TypeSpec(
        slug="surat-keterangan-kurang-mampu",
        code="S-11",
        name="Keterangan Tidak Mampu",
        classification="400",
        template="tidak_mampu",
        fields=[
            f("penghasilan_keluarga", "Penghasilan keluarga per bulan (Rp)", "money"),
            f("jumlah_tanggungan", "Jumlah tanggungan (orang)", "number"),
        ],
        requirements="1. KTP-el\n2. Kartu Keluarga\n3. Surat pengantar RT/RW",
        validity_days=90,
    ),
    "surat-keterangan-penghasilan": TypeSpec(
        slug="surat-keterangan-penghasilan",
        code="S-42P",
        name="Keterangan Penghasilan",
        classification="470",
        template="penghasilan",
        fields=[
            f("pekerjaan_rinci", "Pekerjaan (rinci)", help_text="Misalnya buruh tani kopi, pedagang sayur."),
            f("penghasilan_bulanan", "Penghasilan rata-rata per bulan (Rp)", "money"),
        ],
        requirements="1. KTP-el\n2. Kartu Keluarga\n3. Surat pernyataan penghasilan bermeterai",
        validity_days=90,
        source="pintu",
    ),
    "surat-keterangan-belum-menikah": TypeSpec(
        slug="surat-keterangan-belum-menikah",
        code="S-26",
        name="Keterangan Belum Menikah",
        classification="474.2",
        template="belum_menikah",
        requirements="1. KTP-el\n2. Kartu Keluarga\n3. Surat pernyataan belum menikah bermeterai",
        validity_days=90,
        source="pintu",
    ),
    "surat-keterangan-kelahiran": TypeSpec(
        slug="surat-keterangan-kelahiran",
        code="S-17",
        name="Keterangan Kelahiran",
        classification="474.1",
        template="kelahiran",
        fields=[
            f("nama_anak", "Nama anak"),
            f("jenis_kelamin_anak", "Jenis kelamin anak", "choice", choices=["Laki-laki", "Perempuan"]),
            f("tempat_lahir_anak", "Tempat dilahirkan", help_text="Misalnya Puskesmas Licin, rumah."),
            f("tanggal_lahir_anak", "Tanggal lahir", "date"),
            f("jam_lahir_anak", "Jam lahir", "time", required=False),
            f("anak_ke", "Anak ke-", "number"),
            f("nama_ayah", "Nama ayah"),
            f("nama_ibu", "Nama ibu"),
            f(
                "penolong",
                "Penolong kelahiran",
                "choice",
                choices=["Dokter", "Bidan", "Dukun", "Lainnya"],
                required=False,
            ),
        ],
        requirements="1. KTP-el orang tua\n2. Kartu Keluarga\n3. Surat keterangan lahir dari bidan/rumah sakit\n4. Buku nikah orang tua",
        validity_days=30,
        requestable=False,
        dukcapil_forms="F-2.01",
    ),
    "surat-keterangan-kematian": TypeSpec(
        slug="surat-keterangan-kematian",
        code="S-21",
        name="Keterangan Kematian",
        classification="474.3",
        template="kematian",
        fields=[
            f("tanggal_meninggal", "Tanggal meninggal", "date"),
            f("jam_meninggal", "Jam meninggal", "time", required=False),
            f("tempat_meninggal", "Tempat meninggal"),
            f(
                "sebab_meninggal",
                "Sebab meninggal",
                "choice",
                choices=[
                    "Sakit biasa/tua",
                    "Wabah penyakit",
                    "Kecelakaan",
                    "Kriminalitas",
                    "Bunuh diri",
                    "Lainnya",
                ],
            ),
            f("nama_pelapor", "Nama pelapor"),
            f("hubungan_pelapor", "Hubungan pelapor dengan almarhum/almarhumah"),
        ],
        requirements="1. KTP-el dan KK almarhum/almarhumah\n2. KTP-el pelapor\n3. Surat keterangan kematian dari dokter/rumah sakit (bila ada)",
        validity_days=30,
        requestable=False,
        dukcapil_forms="F-2.01",
    ),
    "surat-keterangan-pindah-penduduk": TypeSpec(
        slug="surat-keterangan-pindah-penduduk",
        code="S-04",
        name="Keterangan Pindah Penduduk",
        classification="475",
        template="pindah",
        fields=[
            f("alamat_tujuan", "Alamat tujuan (jalan, RT/RW, dusun)"),
            f("desa_tujuan", "Desa/kelurahan tujuan"),
            f("kecamatan_tujuan", "Kecamatan tujuan"),
            f("kabupaten_tujuan", "Kabupaten/kota tujuan"),
            f("provinsi_tujuan", "Provinsi tujuan"),
            f(
                "alasan_pindah",
                "Alasan pindah",
                "choice",
                choices=[
                    "Pekerjaan",
                    "Pendidikan",
                    "Keamanan",
                    "Kesehatan",
                    "Perumahan",
                    "Keluarga",
                    "Lainnya",
                ],
            ),
            f("tanggal_pindah", "Tanggal pindah", "date"),
            f(
                "pengikut",
                "Anggota keluarga yang ikut pindah",
                "textarea",
                required=False,
                help_text="Satu orang per baris: NIK, nama, hubungan keluarga.",
            ),
        ],
        requirements="1. KTP-el\n2. Kartu Keluarga asli\n3. Surat pengantar RT/RW",
        validity_days=30,
        requestable=False,
        dukcapil_forms="F-1.03,F-1.08,F-1.25,F-1.27",
    ),
    "surat-pengantar-laporan-kehilangan": TypeSpec(
        slug="surat-pengantar-laporan-kehilangan",
        code="S-13",
        name="Pengantar Laporan Kehilangan",
        classification="300",
        template="kehilangan",
        fields=[
            f(
                "barang_hilang",
                "Barang/dokumen yang hilang",
                help_text="Misalnya KTP-el, BPKB sepeda motor P 1234 XY.",
            ),
            f("tempat_hilang", "Perkiraan tempat hilang"),
            f("tanggal_hilang", "Perkiraan tanggal hilang", "date"),
            f("kronologi", "Kronologi singkat", "textarea", required=False),
        ],
        requirements="1. KTP-el (atau fotokopi bila yang hilang KTP-el)\n2. Kartu Keluarga",
        validity_days=30,
    ),
    "surat-pengantar-ktp-kk": TypeSpec(
        slug="surat-pengantar-ktp-kk",
        code="S-36P",
        name="Pengantar KTP-el / Kartu Keluarga",
        classification="471",
        template="pengantar_ktp_kk",
        fields=[
            f(
                "jenis_permohonan",
                "Permohonan",
                "choice",
                choices=[
                    "KTP-el baru",
                    "KTP-el pengganti (hilang/rusak)",
                    "Perubahan data KTP-el",
                    "KK baru",
                    "Perubahan KK",
                    "KK pengganti (hilang/rusak)",
                ],
            ),
            f("alasan", "Alasan/keterangan", "textarea", required=False),
        ],
        requirements="1. Kartu Keluarga\n2. KTP-el lama (untuk penggantian)\n3. Surat kehilangan dari kepolisian (bila hilang)",
        validity_days=30,
        source="pintu",
    ),
    "surat-pengantar-surat-keterangan-catatan-kepolisian": TypeSpec(
        slug="surat-pengantar-surat-keterangan-catatan-kepolisian",
        code="S-07",
        name="Pengantar SKCK",
        classification="300",
        template="pengantar_skck",
        requirements="1. KTP-el\n2. Kartu Keluarga\n3. Akta kelahiran/ijazah\n4. Pas foto 4x6 latar merah",
        validity_days=30,
    ),
    "surat-keterangan-umum": TypeSpec(
        slug="surat-keterangan-umum",
        code="S-00",
        name="Keterangan Umum",
        classification="470",
        template="umum",
        fields=STATEMENT,
        requirements="1. KTP-el\n2. Kartu Keluarga\n3. Dokumen pendukung keterangan",
        validity_days=30,
        source="pintu",
    ),
}

# Classification codes for the OpenSID rows without a main template.
CLASSIFICATION_BY_SLUG = {
    "surat-keterangan-kelahiran": "474.1",
    "surat-keterangan-lahir-mati": "474.1",
    "surat-permohonan-akta-lahir": "474.1",
    "surat-permohonan-duplikat-kelahiran": "474.1",
    "surat-pernyataan-belum-memiliki-akta-lahir": "474.1",
    "surat-keterangan-nikah": "474.2",
    "surat-keterangan-pergi-kawin": "474.2",
    "surat-keterangan-untuk-nikah-warga-non-muslim": "474.2",
    "surat-keterangan-wali-hakim": "474.2",
    "surat-keterangan-izin-orang-tua-suami-istri": "474.2",
    "surat-permohonan-duplikat-surat-nikah": "474.2",
    "surat-permohonan-cerai": "474.4",
    "surat-keterangan-pengantar-rujukcerai": "474.4",
    "surat-keterangan-kematian": "474.3",
    "surat-keterangan-pindah-penduduk": "475",
    "surat-permohonan-kartu-keluarga": "471",
    "surat-permohonan-perubahan-kartu-keluarga": "471",
    "surat-keterangan-ktp-dalam-proses": "471",
    "surat-biodata-penduduk": "471",
    "surat-keterangan-beda-identitas": "471.1",
    "surat-keterangan-beda-identitas-kis": "471.1",
    "surat-keterangan-jamkesos": "400",
    "surat-keterangan-kurang-mampu": "400",
    "surat-keterangan-usaha": "500",
    "surat-keterangan-domisili-usaha": "500",
    "surat-keterangan-jual-beli": "500",
    "surat-keterangan-kepemilikan-kendaraan": "500",
    "surat-keterangan-kepemilikan-tanah": "593",
    "surat-pernyataan-penguasaan-fisik-bidang-tanah-sporadik": "593",
    "surat-pengantar-izin-keramaian": "300",
    "surat-pengantar-laporan-kehilangan": "300",
    "surat-pengantar-surat-keterangan-catatan-kepolisian": "300",
    "surat-perintah-perjalanan-dinas": "090",
    "surat-kuasa": "470",
}


def _validity_days(amount: str, unit: str) -> int:
    amount_i = int(amount or 1)
    unit = (unit or "M").strip()
    if unit == "d":
        return amount_i
    if unit.lower() == "y":
        return 365 * amount_i
    return 30 * amount_i  # "M": months


def type_specs() -> list[TypeSpec]:
    """All default types: the CSV rows in order (main ones with their full spec), then Pintu's own."""
    specs: list[TypeSpec] = []
    seen_codes: set[str] = set()
    seen_slugs: set[str] = set()
    with CSV_PATH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            slug = row["url_surat"].strip()
            if slug in MAIN:
                spec = MAIN[slug]
            else:
                code = row["kode_surat"].strip()
                if code in seen_codes:  # S-41 is used twice upstream; keep the codes unique
                    code = f"{code}B"
                spec = TypeSpec(
                    slug=slug,
                    code=code,
                    name=row["nama"].strip(),
                    classification=CLASSIFICATION_BY_SLUG.get(slug, "470"),
                    template="umum",
                    fields=STATEMENT,
                    validity_days=_validity_days(row["masa_berlaku"], row["satuan_masa_berlaku"]),
                    requestable=row["mandiri"].strip() == "1",
                    dukcapil_forms=row["lampiran"].strip(),
                )
            seen_codes.add(spec.code)
            seen_slugs.add(slug)
            specs.append(spec)
    for slug, spec in MAIN.items():
        if slug not in seen_slugs:
            specs.append(spec)
    return specs
