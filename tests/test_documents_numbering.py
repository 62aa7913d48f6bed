"""Document numbers under concurrency: no duplicate and no gap, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from pintu.cases import services as cs
from pintu.documents.models import DocumentSequence, IssuedDocument
from pintu.documents.services import document_number_next
from tests.documents_fixtures import fake_signer
from tests.factories import CaseFactory, officer_for

__all__ = ["fake_signer"]


def _threads(target, n):
    errors, results = [], []
    start = threading.Barrier(n)

    def run(i):
        try:
            start.wait()
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


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_have_no_duplicate_and_no_gap():
    from tests.conftest import build_world

    world = build_world()  # the sequence row does not exist yet: its creation races too

    def take(i):
        with transaction.atomic():
            return document_number_next(org_unit=world.agency, series="case_output", year=2026)

    results, errors = _threads(take, 8)
    assert not errors, errors
    assert sorted(results) == list(range(1, 9))
    assert DocumentSequence.objects.get(org_unit=world.agency, series="case_output", year=2026).last == 8


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_issue_gives_its_number_back():
    from tests.conftest import build_world

    world = build_world()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        document_number_next(org_unit=world.agency, series="s", year=2026)
        raise Boom
    with transaction.atomic():
        assert document_number_next(org_unit=world.agency, series="s", year=2026) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_case_issues_are_numbered_without_duplicate_or_gap(fake_signer):
    from tests.conftest import build_world

    world = build_world()
    cases = [CaseFactory(world=world, state="approved") for _ in range(4)]
    officer = officer_for(world, cases[0])
    statuses, errors = _threads(lambda i: cs.case_issue(actor=officer, case=cases[i]).status, 4)
    assert not errors, errors
    assert statuses == ["completed"] * 4
    numbers = sorted(int(n.split("/")[0]) for n in IssuedDocument.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
    assert all(case.documents.filter(kind="output").count() == 1 for case in cases)
