"""Turning input (a form, an API body or a spreadsheet row) into resident field values, with one
Indonesian message per wrong field. Written to be fast: the import calls it for every row."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from pintu.population import codes
from pintu.population.validation import clean_number, kk_problem, nik_problem

# field -> (code list, default when empty or None = required)
CODE_FIELDS: dict[str, tuple[str, int | None]] = {
    "sex": ("jenis_kelamin", None),
    "religion": ("agama", None),
    "education": ("pendidikan_kk", 1),
    "education_current": ("pendidikan_sedang", 0),  # 0 = not given (stored as NULL)
    "occupation": ("pekerjaan", 1),
    "marital_status": ("status_perkawinan", 1),
    "blood_type": ("golongan_darah", 13),
    "family_relation": ("hubungan_keluarga", 11),
    "citizenship": ("warganegara", 1),
    "disability": ("cacat", 7),
    "residency": ("status_penduduk", 1),
}
TEXT_FIELDS: dict[str, int] = {
    "birth_place": 100,
    "birth_certificate": 40,
    "father_name": 150,
    "mother_name": 150,
    "phone": 20,
    "address": 255,
}
RESIDENT_FIELDS = (
    "nik",
    "full_name",
    "birth_date",
    "marriage_date",
    "father_nik",
    "mother_nik",
    "rw",
    "rt",
    *CODE_FIELDS,
    *TEXT_FIELDS,
)

_SPACES = re.compile(r"\s+")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_date_cache: dict[str, dt.date | None] = {}
_TABLES = codes._BY_TEXT  # code lists by text, for the fast path


def parse_date(value) -> dt.date | None:
    """A date from a date, an ISO/Indonesian text (DD-MM-YYYY) or an Excel serial number.

    Raises ValueError when the value is given but is not a date."""
    if value.__class__ is str:
        hit = _date_cache.get(value)
        if hit is not None:
            return hit
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip()
    if not text:
        return None
    hit = _date_cache.get(text, False)
    if hit is not False:
        if hit is None:
            raise ValueError(text)
        return hit
    parsed = None
    if len(text) >= 10 and text[4] == "-":
        try:
            parsed = dt.date.fromisoformat(text[:10])
        except ValueError:
            parsed = None
    if parsed is None:
        for fmt in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text[:10], fmt).date()
                break
            except ValueError:
                continue
    if len(_date_cache) < 100_000:
        _date_cache[text] = parsed
    if parsed is None:
        raise ValueError(text)
    return parsed


def _rt_rw(value) -> str | None:
    if value.__class__ is str and len(value) == 3 and value.isdigit():
        return value
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = int(value)
    text = str(value).strip()
    if text.isdigit() and len(text) <= 3:
        return text.zfill(3)
    return None


_CODE_SPECS = tuple(
    (field, list_name, _TABLES[list_name], default) for field, (list_name, default) in CODE_FIELDS.items()
)


def clean_resident(
    raw: dict,
    *,
    districts: frozenset[str] | None,
    today: dt.date,
    require_nik: bool = True,
) -> tuple[dict, dict[str, str]]:
    """(values, errors). ``raw`` uses the model's field names; codes may be codes or labels."""
    values: dict = {}
    errors: dict[str, str] = {}

    name = str(raw.get("full_name") or "").strip()
    if "  " in name or "\n" in name or "\t" in name:
        name = _SPACES.sub(" ", name)
    if not name:
        errors["full_name"] = _("Nama lengkap wajib diisi.")
    elif len(name) > 150:
        errors["full_name"] = _("Nama lengkap paling banyak 150 huruf.")
    values["full_name"] = name

    get = raw.get
    for field, list_name, table, default in _CODE_SPECS:
        value = get(field)
        if value is None or value == "":
            if default is None:
                errors[field] = _("%(field)s wajib diisi.") % {"field": _FIELD_LABELS[field]}
                continue
            values[field] = default or None
            continue
        code = table.get(value) if value.__class__ is str else None
        if code is None:
            code = codes.lookup(list_name, value)
        if code is None:
            errors[field] = _("%(field)s “%(value)s” tidak dikenal; pakai kode atau nama dari daftar.") % {
                "field": _FIELD_LABELS[field],
                "value": value,
            }
            continue
        values[field] = code

    for field in ("birth_date", "marriage_date"):
        try:
            values[field] = parse_date(raw.get(field))
        except ValueError:
            errors[field] = _("%(field)s “%(value)s” bukan tanggal (tulis HH-BB-TTTT).") % {
                "field": _FIELD_LABELS[field],
                "value": raw.get(field),
            }
            values[field] = None
    birth = values["birth_date"]
    if birth is None and "birth_date" not in errors:
        errors["birth_date"] = _("Tanggal lahir wajib diisi.")
    elif birth is not None and (birth > today or birth.year < 1880):
        errors["birth_date"] = _("Tanggal lahir tidak masuk akal (di masa depan atau sebelum 1880).")
        birth = None

    nik = clean_number(raw.get("nik"))
    values["nik"] = nik
    if nik or require_nik:
        problem = nik_problem(
            nik,
            birth_date=birth,
            sex=values.get("sex"),
            districts=districts,
        )
        if problem:
            errors["nik"] = problem

    for field in ("father_nik", "mother_nik"):
        other = clean_number(raw.get(field))
        if other and (len(other) != 16 or not other.isdigit()):
            errors[field] = _("%(field)s harus 16 angka atau dikosongkan.") % {"field": _FIELD_LABELS[field]}
        values[field] = other

    for field in ("rw", "rt"):
        text = _rt_rw(raw.get(field))
        if text is None:
            errors[field] = _("%(field)s harus angka, paling banyak 3 digit (mis. 001).") % {
                "field": field.upper()
            }
            text = ""
        values[field] = text

    for field, limit in TEXT_FIELDS.items():
        value = raw.get(field)
        if value is None:
            text = ""
        else:
            text = (value if value.__class__ is str else str(value)).strip()
            if "  " in text or "\n" in text or "\t" in text:
                text = _SPACES.sub(" ", text)
        if len(text) > limit:
            errors[field] = _("%(field)s paling banyak %(n)s huruf.") % {
                "field": _FIELD_LABELS[field],
                "n": limit,
            }
            text = text[:limit]
        values[field] = text
    return values, errors


def clean_kk(value, *, districts, today) -> tuple[str, str | None]:
    kk = clean_number(value)
    if not kk:
        return "", None
    return kk, kk_problem(kk, districts=districts, today=today)


class _Labels(dict):
    def __missing__(self, key):
        return key


_FIELD_LABELS = _Labels(
    sex="Jenis kelamin",
    religion="Agama",
    education="Pendidikan",
    education_current="Pendidikan yang sedang ditempuh",
    occupation="Pekerjaan",
    marital_status="Status perkawinan",
    blood_type="Golongan darah",
    family_relation="Hubungan dalam keluarga",
    citizenship="Kewarganegaraan",
    disability="Disabilitas",
    residency="Status penduduk",
    birth_date="Tanggal lahir",
    marriage_date="Tanggal perkawinan",
    father_nik="NIK ayah",
    mother_nik="NIK ibu",
    birth_place="Tempat lahir",
    birth_certificate="Nomor akta kelahiran",
    father_name="Nama ayah",
    mother_name="Nama ibu",
    phone="Telepon",
    address="Alamat",
)
