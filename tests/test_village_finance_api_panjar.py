"""Village finance API: panjar (give, account, close) and report submissions (submit, receive,
return) — contract, fixed query counts, scope, and a denied call changes nothing."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from pintu.audit.models import AuditEntry
from pintu.village_finance import services as vf
from pintu.village_finance.constants import Book
from pintu.village_finance.models import JournalEntry, JournalLine, Panjar, PanjarItem, ReportSubmission
from tests import village_finance_fixtures as _vff
from tests.village_finance_fixtures import YEAR, adopt, fund

fin = _vff.fin
finance_world = _vff.finance_world

V = "/api/v1/village-finance/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(fin, tail=""):
    return f"{V}{fin.world.village.code}/{YEAR}/{tail}"


def _give(fin, amount=5_000_000, on=dt.date(YEAR, 3, 2), activity="jalan", book=Book.CASH):
    return vf.panjar_give(
        actor=fin.users["treasurer"],
        fiscal_year=fin.fiscal_year,
        activity=fin.activities[activity],
        recipient="Sutrisno (TPK)",
        amount=amount,
        book=book,
        given_on=on,
    )


@pytest.fixture
def running(fin):
    """Adopted, funded, cash drawn; one settled panjar (with an SPJ and a return) and one open."""
    adopt(fin)
    fund(fin, 500_000_000)
    u = fin.users
    vf.book_transfer(
        actor=u["treasurer"],
        fiscal_year=fin.fiscal_year,
        from_book=Book.BANK,
        to_book=Book.CASH,
        amount=40_000_000,
        moved_on=dt.date(YEAR, 2, 3),
    )
    settled = _give(fin, 10_000_000)
    vf.panjar_account(
        actor=u["treasurer"],
        panjar=settled,
        items=[
            {
                "line": fin.lines["jalan"],
                "amount": 6_000_000,
                "payee": "Toko Makmur",
                "description": "Semen",
                "taxes": {"pph22": 90_000},
            }
        ],
        accounted_on=dt.date(YEAR, 3, 5),
    )
    vf.panjar_close(actor=u["treasurer"], panjar=settled, closed_on=dt.date(YEAR, 3, 6))
    fin.settled = Panjar.objects.get(pk=settled.pk)
    fin.open = _give(fin, 3_000_000, on=dt.date(YEAR, 4, 1), activity="perangkat")
    return fin


def _state():
    """Everything a denied or refused call must leave unchanged."""
    return (
        list(Panjar.objects.order_by("pk").values_list("pk", "status", "accounted", "returned")),
        PanjarItem.objects.count(),
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
        list(ReportSubmission.objects.order_by("pk").values_list("pk", "status", "note")),
        AuditEntry.objects.count(),
    )


# --- panjar reads ---------------------------------------------------------------------------------


def test_panjar_list_and_detail(running, django_assert_max_num_queries):
    fin = running
    c = api(fin.users["district_officer"])
    with django_assert_max_num_queries(8):
        listed = c.get(_url(fin, "panjar/")).json()
    rows = listed["results"]
    assert [r["number"] for r in rows] == [fin.open.number, fin.settled.number]
    done = rows[1]
    assert (done["status"], done["amount"], done["accounted"], done["returned"], done["outstanding"]) == (
        "settled",
        "10000000",
        "6000000",
        "4000000",
        "0",
    )
    assert done["closed_entry"] and done["given_entry"] and done["book"] == "cash"
    assert (
        rows[0]["status"] == "open"
        and rows[0]["outstanding"] == "3000000"
        and rows[0]["closed_entry"] is None
    )
    assert [r["id"] for r in c.get(_url(fin, "panjar/"), {"status": "open"}).json()["results"]] == [
        fin.open.pk
    ]
    assert c.get(_url(fin, "panjar/"), {"status": "x"}).status_code == 400
    one = c.get(_url(fin, "panjar/"), {"page_size": 1}).json()
    assert len(one["results"]) == 1 and one["next"]
    with django_assert_max_num_queries(8):
        detail = c.get(f"{V}panjar/{fin.settled.pk}/").json()
    assert [
        (i["account"], i["amount"], i["tax_withheld"], i["payee"], i["reversed"]) for i in detail["items"]
    ] == [("5.3.5.03", "6000000", "90000", "Toko Makmur", False)]
    assert detail["items"][0]["line_key"] == str(fin.lines["jalan"].key)


def test_panjar_list_queries_do_not_grow(running, django_assert_max_num_queries):
    fin = running
    for day in range(2, 14):
        _give(fin, 100_000, on=dt.date(YEAR, 5, day))
    c = api(fin.users["treasurer"])
    with django_assert_max_num_queries(8):
        assert len(c.get(_url(fin, "panjar/")).json()["results"]) == 14


def test_panjar_reads_are_scoped(running):
    fin = running
    u = fin.users
    for path in (_url(fin, "panjar/"), f"{V}panjar/{fin.settled.pk}/"):
        assert api(u["other_treasurer"]).get(path).status_code == 404, path
        assert api(u["other_district_officer"]).get(path).status_code == 404, path
        for ok in ("treasurer", "secretary", "village_head", "district_officer", "regency_admin"):
            assert api(u[ok]).get(path).status_code == 200, (ok, path)
        assert APIClient().get(path).status_code == 401, path


# --- panjar verbs ---------------------------------------------------------------------------------


def test_panjar_cycle_through_the_api(running):
    fin = running
    c = api(fin.users["treasurer"])
    cash_before = vf._book_balance(fin.fiscal_year.pk, Book.CASH)
    given = c.post(
        _url(fin, "panjar/"),
        {
            "activity": fin.activities["jalan"].pk,
            "recipient": "Pak Wardi (TPK)",
            "recipient_position": "Ketua TPK",
            "amount": "8000000",
            "book": "cash",
            "given_on": f"{YEAR}-05-04",
        },
        format="json",
    )
    assert given.status_code == 201, given.content
    panjar = given.json()
    assert (panjar["status"], panjar["outstanding"], panjar["items"]) == ("open", "8000000", [])
    assert vf._book_balance(fin.fiscal_year.pk, Book.PANJAR) == 3_000_000 + 8_000_000
    accounted = c.post(
        f"{V}panjar/{panjar['id']}/account/",
        {
            "items": [
                {
                    "line_key": str(fin.lines["jalan"].key),
                    "amount": "5000000",
                    "payee": "UD Pasir",
                    "description": "Pasir 10 m3",
                    "taxes": {"pph22": "75000"},
                }
            ],
            "accounted_on": f"{YEAR}-05-10",
        },
        format="json",
    )
    assert accounted.status_code == 200, accounted.content
    body = accounted.json()
    assert (body["accounted"], body["outstanding"], body["status"]) == ("5000000", "3000000", "open")
    assert [(i["amount"], i["tax_withheld"]) for i in body["items"]] == [("5000000", "75000")]
    closed = c.post(f"{V}panjar/{panjar['id']}/close/", {"closed_on": f"{YEAR}-05-12"}, format="json")
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["status"], body["returned"], body["settled_on"]) == ("settled", "3000000", f"{YEAR}-05-12")
    # cash: 8,000,000 out, 75,000 tax withheld back with the treasurer, 3,000,000 back
    assert vf._book_balance(fin.fiscal_year.pk, Book.CASH) == cash_before - 8_000_000 + 75_000 + 3_000_000


def _give_body(fin, **over):
    return {
        "activity": fin.activities["jalan"].pk,
        "recipient": "Pak Wardi",
        "amount": "1000000",
        "given_on": f"{YEAR}-05-04",
        **over,
    }


@pytest.mark.parametrize(
    ("who", "over", "status"),
    [
        ("secretary", {}, 403),
        ("village_head", {}, 403),
        ("district_officer", {}, 403),
        ("regency_admin", {}, 403),
        ("other_treasurer", {}, 404),
        ("other_district_officer", {}, 404),
        (None, {}, 401),
        ("treasurer", {"amount": "0"}, 400),
        ("treasurer", {"amount": "999999999999"}, 400),  # more than the activity has left
        ("treasurer", {"recipient": ""}, 400),
        ("treasurer", {"book": "panjar"}, 400),
        ("treasurer", {"activity": 0}, 400),
        ("treasurer", {"given_on": "2019-05-04"}, 400),  # outside the fiscal year
    ],
)
def test_panjar_give_denied_changes_nothing(running, who, over, status):
    fin = running
    before = _state()
    client = api(fin.users[who]) if who else APIClient()
    response = client.post(_url(fin, "panjar/"), _give_body(fin, **over), format="json")
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert _state() == before


def _item(fin, line="jalan", amount="1000000", **over):
    return {"line_key": str(fin.lines[line].key), "amount": amount, "payee": "Toko", **over}


@pytest.mark.parametrize(
    ("who", "target", "action", "body", "status"),
    [
        ("secretary", "open", "account", "ok", 403),
        ("village_head", "open", "close", {}, 403),
        ("district_officer", "open", "close", {}, 403),
        ("regency_admin", "open", "account", "ok", 403),
        ("other_treasurer", "open", "account", "ok", 404),
        ("other_treasurer", "open", "close", {}, 404),
        ("other_district_officer", "open", "close", {}, 404),
        (None, "open", "close", {}, 401),
        ("treasurer", "settled", "account", "ok", 409),  # settled: nothing more to account
        ("treasurer", "settled", "close", {}, 409),
        ("treasurer", "open", "account", "other_line", 400),  # not the panjar activity's line
        ("treasurer", "open", "account", "too_much", 400),  # more than the panjar holds
        ("treasurer", "open", "account", "no_items", 400),
        ("treasurer", "open", "account", "unknown_line", 400),
        ("treasurer", "open", "close", {"closed_on": f"{YEAR}-01-02"}, 400),  # before it was given
    ],
)
def test_panjar_verbs_denied_change_nothing(running, who, target, action, body, status):
    fin = running
    panjar = {"open": fin.open, "settled": fin.settled}[target]
    bodies = {
        "ok": {"items": [_item(fin, "atk")], "accounted_on": f"{YEAR}-04-03"},
        "other_line": {"items": [_item(fin, "jalan")]},
        "too_much": {"items": [_item(fin, "atk", "3000001")]},
        "no_items": {"items": []},
        "unknown_line": {
            "items": [{**_item(fin, "atk"), "line_key": "00000000-0000-0000-0000-000000000000"}]
        },
    }
    payload = bodies[body] if isinstance(body, str) else body
    before = _state()
    client = api(fin.users[who]) if who else APIClient()
    response = client.post(f"{V}panjar/{panjar.pk}/{action}/", payload, format="json")
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert _state() == before


# --- report submissions ---------------------------------------------------------------------------


@pytest.fixture
def on_day(monkeypatch):
    """Set the services' today (a submission is dated by the server, never by the client)."""

    def set_day(day):
        monkeypatch.setattr("pintu.village_finance.services.reporting._today", lambda: day)

    return set_day


def test_reports_submit_receive_return_through_the_api(running, on_day, django_assert_max_num_queries):
    fin = running
    u = fin.users
    on_day(dt.date(YEAR, 8, 4))  # after the due date (31 July): accepted, flagged late
    sent = api(u["village_head"]).post(_url(fin, "reports/"), {"kind": "semester1"}, format="json")
    assert sent.status_code == 201, sent.content
    s = sent.json()
    assert (s["kind"], s["status"], s["due_on"], s["submitted_on"], s["is_late"]) == (
        "semester1",
        "submitted",
        f"{YEAR}-07-31",
        f"{YEAR}-08-04",
        True,
    )
    returned = api(u["district_officer"]).post(
        f"{V}reports/{s['id']}/return/", {"note": "Lampirkan rekap panjar"}, format="json"
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["received_by"] == u["district_officer"].username
    again = api(u["treasurer"]).post(_url(fin, "reports/"), {"kind": "semester1"}, format="json")
    assert again.status_code == 201
    received = api(u["district_officer"]).post(f"{V}reports/{again.json()['id']}/receive/", {}, format="json")
    assert received.status_code == 200 and received.json()["status"] == "received"
    with django_assert_max_num_queries(8):
        listed = api(u["regency_admin"]).get(_url(fin, "reports/")).json()
    assert [(r["status"], r["is_late"], r["due_on"]) for r in listed["results"]] == [
        ("received", True, f"{YEAR}-07-31"),
        ("returned", True, f"{YEAR}-07-31"),
    ]
    assert listed["results"][1]["note"] == "Lampirkan rekap panjar"
    assert api(u["treasurer"]).get(_url(fin, "reports/"), {"kind": "year_end"}).json()["results"] == []
    assert api(u["treasurer"]).get(_url(fin, "reports/"), {"kind": "x"}).status_code == 400


def test_report_list_queries_do_not_grow(running, on_day, django_assert_max_num_queries):
    fin = running
    u = fin.users
    on_day(dt.date(YEAR, 7, 20))
    for _ in range(6):
        s = vf.report_submit(actor=u["treasurer"], fiscal_year=fin.fiscal_year, kind="semester1")
        vf.report_return(actor=u["district_officer"], submission=s, note="Perbaiki")
    with django_assert_max_num_queries(8):
        rows = api(u["treasurer"]).get(_url(fin, "reports/")).json()["results"]
    assert len(rows) == 6 and all(r["is_late"] is False for r in rows)


def test_report_reads_are_scoped(running):
    fin = running
    u = fin.users
    path = _url(fin, "reports/")
    assert api(u["other_treasurer"]).get(path).status_code == 404
    assert api(u["other_district_officer"]).get(path).status_code == 404
    for ok in ("treasurer", "secretary", "village_head", "district_officer", "regency_admin"):
        assert api(u[ok]).get(path).status_code == 200, ok
    assert APIClient().get(path).status_code == 401


@pytest.mark.parametrize(
    ("who", "kind", "day", "status"),
    [
        ("secretary", "semester1", dt.date(YEAR, 7, 20), 403),
        ("district_officer", "semester1", dt.date(YEAR, 7, 20), 403),
        ("regency_admin", "semester1", dt.date(YEAR, 7, 20), 403),
        ("other_treasurer", "semester1", dt.date(YEAR, 7, 20), 404),
        ("other_head", "semester1", dt.date(YEAR, 7, 20), 404),
        (None, "semester1", dt.date(YEAR, 7, 20), 401),
        ("treasurer", "semester1", dt.date(YEAR, 6, 20), 400),  # the period has not ended
        ("treasurer", "year_end", dt.date(YEAR, 7, 20), 400),
        ("treasurer", "monthly", dt.date(YEAR, 7, 20), 400),
    ],
)
def test_report_submit_denied_changes_nothing(running, on_day, who, kind, day, status):
    fin = running
    on_day(day)
    before = _state()
    client = api(fin.users[who]) if who else APIClient()
    response = client.post(_url(fin, "reports/"), {"kind": kind}, format="json")
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert _state() == before


@pytest.mark.parametrize(
    ("who", "action", "note", "first", "status"),
    [
        ("treasurer", "receive", "", None, 403),
        ("village_head", "return", "x", None, 403),
        ("regency_admin", "receive", "", None, 403),
        ("other_district_officer", "receive", "", None, 404),
        ("other_treasurer", "return", "x", None, 404),
        (None, "receive", "", None, 401),
        ("district_officer", "return", "", None, 400),  # a note is required
        ("district_officer", "receive", "", "receive", 409),  # already received
        ("district_officer", "return", "x", "receive", 409),
    ],
)
def test_report_steps_denied_change_nothing(running, on_day, who, action, note, first, status):
    fin = running
    on_day(dt.date(YEAR, 7, 20))
    submission = vf.report_submit(actor=fin.users["treasurer"], fiscal_year=fin.fiscal_year, kind="semester1")
    if first:
        vf.report_receive(actor=fin.users["district_officer"], submission=submission)
    before = _state()
    client = api(fin.users[who]) if who else APIClient()
    response = client.post(f"{V}reports/{submission.pk}/{action}/", {"note": note}, format="json")
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert _state() == before
