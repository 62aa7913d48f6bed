"""Helpers for the feedback tests: respondents' answers, a clock, complaints in a given state."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from pintu.feedback import services as fs

WIB = ZoneInfo("Asia/Jakarta")


@contextmanager
def on(day: dt.date, hour: int = 10):
    """Run services as if it were ``day`` at ``hour`` WIB."""
    moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=WIB)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def answers(*scores, **extra) -> dict:
    """answers(4, 3, 3, 4, 3, 4, 4, 3, 3) -> {"u1": 4, ...}; None leaves an element unanswered."""
    return {f"u{i}": s for i, s in enumerate(scores, start=1) if s is not None} | extra


def respond(world, scores, *, agency=None, service=None, site=None, profile=None, comment=""):
    link = fs.survey_invitation_create(
        actor=None, agency=agency or world.agency, service=service, site=site, channel="link"
    )
    response, _ = fs.survey_submit(
        token=link.token, answers=answers(*scores), profile=profile, comment=comment
    )
    return response


def complaint_in(world, state: str, *, agency=None, reporter=None, anonymous=False, **kwargs):
    """A complaint submitted by ``reporter`` (default: the fixture citizen) and moved to ``state``
    (submitted, triage, verified, answered, closed, rejected, reopened)."""
    reporter = reporter if reporter is not None else world.users["citizen"]
    complaint, _ = fs.complaint_submit(
        actor=reporter,
        channel="portal",
        subject="Antrean terlalu lama",
        description="Saya menunggu tiga jam di loket tanpa kejelasan dari petugas.",
        agency=None if state == "triage" else (agency or world.agency),
        is_anonymous=anonymous,
        reporter_phone="081234567890" if not reporter.is_authenticated else "",
        reporter_name="Warga" if not reporter.is_authenticated else "",
        **kwargs,
    )
    officer = (
        world.users["verifier"] if (agency or world.agency) == world.agency else world.users["other_verifier"]
    )
    if state in ("submitted", "triage"):
        return complaint
    if state == "rejected":
        return fs.complaint_reject(
            actor=officer, complaint=complaint, reason="duplicate", note="Sama dengan P-1."
        )
    complaint = fs.complaint_verify(actor=officer, complaint=complaint)
    if state == "verified":
        return complaint
    complaint = fs.complaint_answer(actor=officer, complaint=complaint, note="Loket tambahan sudah dibuka.")
    if state == "answered":
        return complaint
    if state == "closed":
        return fs.complaint_rate(actor=reporter, complaint=complaint, rating=5, holds_code=True)
    if state == "reopened":
        return fs.complaint_rate(
            actor=reporter, complaint=complaint, rating=1, note="Belum ada perubahan.", holds_code=True
        )
    raise ValueError(state)
