"""Concurrent issuance at one village: every number used exactly once, no gaps, on both
databases (PostgreSQL row locks; SQLite's IMMEDIATE transactions)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from pintu.core.errors import InvalidTransition
from pintu.letters import services as ls
from pintu.letters.models import Letter, LetterRequest, LetterSequence
from tests.letters_fixtures import USAHA_FIELDS, build_letter_world

THREADS = 8


def _threads(target, n):
    errors, results = [], []
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _world():
    from tests.conftest import build_world

    return build_letter_world(build_world())


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_has_no_duplicates_and_no_gaps():
    lw = _world()
    day = dt.date(2026, 11, 28)
    actors = ["village_operator", "village_head", "village_secretary"]

    def issue(i):
        letter_type = lw.usaha if i % 2 else lw.domisili
        return ls.letter_issue(
            actor=lw.users[actors[i % 3]],
            village_office=lw.world.village_office,
            letter_type=letter_type,
            resident=lw.resident,
            fields=USAHA_FIELDS if i % 2 else {},
            purpose=f"Keperluan {i}",
            today=day,
        ).number

    results, errors = _threads(issue, THREADS)
    assert not errors, errors
    sequences = sorted(Letter.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS + 1))
    assert len(set(results)) == THREADS
    assert LetterSequence.objects.get(office=lw.world.village_office, year=2026).last_number == THREADS
    assert all(letter.document_id for letter in Letter.objects.all())


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_with_a_failure_leaves_no_gap(monkeypatch):
    """One issuance fails while rendering (after taking its number): the others still form 1..n-1."""
    import pintu.documents.issuing as issuing

    lw = _world()
    day = dt.date(2026, 11, 28)
    original = issuing.render_pdf

    def sometimes_broken(*, template, data):
        if data.get("purpose") == "Keperluan 3":
            raise issuing.ValidationFailed("templat rusak")
        return original(template=template, data=data)

    monkeypatch.setattr(issuing, "render_pdf", sometimes_broken)

    def issue(i):
        return ls.letter_issue(
            actor=lw.users["village_operator"],
            village_office=lw.world.village_office,
            letter_type=lw.domisili,
            resident=lw.resident,
            fields={},
            purpose=f"Keperluan {i}",
            today=day,
        ).sequence

    results, errors = _threads(issue, 6)
    assert len(errors) == 1
    assert sorted(results) == [1, 2, 3, 4, 5]
    assert sorted(Letter.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_request_issue_one_letter():
    lw = _world()
    request = ls.letter_request_create(
        actor=lw.citizen, letter_type=lw.domisili, purpose="Melamar kerja", fields={}
    )
    ls.letter_request_check(actor=lw.users["village_operator"], request=request)

    results, errors = _threads(
        lambda i: ls.letter_request_approve(actor=lw.users["village_head"], request=request).pk, 4
    )
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, InvalidTransition) for e in errors)
    assert Letter.objects.count() == 1
    assert LetterRequest.objects.get(pk=request.pk).letter_id == Letter.objects.get().pk
