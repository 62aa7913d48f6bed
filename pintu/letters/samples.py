"""Sample data for every letter template: used by the template tests (each template must
compile with it) and by ``manage.py letters_preview`` to look at the letters as PNG/PDF."""

from __future__ import annotations

SAMPLE_RESIDENT = {
    "nik": "3510245203900001",
    "full_name": "Siti Aminah",
    "sex_label": "Perempuan",
    "birth_place": "Banyuwangi",
    "birth_date": "1990-03-12",
    "birth_text": "Banyuwangi, 12 Maret 1990",
    "age": 36,
    "religion_label": "Islam",
    "occupation_label": "Wiraswasta",
    "marital_status_label": "Belum Kawin",
    "education_label": "SLTA/Sederajat",
    "citizenship_label": "WNI",
    "family_relation_label": "Anak",
    "kk_number": "3510241203080004",
    "hamlet_name": "Krajan",
    "rw": "002",
    "rt": "001",
    "address": "Dusun Krajan RT 001 RW 002, Desa Tamansari, Kecamatan Licin",
    "village_code": "35.10.24.2008",
    "village_name": "Tamansari",
    "district_name": "Licin",
    "regency_name": "Kabupaten Banyuwangi",
    "father_name": "Slamet",
    "mother_name": "Sumiati",
    "status_label": "Hidup",
}

SAMPLE_FIELDS = {
    "tinggal_sejak": 2008,
    "nama_usaha": "Warung Kopi Ijen Asri",
    "jenis_usaha": "Warung kopi dan makanan ringan",
    "alamat_usaha": "Jl. Raya Jambu No. 12, Dusun Krajan, Tamansari",
    "usaha_sejak": 2019,
    "penghasilan_keluarga": 1250000,
    "jumlah_tanggungan": 4,
    "pekerjaan_rinci": "Buruh petik kopi",
    "penghasilan_bulanan": 1800000,
    "nama_anak": "Muhammad Rizki Pratama",
    "jenis_kelamin_anak": "Laki-laki",
    "tempat_lahir_anak": "Puskesmas Licin",
    "tanggal_lahir_anak": "2026-11-20",
    "jam_lahir_anak": "04:35",
    "anak_ke": 2,
    "nama_ayah": "Agus Santoso",
    "nama_ibu": "Siti Aminah",
    "penolong": "Bidan",
    "tanggal_meninggal": "2026-11-25",
    "jam_meninggal": "21:10",
    "tempat_meninggal": "Rumah duka, Dusun Krajan",
    "sebab_meninggal": "Sakit biasa/tua",
    "nama_pelapor": "Agus Santoso",
    "hubungan_pelapor": "Anak kandung",
    "alamat_tujuan": "Jl. Brawijaya No. 5 RT 003 RW 001",
    "desa_tujuan": "Kebalenan",
    "kecamatan_tujuan": "Banyuwangi",
    "kabupaten_tujuan": "Kabupaten Banyuwangi",
    "provinsi_tujuan": "Jawa Timur",
    "alasan_pindah": "Pekerjaan",
    "tanggal_pindah": "2026-12-01",
    "pengikut": "3510241506150002, Nadia Putri, Anak\n3510240101180003, Fajar Ramadhan, Anak",
    "barang_hilang": "KTP-el atas nama pemohon",
    "tempat_hilang": "Pasar Licin",
    "tanggal_hilang": "2026-11-22",
    "kronologi": "Dompet berisi KTP-el terjatuh saat berbelanja di pasar.",
    "jenis_permohonan": "KTP-el pengganti (hilang/rusak)",
    "alasan": "KTP-el hilang, telah dilaporkan ke Polsek Licin.",
    "keterangan": "benar memiliki sebidang tanah pekarangan seluas ± 300 m² di Dusun Krajan yang ditempati sendiri",
}


def sample_data(letter_type) -> dict:
    """Everything ``services._letter_data`` would pass, for one type, with sample values."""
    from pintu.letters.fieldspec import clean_letter_fields
    from pintu.letters.formatting import display_fields

    values = {spec["key"]: SAMPLE_FIELDS.get(spec["key"], "contoh") for spec in letter_type.fields_schema}
    if any(spec.get("kind") == "choice" for spec in letter_type.fields_schema):
        for spec in letter_type.fields_schema:
            if spec.get("kind") == "choice" and values[spec["key"]] not in spec["choices"]:
                values[spec["key"]] = spec["choices"][0]
    clean = clean_letter_fields(letter_type.fields_schema, values)
    return {
        "kop": {
            "regency": "PEMERINTAH KABUPATEN BANYUWANGI",
            "unit_lines": ["KECAMATAN LICIN", "DESA TAMANSARI"],
            "address": "Jl. Raya Jambu No. 1, Tamansari, Licin, Banyuwangi 68454 · Telp. (0333) 000000",
        },
        "place": "Tamansari",
        "date_text": "28 November 2026",
        "signer": {"on_behalf": "", "position": "Kepala Desa Tamansari", "name": "SUGENG RIYADI", "nip": ""},
        "resident": SAMPLE_RESIDENT,
        "fields": display_fields(letter_type.fields_schema, clean),
        "purpose": "Persyaratan melamar pekerjaan",
        "letter": {
            "code": letter_type.code,
            "name": letter_type.name,
            "requirements": letter_type.requirements,
        },
        "village": {
            "kind": "Desa",
            "name": "Tamansari",
            "district": "Licin",
            "regency": "Kabupaten Banyuwangi",
        },
    }
