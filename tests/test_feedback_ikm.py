"""SKM/IKM arithmetic (PermenPANRB 14/2017): NRR, exact 1/9 weights, conversion ×25, quality
bands, the Krejcie–Morgan minimum sample, and the same numbers out of the database aggregates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from pintu.accounts.access import principal_for
from pintu.feedback import services as fs
from pintu.feedback.models import SurveyPeriod
from pintu.feedback.rules import (
    PERMENPANRB_14_2017,
    RULE_VERSIONS,
    Band,
    RuleVersion,
    ikm_compute,
    krejcie_morgan,
)
from pintu.feedback.selectors import Filters, ikm_report
from tests.feedback_fixtures import on, respond

RULE = PERMENPANRB_14_2017


def test_the_nine_elements_and_their_answers_are_the_regulations():
    assert RULE.element_codes == ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
    names = [e.name for e in RULE.elements]
    assert (
        names[0] == "Persyaratan"
        and names[7].startswith("Penanganan pengaduan")
        and names[8].startswith("Sarana")
    )
    assert RULE.elements[3].answers == ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")
    assert RULE.elements[7].answers[-1] == "Dikelola dengan baik"
    assert all(len(e.answers) == 4 and e.question.endswith("?") for e in RULE.elements)


def test_weight_is_exactly_one_ninth():
    assert RULE.weight == Fraction(1, 9)
    # everyone answers 4 everywhere: the index is exactly 4 and the converted value 100 (with
    # the regulation's rounded 0,11 it would be 99).
    result = ikm_compute(RULE, dict.fromkeys(RULE.element_codes, (40, 10)), 10)
    assert result.index == 4 and result.converted == 100 and result.band.grade == "A"
    assert Fraction(36) * Fraction(11, 100) * 25 == 99


# A worked example in the regulation's method: 29 respondents, totals per element (U1..U9).
# NRR = total / 29; weighted NRR = NRR × 1/9; index = Σ = 955/261 = 3.6590; IKM = ×25 = 91.48 → A.
# The same data with the rounded weight 0.11 gives 90.56, the figure often published by mistake.
WORKED_TOTALS = [105, 101, 100, 116, 102, 105, 106, 105, 115]
WORKED_NRR = ["3.6207", "3.4828", "3.4483", "4.0000", "3.5172", "3.6207", "3.6552", "3.6207", "3.9655"]


def test_worked_example():
    totals = {f"u{i}": (t, 29) for i, t in enumerate(WORKED_TOTALS, start=1)}
    result = ikm_compute(RULE, totals, 29)
    for row, expected in zip(result.elements, WORKED_NRR, strict=True):
        assert Decimal(row.nrr.numerator) / Decimal(row.nrr.denominator) == pytest.approx(
            Decimal(expected), abs=Decimal("0.00005")
        )
        assert row.weighted == row.nrr / 9
    assert result.index == Fraction(955, 261)
    assert result.index_display == Decimal("3.6590")
    assert result.converted_display == Decimal("91.48")
    assert result.band.grade == "A" and result.band.performance == "Sangat baik"
    rounded_weight = sum(Fraction(t, 29) for t in WORKED_TOTALS) * Fraction(11, 100) * 25
    assert round(float(rounded_weight), 2) == 90.56


@pytest.mark.parametrize(
    ("converted", "grade"),
    [
        ("100", "A"),
        ("88.31", "A"),
        ("88.305", "A"),  # rounds to 88.31
        ("88.304", "B"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.995", "C"),  # rounds to 65.00
        ("64.99", "D"),
        ("25", "D"),
    ],
)
def test_bands_by_converted_value(converted, grade):
    assert RULE.band_for(Decimal(converted)).grade == grade


@pytest.mark.parametrize(
    ("index", "grade"),
    [
        ("4.00", "A"),
        ("3.5324", "A"),
        ("3.532", "B"),
        ("3.0644", "B"),
        ("3.064", "C"),
        ("2.60", "C"),
        ("2.5996", "D"),
        ("1.00", "D"),
    ],
)
def test_interval_values_agree_with_converted_bands(index, grade):
    band = next(b for b in RULE.bands if b.index_low <= Decimal(index) <= b.index_high)
    assert band.grade == grade
    assert RULE.band_for(Decimal(index) * 25).grade == grade


def test_unanswered_elements_count_only_who_answered():
    totals = dict.fromkeys(RULE.element_codes, (30, 10)) | {"u4": (12, 3)}
    result = ikm_compute(RULE, totals, 10)
    assert result.elements[3].nrr == 4 and result.elements[3].answered == 3
    assert result.index == (8 * 3 + 4) / Fraction(9)


def test_no_index_without_answers_for_every_element():
    result = ikm_compute(RULE, {"u1": (4, 1)}, 1)
    assert result.index is None and result.band is None


# Krejcie & Morgan (1970), "Determining sample size for research activities", table 1.
# The published table has no row for 100,000 (its last rows are 75,000 → 382 and 1,000,000 → 384);
# the formula gives 383 there.
@pytest.mark.parametrize(
    ("population", "sample"),
    [
        (10, 10),
        (20, 19),
        (50, 44),
        (100, 80),
        (200, 132),
        (300, 169),
        (500, 217),
        (1000, 278),
        (2000, 322),
        (5000, 357),
        (10000, 370),
        (20000, 377),
        (50000, 381),
        (75000, 382),
        (100000, 383),
        (1000000, 384),
    ],
)
def test_krejcie_morgan_table(population, sample):
    assert krejcie_morgan(population) == sample


# --- from the database ----------------------------------------------------------------------------


def _period(code="2026", population=None, rule="permenpanrb-14-2017"):
    return fs.survey_period_create(
        actor=None,
        code=code,
        name=f"SKM {code}",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        population=population,
        rule_version_code=rule,
    )


def test_report_aggregates_match_the_arithmetic(world):
    period = _period(population=100)
    rows = [
        (4, 4, 3, 4, 3, 4, 4, 3, 3),
        (3, 3, 3, 4, 3, 3, 4, 3, 2),
        (2, 3, None, 4, 3, 3, 3, 2, 2),
        (4, 4, 4, 4, 4, 4, 4, 4, 4),
    ]
    with on(dt.date(2026, 5, 4)):
        for scores in rows:
            respond(world, scores, service=world.agency_service, profile={"sex": "P", "education": "sma"})
        respond(world, (1, 1, 1, 1, 1, 1, 1, 1, 1), agency=world.other_agency)
    report = ikm_report(
        principal_for(world.users["regency_admin"]), Filters(period_id=period.pk, agency_id=world.agency.pk)
    )
    u3 = report.result.elements[2]
    assert (u3.total, u3.answered, u3.nrr) == (10, 3, Fraction(10, 3))
    expected_index = (
        Fraction(13, 4)
        + Fraction(14, 4)
        + Fraction(10, 3)
        + 4
        + Fraction(13, 4)
        + Fraction(14, 4)
        + Fraction(15, 4)
        + Fraction(12, 4)
        + Fraction(11, 4)
    ) / 9
    assert report.result.index == expected_index
    assert report.result.respondents == 4
    assert report.minimum_sample == 80 and report.sample_enough is False
    assert {v: n for v, _, n in report.profile["sex"]}["P"] == 4
    assert [row.label for row in report.by_agency] == ["Dispendukcapil"]


def test_report_is_one_query_per_table(world, django_assert_max_num_queries):
    period = _period()
    with on(dt.date(2026, 5, 4)):
        for _ in range(12):
            respond(world, (4, 3, 3, 4, 3, 4, 4, 3, 3), service=world.agency_service)

    principal = principal_for(world.users["regency_admin"])
    # period, overall with the profile tables, per agency, per service, periods, trend
    with django_assert_max_num_queries(6):
        ikm_report(principal, Filters(period_id=period.pk))


def test_old_periods_keep_their_rule_version(world):
    """A later rule version with other cut-offs does not re-grade a period run under 2017 rules."""
    strict = RuleVersion(
        code="test-strict",
        title="Aturan uji",
        elements=RULE.elements,
        bands=(
            Band("A", "Sangat baik", 4, Decimal("3.9"), Decimal("4"), Decimal("97.50"), Decimal("100")),
            Band("D", "Tidak baik", 1, Decimal("1"), Decimal("3.9"), Decimal("25"), Decimal("97.49")),
        ),
    )
    RULE_VERSIONS[strict.code] = strict
    try:
        old = _period()
        new = fs.survey_period_create(
            actor=None,
            code="2027",
            name="SKM 2027",
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2027, 12, 31),
            rule_version_code="test-strict",
        )
        with on(dt.date(2026, 6, 1)):
            respond(world, (4, 4, 4, 3, 4, 4, 4, 3, 4))
        with on(dt.date(2027, 6, 1)):
            respond(world, (4, 4, 4, 3, 4, 4, 4, 3, 4))

        principal = principal_for(world.users["regency_admin"])
        assert ikm_report(principal, Filters(period_id=old.pk)).result.band.grade == "A"
        assert ikm_report(principal, Filters(period_id=new.pk)).result.band.grade == "D"
        # Updating the old period does not change its rule version.
        again = fs.survey_period_create(
            actor=None,
            code="2026",
            name="SKM 2026",
            starts_on=old.starts_on,
            ends_on=old.ends_on,
            rule_version_code="test-strict",
            population=500,
        )
        assert SurveyPeriod.objects.get(pk=again.pk).rule_version == "permenpanrb-14-2017"
    finally:
        RULE_VERSIONS.pop(strict.code)
