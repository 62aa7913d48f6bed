"""Letter numbers: format parsing (table-driven), rendering, yearly reset, scopes, no gaps."""

from __future__ import annotations

import datetime as dt

import pytest

from pintu.core.errors import ValidationFailed
from pintu.letters import services as ls
from pintu.letters.models import Letter, LetterSequence
from pintu.letters.numbering import parse_number_format, roman_month
from tests.letters_fixtures import USAHA_FIELDS, configure, lw  # noqa: F401

RENDER = {
    "classification_code": "470",
    "type_code": "S-41",
    "village_code": "35.10.24.2008",
    "year": 2026,
    "month": 11,
}


@pytest.mark.parametrize(
    "fmt, sequence, expected",
    [
        ("[kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]", 12, "470/012/35.10.24.2008/XI/2026"),
        ("[kode]/[nomor]/[tahun]", 7, "470/7/2026"),
        ("[kode_surat]/[nomor:4]/[bulan]/[tahun]", 5, "S-41/0005/11/2026"),
        ("[nomor:2]/DS-TMS/[tahun]", 123, "123/DS-TMS/2026"),  # wider than the padding: kept whole
        ("  470 / [ nomor:3 ] / [TAHUN]  ", 1, "470 / 001 / 2026"),
    ],
)
def test_formats_render(fmt, sequence, expected):
    assert parse_number_format(fmt).render(sequence=sequence, **RENDER) == expected


@pytest.mark.parametrize(
    "fmt, scope, fragment",
    [
        ("", "village", "Isi format"),
        ("[kode]/[tahun]", "village", "[nomor] tepat satu kali (sekarang 0"),
        ("[nomor]/[nomor]/[tahun]", "village", "tepat satu kali (sekarang 2"),
        ("[kode]/[nomor:3]", "village", "harus memuat [tahun]"),
        ("[kode]/[nomer:3]/[tahun]", "village", "Kode [nomer:3] tidak dikenal"),
        ("[kode]/[nomor:0]/[tahun]", "village", "Lebar nomor"),
        ("[kode]/[nomor:x]/[tahun]", "village", "Lebar nomor"),
        ("[kode]/[nomor:9]/[tahun]", "village", "Lebar nomor"),
        ("[kode:2]/[nomor]/[tahun]", "village", "Hanya [nomor] yang boleh diberi lebar"),
        ("[kode]/[nomor/[tahun]", "village", "kurung siku tidak berpasangan"),
        ("[kode]/[nomor]]/[tahun]", "village", "kurung siku tidak berpasangan"),
        ("[kode]/[nomor]/[tahun]#", "village", "hanya boleh berisi"),
        ("[kode]/[nomor]/[tahun]", "type", "harus memuat [kode_surat]"),
        ("x" * 81, "village", "terlalu panjang"),
    ],
)
def test_bad_formats_are_rejected_with_a_message(fmt, scope, fragment):
    with pytest.raises(ValidationFailed) as info:
        parse_number_format(fmt, scope=scope)
    assert fragment in str(info.value.message)
    assert "number_format" in info.value.fields


@pytest.mark.parametrize("month, roman", [(1, "I"), (4, "IV"), (9, "IX"), (11, "XI"), (12, "XII")])
def test_roman_months(month, roman):
    assert roman_month(month) == roman


def _issue(lw, letter_type=None, *, today=None, actor="village_operator", resident=None):  # noqa: F811
    letter_type = letter_type or lw.domisili
    fields = USAHA_FIELDS if letter_type == lw.usaha else {}
    return ls.letter_issue(
        actor=lw.users[actor],
        village_office=lw.world.village_office,
        letter_type=letter_type,
        resident=resident or lw.resident,
        fields=fields,
        purpose="Melamar pekerjaan",
        today=today,
    )


def test_shared_sequence_counts_across_types_and_resets_each_year(lw):  # noqa: F811
    day = dt.date(2026, 11, 28)
    a = _issue(lw, today=day)
    b = _issue(lw, lw.usaha, today=day)
    c = _issue(lw, today=dt.date(2027, 1, 2))
    assert (a.sequence, b.sequence, c.sequence) == (1, 2, 1)
    assert a.number == "470/001/35.10.24.2008/XI/2026"
    assert b.number == "500/002/35.10.24.2008/XI/2026"
    assert c.number == "470/001/35.10.24.2008/I/2027"


def test_per_type_sequences(lw):  # noqa: F811
    configure(lw.world, number_format="[kode_surat]/[nomor:3]/[tahun]", scope="type")
    day = dt.date(2026, 3, 1)
    numbers = [_issue(lw, t, today=day).number for t in (lw.domisili, lw.usaha, lw.domisili)]
    assert numbers == ["S-41/001/2026", "500/001/2026", "S-41/002/2026"]


def test_sequences_are_per_village(lw):  # noqa: F811
    day = dt.date(2026, 5, 5)
    mine = _issue(lw, today=day)
    theirs = ls.letter_issue(
        actor=lw.users["other_village_operator"],
        village_office=lw.world.other_village_office,
        letter_type=lw.domisili,
        resident=lw.other_resident,
        fields={},
        purpose="Domisili",
        today=day,
    )
    assert mine.sequence == theirs.sequence == 1
    assert theirs.number == "470/001/35.10.24.2001/V/2026"


def test_failed_rendering_consumes_no_number(lw, monkeypatch):  # noqa: F811
    from pintu.documents import rendering

    day = dt.date(2026, 6, 1)
    _issue(lw, today=day)

    def broken(**kwargs):
        raise rendering.RenderError("templat rusak")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    import pintu.documents.issuing as issuing

    monkeypatch.setattr(issuing, "render_pdf", broken)
    with pytest.raises(ValidationFailed):
        _issue(lw, today=day)
    monkeypatch.undo()
    after = _issue(lw, today=day)
    assert after.sequence == 2  # no gap: the failed attempt's number 2 was rolled back
    assert Letter.objects.count() == 2
    assert LetterSequence.objects.get(office=lw.world.village_office, year=2026).last_number == 2


def test_failed_validation_takes_no_number(lw):  # noqa: F811
    day = dt.date(2026, 6, 1)
    with pytest.raises(ValidationFailed) as info:
        ls.letter_issue(
            actor=lw.users["village_operator"],
            village_office=lw.world.village_office,
            letter_type=lw.usaha,
            resident=lw.resident,
            fields={"nama_usaha": ""},
            purpose="",
            today=day,
        )
    assert {"fields.nama_usaha", "fields.jenis_usaha", "purpose"} <= set(info.value.fields)
    assert not LetterSequence.objects.filter(last_number__gt=0).exists()
    assert _issue(lw, today=day).sequence == 1
