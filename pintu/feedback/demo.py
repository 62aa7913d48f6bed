"""Survei kepuasan (SKM 2025–2026) dan pengaduan contoh untuk demo.

Through the services only, at past times (``pintu.demo.generate.clock``): survey periods 2025
and 2026 (published, with a population of service users), a few hundred responses across the
demo agencies from one-time links (most at the MPP Banyuwangi site), and a dozen complaints in
every state of the workflow. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from pintu.accounts.models import User
from pintu.core.calendar import WorkCalendar
from pintu.demo.generate import CITIZEN_EMAIL, clock
from pintu.feedback import services as fs
from pintu.feedback.constants import PROFILE_FIELDS
from pintu.feedback.models import Complaint, SurveyResponse
from pintu.regions.models import OrgUnit

SEED = 1417
RESPONSES = {"2025": 120, "2026": 280}
POPULATION = {"2025": 9000, "2026": 12000}
# A service culture per agency (mean score): gives different grades in the report.
QUALITY = {
    "DISPENDUKCAPIL": 3.45,
    "DPMPTSP": 3.3,
    "POLRESTA-BWI": 3.1,
    "BPJS-KESEHATAN": 3.55,
    "BAPENDA": 2.8,
}
COMMENTS = [
    "Pelayanan cepat, petugas ramah.",
    "Antrean terlalu lama, mohon tambah loket.",
    "Informasi persyaratan di papan kurang jelas.",
    "Ruang tunggu nyaman dan bersih.",
    "Petugas sangat membantu lansia.",
    "Sistem sering gangguan, harus kembali besok.",
    "Terima kasih, sudah gratis dan cepat.",
]


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 14), rng.randint(0, 59))))


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    calendar = WorkCalendar()
    days, day = [], start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _score(rng: random.Random, mean: float) -> int:
    return max(1, min(4, round(rng.gauss(mean, 0.55))))


def _respond(rng: random.Random, agencies, services, site, lift: float) -> None:
    agency = rng.choice(agencies)
    mean = QUALITY.get(agency.code, 3.2) + lift
    service = rng.choice(services[agency.pk]) if services[agency.pk] else None
    profile = {
        name: rng.choice(choices.values) for name, choices in PROFILE_FIELDS.items() if rng.random() < 0.85
    }
    scores = {
        f"u{i}": _score(rng, mean + (0.35 if i == 4 else 0)) for i in range(1, 10) if rng.random() > 0.02
    }
    comment = rng.choice(COMMENTS) if rng.random() < 0.25 else ""
    link = fs.survey_invitation_create(
        actor=None, agency=agency, service=service, site=site if rng.random() < 0.7 else None, channel="link"
    )
    fs.survey_submit(token=link.token, answers=scores, comment=comment, profile=profile)


def seed_surveys(rng: random.Random, today: dt.date) -> int:
    agencies = list(OrgUnit.objects.filter(kind="agency", is_active=True).order_by("code"))
    site = OrgUnit.objects.filter(code="MPP-BANYUWANGI").first()
    services = {}
    for agency in agencies:
        services[agency.pk] = list(agency.services.filter(published_version__isnull=False).order_by("code"))
    made = 0
    for year, count in RESPONSES.items():
        start, end = dt.date(int(year), 1, 1), min(dt.date(int(year), 12, 31), today - dt.timedelta(days=1))
        period = fs.survey_period_create(
            actor=None,
            code=year,
            name=f"SKM {year}",
            starts_on=dt.date(int(year), 1, 1),
            ends_on=dt.date(int(year), 12, 31),
            population=POPULATION[year],
            is_published=True,
        )
        existing = SurveyResponse.objects.filter(period=period).count()
        days = _working_days(start, end)
        lift = 0.0 if year == "2026" else -0.15
        planned = sorted((rng.choice(days), n) for n in range(existing, count))
        with transaction.atomic():  # one commit for the year (SQLite syncs each commit)
            for day, group in itertools.groupby(planned, key=lambda item: item[0]):
                with clock(_moment(day, rng)):
                    for _ in group:
                        _respond(rng, agencies, services, site, lift)
                        made += 1
    return made


COMPLAINTS = [
    # (state, agency code, days before today, anonymous, channel, subject, description)
    (
        "submitted",
        "DISPENDUKCAPIL",
        1,
        False,
        "portal",
        "KTP-el belum jadi setelah 3 minggu",
        "Saya merekam KTP-el di MPP tiga minggu lalu dan dijanjikan jadi dalam 14 hari, sampai sekarang belum ada kabar.",
    ),
    (
        "submitted",
        "DPMPTSP",
        9,
        True,
        "portal",
        "Diminta uang pelicin untuk izin usaha",
        "Seseorang yang mengaku petugas menawarkan jasa mempercepat NIB dengan imbalan Rp500.000 di depan gerai.",
    ),
    (
        "triage",
        None,
        2,
        False,
        "portal",
        "Lampu jalan mati di depan MPP",
        "Lampu penerangan di area parkir MPP mati sejak seminggu, sangat gelap saat pulang sore.",
    ),
    (
        "verified",
        "POLRESTA-BWI",
        3,
        False,
        "counter",
        "Antrean SKCK terlalu panjang",
        "Antrean SKCK di gerai MPP mengular sampai keluar pintu, nomor antrean habis jam 10 pagi.",
    ),
    (
        "verified",
        "BAPENDA",
        14,
        False,
        "portal",
        "Tagihan PBB ganda",
        "SPPT PBB tahun ini terbit dua kali untuk objek yang sama dengan nominal berbeda.",
    ),
    (
        "answered",
        "DISPENDUKCAPIL",
        6,
        False,
        "portal",
        "Akta kelahiran salah ketik nama ibu",
        "Nama ibu di akta kelahiran anak saya salah ketik satu huruf, mohon dibetulkan tanpa biaya.",
    ),
    (
        "answered_old",
        "BPJS-KESEHATAN",
        30,
        True,
        "portal",
        "Petugas gerai tidak ramah",
        "Petugas gerai menjawab dengan ketus ketika saya bertanya soal pindah faskes.",
    ),
    (
        "closed",
        "DISPENDUKCAPIL",
        20,
        False,
        "portal",
        "Situs antrean daring tidak bisa dibuka",
        "Situs pendaftaran antrean daring menampilkan galat sejak Senin pagi.",
    ),
    (
        "closed",
        "DPMPTSP",
        25,
        False,
        "survey",
        "Persyaratan IMB tidak jelas",
        "Daftar persyaratan di loket berbeda dengan yang ada di situs resmi.",
    ),
    (
        "reopened",
        "BAPENDA",
        18,
        False,
        "portal",
        "Pembayaran pajak daerah tidak tercatat",
        "Saya sudah membayar lewat bank namun status di aplikasi masih belum lunas.",
    ),
    (
        "rejected",
        "POLRESTA-BWI",
        12,
        False,
        "portal",
        "Tetangga memutar musik keras",
        "Tetangga saya setiap malam memutar musik keras sampai lewat tengah malam.",
    ),
    (
        "transferred",
        "DISPENDUKCAPIL",
        4,
        False,
        "portal",
        "Izin keramaian untuk hajatan",
        "Saya mengurus izin keramaian untuk hajatan dan dilempar-lempar antar gerai.",
    ),
]
ANSWERS = {
    "DISPENDUKCAPIL": "Terima kasih atas laporannya. Dokumen Anda sudah kami perbaiki dan dapat diambil di gerai "
    "Dispendukcapil MPP tanpa biaya.",
    "BPJS-KESEHATAN": "Mohon maaf atas ketidaknyamanannya. Petugas yang bersangkutan sudah kami beri pembinaan.",
    "BAPENDA": "Pembayaran Anda sudah kami cocokkan dengan data bank; status kini lunas.",
    "DPMPTSP": "Daftar persyaratan di loket sudah kami samakan dengan standar pelayanan yang dipublikasikan.",
}


def _officer(agency_code: str) -> User:
    slug = agency_code.lower()
    return User.objects.get(username=f"verifikator.{slug}")


@transaction.atomic
def seed_complaints(rng: random.Random, today: dt.date) -> int:
    citizen = User.objects.filter(email__iexact=CITIZEN_EMAIL).first()
    if citizen is None or Complaint.objects.filter(submitted_by=citizen, submission_key="demo-0").exists():
        return 0
    counter_unit = OrgUnit.objects.get(code="DESA-35.10.24.2008")
    counter_actor = User.objects.get(username="operator.tamansari")
    calendar = WorkCalendar()
    made = 0
    for i, (state, agency_code, days_back, anonymous, channel, subject, description) in enumerate(COMPLAINTS):
        start = today
        for _ in range(days_back):
            start -= dt.timedelta(days=1)
            while not calendar.is_working_day(start):
                start -= dt.timedelta(days=1)
        agency = OrgUnit.objects.get(code=agency_code) if agency_code else None
        moment = _moment(start, rng)
        with clock(moment):
            kwargs = {"actor": citizen, "submission_key": f"demo-{i}"}
            if channel == "counter":
                kwargs = {
                    "actor": counter_actor,
                    "counter_unit": counter_unit,
                    "reporter_name": "Slamet Riyadi",
                    "reporter_phone": "081234500011",
                    "submission_key": f"demo-{i}",
                }
            elif channel == "survey":
                survey = SurveyResponse.objects.filter(
                    agency=agency, complaint__isnull=True, comment__gt=""
                ).first()
                if survey is None:
                    continue
                kwargs = {"actor": AnonymousUser(), "survey_response": survey}
                anonymous = True
            complaint, _ = fs.complaint_submit(
                channel=channel,
                subject=subject,
                description=description,
                agency=agency,
                is_anonymous=anonymous,
                **kwargs,
            )
        made += 1
        step = moment
        if state == "triage":
            continue
        if state == "transferred":
            with clock(step + dt.timedelta(hours=3)):
                fs.complaint_transfer(
                    actor=_officer(agency_code),
                    complaint=complaint,
                    agency=OrgUnit.objects.get(code="POLRESTA-BWI"),
                    note="Izin keramaian adalah kewenangan Polresta Banyuwangi.",
                )
            continue
        if state == "submitted":
            continue
        officer = _officer(agency_code)
        if state == "rejected":
            with clock(step + dt.timedelta(days=1)):
                fs.complaint_reject(
                    actor=officer,
                    complaint=complaint,
                    reason="out_of_scope",
                    note="Gangguan ketertiban lingkungan dilaporkan ke Bhabinkamtibmas desa setempat.",
                )
            continue
        with clock(step + dt.timedelta(days=1)):
            complaint = fs.complaint_verify(actor=officer, complaint=complaint)
        if state == "verified":
            continue
        with clock(step + dt.timedelta(days=3)):
            complaint = fs.complaint_answer(
                actor=officer,
                complaint=complaint,
                note=ANSWERS.get(agency_code, "Laporan Anda sudah kami tindak lanjuti."),
            )
        if state in ("answered", "answered_old"):
            continue
        rating = 5 if state == "closed" else 2
        with clock(step + dt.timedelta(days=4)):
            actor = citizen if complaint.reporter_user_id else AnonymousUser()
            fs.complaint_rate(
                actor=actor,
                complaint=complaint,
                rating=rating,
                holds_code=True,
                note="" if rating >= 3 else "Di aplikasi masih tertulis belum lunas.",
            )
    # The old answered complaint passed its 10 working days: the daily task closes it.
    fs.complaints_close_due(today=today)
    return made


def seed_demo(*, stdout) -> None:
    """Survei kepuasan (SKM 2025–2026) dan pengaduan contoh."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    responses = seed_surveys(rng, today)
    complaints = seed_complaints(rng, today)
    stdout.write(f"  {responses} jawaban survei, {complaints} pengaduan\n")
