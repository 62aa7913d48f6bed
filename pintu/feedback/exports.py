"""Printable IKM report: PDF (Typst, compiled directly) and xlsx (xlsxwriter) of the standard tables."""

from __future__ import annotations

import io
import json
from pathlib import Path

import typst
import xlsxwriter
from django.utils import timezone

from pintu.feedback.selectors import IkmReport

TEMPLATE = Path(__file__).resolve().parent / "typst" / "ikm_report.typ"
PROFILE_TITLES = {
    "sex": "Jenis kelamin",
    "age_group": "Usia",
    "education": "Pendidikan",
    "occupation": "Pekerjaan",
}


def _dec(value, places=4) -> str:
    if value is None:
        return "–"
    return f"{float(value):.{places}f}"


def report_data(report: IkmReport, scope: str) -> dict:
    result = report.result
    return {
        "scope": scope,
        "period": report.period.name,
        "population": report.period.population,
        "rule": result.rule.title,
        "generated": f"Dicetak {timezone.localtime():%d-%m-%Y %H:%M} dari Pintu",
        "respondents": result.respondents,
        "minimum": report.minimum_sample,
        "elements": [
            {
                "code": e.element.code.upper(),
                "name": e.element.name,
                "total": e.total,
                "answered": e.answered,
                "nrr": _dec(e.nrr),
                "weighted": _dec(e.weighted),
            }
            for e in result.elements
        ],
        "index": _dec(result.index),
        "converted": _dec(result.converted, 2),
        "grade": f"{result.band.grade} ({result.band.performance})" if result.band else "–",
        "agencies": [
            {
                "label": row.label,
                "respondents": row.result.respondents,
                "converted": _dec(row.result.converted, 2),
                "grade": row.result.band.grade if row.result.band else "–",
            }
            for row in report.by_agency
        ],
        "profile": [
            {"title": PROFILE_TITLES[name], "rows": [{"label": label, "count": n} for _, label, n in rows]}
            for name, rows in report.profile.items()
        ],
    }


def ikm_pdf(report: IkmReport, scope: str) -> bytes:
    payload = json.dumps(report_data(report, scope), ensure_ascii=False)
    return typst.compile(str(TEMPLATE), format="pdf", sys_inputs={"data": payload}, ignore_system_fonts=True)


def ikm_xlsx(report: IkmReport, scope: str) -> bytes:
    data = report_data(report, scope)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "0.0000"})
    sheet = book.add_worksheet("NRR per unsur")
    sheet.write_row(0, 0, ["Laporan SKM", scope, data["period"], data["rule"]], bold)
    sheet.write_row(
        2, 0, ["No", "Unsur pelayanan", "Jumlah nilai", "Responden", "NRR", "NRR tertimbang"], bold
    )
    for i, (element, row) in enumerate(zip(report.result.elements, data["elements"], strict=True), start=3):
        sheet.write_row(i, 0, [row["code"], row["name"], row["total"], row["answered"]])
        if element.nrr is not None:
            sheet.write_number(i, 4, float(element.nrr), number)
            sheet.write_number(i, 5, float(element.weighted), number)
    end = 3 + len(data["elements"])
    sheet.write(end, 1, "IKM unit pelayanan (Σ NRR tertimbang)", bold)
    sheet.write(end + 1, 1, "IKM konversi (× 25)", bold)
    sheet.write(end + 2, 1, "Mutu pelayanan", bold)
    sheet.write(end + 3, 1, "Jumlah responden / minimum", bold)
    if report.result.index is not None:
        sheet.write_number(end, 5, float(report.result.index), number)
        sheet.write_number(end + 1, 5, float(report.result.converted_display))
    sheet.write(end + 2, 5, data["grade"])
    sheet.write(
        end + 3, 5, f"{data['respondents']} / {data['minimum'] if data['minimum'] is not None else '–'}"
    )
    sheet.set_column(1, 1, 42)
    sheet.set_column(2, 5, 14)
    agencies = book.add_worksheet("Per instansi")
    agencies.write_row(0, 0, ["Instansi", "Responden", "IKM", "Mutu"], bold)
    for i, row in enumerate(report.by_agency, start=1):
        agencies.write_row(i, 0, [row.label, row.result.respondents])
        if row.result.converted is not None:
            agencies.write_number(i, 2, float(row.result.converted_display))
        agencies.write(i, 3, row.result.band.grade if row.result.band else "–")
    agencies.set_column(0, 0, 40)
    profile = book.add_worksheet("Profil responden")
    r = 0
    for block in data["profile"]:
        profile.write_row(r, 0, [block["title"], "Jumlah"], bold)
        for item in block["rows"]:
            r += 1
            profile.write_row(r, 0, [item["label"], item["count"]])
        r += 2
    profile.set_column(0, 0, 28)
    book.close()
    return buffer.getvalue()
