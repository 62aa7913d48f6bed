"""Report submissions (semester I, year-end) to the camat, and the late reporters per kecamatan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pintu.audit.models import AuditEntry
from pintu.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from pintu.village_finance import selectors
from pintu.village_finance import services as vf
from pintu.village_finance.constants import ReportKind, ReportStatus, report_due
from pintu.village_finance.models import ReportSubmission
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import YEAR, adopt, build_budget, fund

fin = _vff.fin
finance_world = _vff.finance_world

S1, YE = ReportKind.SEMESTER, ReportKind.YEAR_END


@pytest.mark.parametrize(
    ("kind", "year", "due"),
    [
        (S1, 2026, dt.date(2026, 7, 31)),
        (YE, 2026, dt.date(2027, 1, 31)),
        (S1, 2031, dt.date(2031, 7, 31)),
        (YE, 2031, dt.date(2032, 1, 31)),
    ],
)
def test_due_dates_follow_permendagri_20_2018(kind, year, due):
    assert report_due(kind, year) == due


def _submit(fin, kind=S1, on=dt.date(2026, 7, 20), who="treasurer", fy=None):
    return vf.report_submit(actor=fin.users[who], fiscal_year=fy or fin.fiscal_year, kind=kind, on=on)


def test_semester_report_on_time_with_snapshot(fin):
    adopt(fin)
    fund(fin, 500_000_000, on=dt.date(2026, 2, 2))
    fund(fin, 100_000_000, on=dt.date(2026, 7, 2))  # after 30 June: not in semester I
    s = _submit(fin)
    assert s.status == ReportStatus.SUBMITTED and not s.is_late and s.due_on == dt.date(2026, 7, 31)
    assert s.snapshot["until"] == "2026-06-30"
    assert Decimal(s.snapshot["totals"]["4"]["realised"]) == Decimal(500_000_000)
    assert Decimal(s.snapshot["totals"]["4"]["budget"]) == Decimal(1_500_000_000)
    assert s.file_name.endswith("-s1.pdf")
    assert AuditEntry.objects.filter(verb="village_finance.report_submit").count() == 1
    with pytest.raises(Conflict):
        _submit(fin, on=dt.date(2026, 7, 21))
    assert ReportSubmission.objects.count() == 1


def test_report_before_the_period_ends_or_before_adoption_is_refused(fin):
    with pytest.raises(InvalidTransition):
        _submit(fin, on=dt.date(2026, 7, 20))  # no adopted APBDes
    adopt(fin)
    with pytest.raises(ValidationFailed):
        _submit(fin, on=dt.date(2026, 6, 30))
    with pytest.raises(ValidationFailed):
        _submit(fin, kind=YE, on=dt.date(2026, 12, 31))
    with pytest.raises(ValidationFailed):
        _submit(fin, kind="quarterly")
    assert ReportSubmission.objects.count() == 0


def test_late_submissions_are_accepted_and_flagged(fin):
    adopt(fin)
    s1 = _submit(fin, on=dt.date(2026, 8, 1))
    ye = _submit(fin, kind=YE, on=dt.date(2027, 2, 1), who="village_head")
    assert s1.is_late and ye.is_late and ye.due_on == dt.date(2027, 1, 31)
    on_time = ReportSubmission.objects.filter(is_late=False).count()
    assert on_time == 0


@pytest.mark.parametrize("who", ["secretary", "village_operator", "other_treasurer", "district_officer"])
def test_only_treasurer_or_head_of_the_village_submits(fin, who):
    adopt(fin)
    with pytest.raises(PermissionDenied):
        _submit(fin, who=who)
    assert ReportSubmission.objects.count() == 0


def test_camat_receives_or_returns_and_the_village_resubmits(fin):
    adopt(fin)
    u = fin.users
    s = _submit(fin)
    for who in ("other_district_officer", "treasurer", "village_head", "regency_admin"):
        with pytest.raises(PermissionDenied):
            vf.report_receive(actor=u[who], submission=s)
    with pytest.raises(ValidationFailed):
        vf.report_return(actor=u["district_officer"], submission=s, note=" ")
    s.refresh_from_db()
    assert s.status == ReportStatus.SUBMITTED and s.received_by_id is None
    returned = vf.report_return(
        actor=u["district_officer"], submission=s, note="Lampirkan laporan realisasi kegiatan."
    )
    assert returned.status == ReportStatus.RETURNED
    with pytest.raises(InvalidTransition):
        vf.report_receive(actor=u["district_officer"], submission=s)
    again = _submit(fin, on=dt.date(2026, 7, 28))
    received = vf.report_receive(actor=u["district_officer"], submission=again)
    assert received.status == ReportStatus.RECEIVED and received.received_by == u["district_officer"]
    assert list(ReportSubmission.objects.order_by("pk").values_list("status", flat=True)) == [
        ReportStatus.RETURNED,
        ReportStatus.RECEIVED,
    ]


def test_year_end_snapshot_lists_open_panjar(fin):
    adopt(fin)
    fund(fin, 100_000_000)
    t = fin.users["treasurer"]
    vf.book_transfer(
        actor=t,
        fiscal_year=fin.fiscal_year,
        from_book="bank",
        to_book="cash",
        amount=5_000_000,
        moved_on=dt.date(2026, 12, 1),
    )
    p = vf.panjar_give(
        actor=t,
        fiscal_year=fin.fiscal_year,
        activity=fin.activities["jalan"],
        recipient="TPK Krajan",
        amount=3_000_000,
        given_on=dt.date(2026, 12, 20),
    )
    s = _submit(fin, kind=YE, on=dt.date(2027, 1, 10))
    assert s.snapshot["open_panjar"] == [
        {"number": p.number, "recipient": "TPK Krajan", "outstanding": "3000000"}
    ]


# --- late reporters ------------------------------------------------------------------------------


def _adopt_other(world, users):
    """Banjar (same kecamatan as Tamansari) with its own adopted APBDes."""
    other = build_budget(world, users, village=world.other_village, treasurer="other_treasurer")
    b = vf.budget_agree(actor=users["other_head"], budget=other.budget, on=dt.date(2025, 11, 20))
    b = vf.budget_submit(actor=users["other_treasurer"], budget=b, on=dt.date(2025, 11, 21))
    b = vf.budget_forward(actor=users["district_officer"], budget=b, on=dt.date(2025, 11, 22))
    b = vf.budget_approve(actor=users["regency_admin"], budget=b, on=dt.date(2025, 11, 25))
    vf.budget_adopt(
        actor=users["other_head"], budget=b, perdes_number="Perdes 1/2025", on=dt.date(2025, 11, 28)
    )
    other.fiscal_year.refresh_from_db()
    return other


def _districts(data):
    return {d["name"]: d for d in data["districts"]}


def test_late_reporters_counted_per_kecamatan(fin):
    world, u = fin.world, fin.users
    adopt(fin)
    other = _adopt_other(world, u)
    _submit(fin, on=dt.date(2026, 7, 20))  # Tamansari: on time
    vf.report_submit(
        actor=u["other_treasurer"], fiscal_year=other.fiscal_year, kind=S1, on=dt.date(2026, 8, 5)
    )
    # Kemiren (Glagah) sends nothing.
    regency = u["regency_admin"]
    from pintu.accounts.access import principal_for

    before_due = selectors.report_tracking(principal_for(regency), YEAR, today=dt.date(2026, 7, 25))
    # before 31 July nobody is missing (Banjar's late flag comes from its own submission date)
    assert sum(d["semester1_missing"] + d["year_end_missing"] for d in before_due["districts"]) == 0
    data = selectors.report_tracking(principal_for(regency), YEAR, today=dt.date(2026, 8, 15))
    d = _districts(data)
    assert (d["Licin"]["villages"], d["Licin"]["semester1_missing"], d["Licin"]["semester1_late"]) == (
        2,
        0,
        1,
    )
    assert (d["Glagah"]["villages"], d["Glagah"]["semester1_missing"], d["Glagah"]["semester1_late"]) == (
        1,
        1,
        0,
    )
    assert d["Licin"]["year_end_missing"] == d["Glagah"]["year_end_missing"] == 0  # not due yet
    assert sorted(r["village"].name for r in data["late_rows"]) == ["Banjar", "Kemiren"]
    assert data["dues"] == {S1: dt.date(2026, 7, 31), YE: dt.date(2027, 1, 31)}
    after_year = selectors.report_tracking(principal_for(regency), YEAR, today=dt.date(2027, 2, 1))
    d = _districts(after_year)
    assert d["Licin"]["year_end_missing"] == 2 and d["Glagah"]["year_end_missing"] == 1
    # a camat sees only his kecamatan
    camat = selectors.report_tracking(principal_for(u["district_officer"]), YEAR, today=dt.date(2026, 8, 15))
    assert [x["name"] for x in camat["districts"]] == ["Licin"]
    assert len(camat["pending"]) == 2


def test_a_returned_report_counts_as_missing_after_the_due_date(fin):
    from pintu.accounts.access import principal_for

    adopt(fin)
    s = _submit(fin, on=dt.date(2026, 7, 20))
    vf.report_return(actor=fin.users["district_officer"], submission=s, note="Perbaiki")
    data = selectors.report_tracking(
        principal_for(fin.users["district_officer"]), YEAR, today=dt.date(2026, 8, 2)
    )
    cell = next(r for r in data["rows"] if r["village"] == fin.world.village)["cells"][S1]
    assert cell["missing"] and cell["returned"] and not cell["late"]


# --- pages ---------------------------------------------------------------------------------------


def test_report_pages_submit_receive_and_dashboards(client, fin, settings):
    adopt(fin)
    code = fin.world.village.code
    # the submit form appears once the period has ended; the service decides with today's date
    s = _submit(fin, on=dt.date(2026, 7, 20))
    client.force_login(fin.users["treasurer"])
    page = client.get(reverse("village_finance:report", args=[code, YEAR])).content.decode()
    assert "Penyampaian laporan" in page and "31/07/2026" in page
    client.force_login(fin.users["district_officer"])
    inbox = client.get(reverse("village_finance:report_inbox", args=[YEAR]))
    assert inbox.status_code == 200 and "Tamansari" in inbox.content.decode()
    home = client.get(reverse("village_finance:home") + f"?tahun={YEAR}")
    assert home.status_code == 200 and "Penyampaian laporan desa" in home.content.decode()
    client.post(reverse("village_finance:report_review", args=[s.pk]), {"action": "receive"})
    s.refresh_from_db()
    assert s.status == ReportStatus.RECEIVED
    client.force_login(fin.users["regency_admin"])
    dash = client.get(reverse("village_finance:regency", args=[YEAR])).content.decode()
    assert "Penyampaian laporan desa" in dash and "Glagah" in dash


@pytest.mark.parametrize(
    "who", ["treasurer", "village_head", "other_district_officer", "other_treasurer", "regency_admin"]
)
def test_only_own_camat_reviews_a_report(client, fin, who):
    adopt(fin)
    s = _submit(fin)
    client.force_login(fin.users[who])
    client.post(reverse("village_finance:report_review", args=[s.pk]), {"action": "receive"})
    client.post(reverse("village_finance:report_review", args=[s.pk]), {"action": "return", "note": "x"})
    s.refresh_from_db()
    assert s.status == ReportStatus.SUBMITTED and s.received_by_id is None


@pytest.mark.parametrize("who", ["secretary", "other_treasurer", "district_officer", "regency_admin"])
def test_submit_page_denied_changes_nothing(client, fin, who):
    adopt(fin)
    client.force_login(fin.users[who])
    client.post(reverse("village_finance:report_submit", args=[fin.world.village.code, YEAR]), {"kind": S1})
    assert ReportSubmission.objects.count() == 0


@pytest.mark.parametrize("who", ["treasurer", "village_head", "front_office"])
def test_report_inbox_is_for_oversight_only(client, fin, who):
    client.force_login(fin.users[who])
    assert client.get(reverse("village_finance:report_inbox", args=[YEAR])).status_code == 403
