"""Reads for village finance: fixed numbers of aggregate queries, never a query per row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.access import Principal
from pintu.core.errors import NotFound
from pintu.regions.models import Village
from pintu.village_finance import policies
from pintu.village_finance.constants import (
    BudgetKind,
    BudgetStatus,
    LineKind,
    PanjarStatus,
    ReportKind,
    ReportStatus,
    report_due,
    report_period_end,
)
from pintu.village_finance.models import (
    Account,
    Activity,
    Bidang,
    Budget,
    BudgetEvent,
    BudgetLine,
    FiscalYear,
    JournalLine,
    Panjar,
    PanjarItem,
    PaymentRequest,
    PlanActivity,
    ReportSubmission,
)

ZERO = Decimal(0)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- lookups with permission ---------------------------------------------------------------------


def fiscal_year_for(principal: Principal, village_code: str, year: int) -> FiscalYear:
    village = Village.objects.filter(policies.village_filter(principal), code=village_code).first()
    if village is None:
        raise NotFound()
    fy = (
        FiscalYear.objects.select_related("village__district__regency", "effective_budget")
        .filter(village=village, year=year)
        .first()
    )
    if fy is None:
        raise NotFound(_("Belum ada APBDes %(year)s untuk desa ini.") % {"year": year})
    return fy


def village_for(principal: Principal, village_code: str) -> Village:
    village = (
        Village.objects.select_related("district__regency")
        .filter(policies.village_filter(principal), code=village_code)
        .first()
    )
    if village is None:
        raise NotFound()
    return village


def budget_for(principal: Principal, budget_id: int) -> Budget:
    budget = (
        Budget.objects.select_related("fiscal_year__village__district__regency")
        .filter(pk=budget_id)
        .filter(policies.village_filter(principal, "fiscal_year__village__"))
        .first()
    )
    if budget is None:
        raise NotFound()
    return budget


def spp_for(principal: Principal, spp_id: int) -> PaymentRequest:
    spp = (
        PaymentRequest.objects.select_related(
            "fiscal_year__village", "line__account", "line__activity", "paid_entry"
        )
        .filter(pk=spp_id)
        .filter(policies.village_filter(principal, "fiscal_year__village__"))
        .first()
    )
    if spp is None:
        raise NotFound()
    return spp


# --- budget contents -----------------------------------------------------------------------------


def realisation_by_key(fiscal_year: FiscalYear, *, until: dt.date | None = None) -> dict:
    qs = JournalLine.objects.filter(fiscal_year=fiscal_year, line_key__isnull=False)
    if until:
        qs = qs.filter(date__lte=until)
    return dict(qs.values("line_key").annotate(total=Sum("realised")).values_list("line_key", "total"))


@dataclass
class ActivityView:
    activity: Activity
    lines: list = field(default_factory=list)
    realised: Decimal = ZERO

    @property
    def percent(self):
        return percent(self.realised, self.activity.total)


def budget_contents(budget: Budget) -> dict:
    """Income, financing and activities with their RAB lines and realisation (4 queries)."""
    lines = list(
        BudgetLine.objects.filter(budget=budget)
        .select_related("account", "fund_source")
        .order_by("kind", "account__code", "pk")
    )
    realised = realisation_by_key(budget.fiscal_year) if budget.status == BudgetStatus.ADOPTED else {}
    activities = {
        a.pk: ActivityView(a)
        for a in Activity.objects.filter(budget=budget).select_related("kind__sub_bidang__bidang", "plan")
    }
    income, financing = [], []
    for line in lines:
        line.realised = realised.get(line.key, ZERO)
        line.left = line.amount - line.realised
        if line.kind == LineKind.SPENDING and line.activity_id in activities:
            view = activities[line.activity_id]
            view.lines.append(line)
            view.realised += line.realised
        elif line.kind == LineKind.INCOME:
            income.append(line)
        elif line.kind == LineKind.FINANCING:
            financing.append(line)
    return {
        "income": income,
        "financing": financing,
        "activities": sorted(
            activities.values(), key=lambda v: (v.activity.kind.siskeudes_code, v.activity.pk)
        ),
        "lines": lines,
    }


def plan_activities(fiscal_year: FiscalYear, budget: Budget | None = None) -> list[PlanActivity]:
    used = set(Activity.objects.filter(budget=budget).values_list("plan_id", flat=True)) if budget else set()
    plans = list(PlanActivity.objects.filter(fiscal_year=fiscal_year).select_related("kind", "fund_source"))
    for plan in plans:
        plan.in_budget = plan.pk in used
    return plans


def budget_events(budget: Budget) -> list[BudgetEvent]:
    return list(
        BudgetEvent.objects.filter(budget=budget).select_related("actor", "actor_unit").order_by("seq")
    )


def leaf_accounts(root: str | None = None) -> list[Account]:
    qs = Account.objects.filter(is_leaf=True)
    if root:
        qs = qs.filter(code__startswith=f"{root}.")
    return list(qs.exclude(code__startswith="7"))


# --- reports -------------------------------------------------------------------------------------


@dataclass
class ReportRow:
    code: str
    name: str
    level: int
    budget: Decimal = ZERO
    realised: Decimal = ZERO

    @property
    def percent(self):
        return percent(self.realised, self.budget)

    @property
    def left(self):
        return self.budget - self.realised


def realisation_report(fiscal_year: FiscalYear, *, until: dt.date | None = None) -> dict:
    """Laporan realisasi APBDes: per account (rolled up to akun/kelompok/jenis/objek) and per
    bidang/sub-bidang/kegiatan, with percentages. ``until`` = 30 June gives semester I."""
    budget = fiscal_year.effective_budget
    if budget is None:
        return {"accounts": [], "bidang": [], "activities": [], "budget": None}
    lines = list(
        BudgetLine.objects.filter(budget=budget).values_list(
            "key", "account__code", "amount", "kind", "activity_id", "fund_source__code"
        )
    )
    realised = realisation_by_key(fiscal_year, until=until)
    names = dict(Account.objects.values_list("code", "name"))
    accounts: dict[str, ReportRow] = {}
    for key, code, amount, _kind, _activity, _source in lines:
        parts = code.split(".")
        for depth in range(1, len(parts) + 1):
            prefix = ".".join(parts[:depth])
            row = accounts.setdefault(prefix, ReportRow(prefix, names.get(prefix, prefix), depth))
            row.budget += amount
            row.realised += realised.get(key, ZERO)
    activity_rows = {}
    kinds = {
        a.pk: a for a in Activity.objects.filter(budget=budget).select_related("kind__sub_bidang__bidang")
    }
    tree: dict[str, ReportRow] = {}
    for key, _code, amount, kind, activity_id, _source in lines:
        if kind != LineKind.SPENDING:
            continue
        activity = kinds[activity_id]
        sub = activity.kind.sub_bidang
        for code, name, level in (
            (sub.bidang.siskeudes_code, sub.bidang.name, 1),
            (sub.siskeudes_code, sub.name, 2),
        ):
            row = tree.setdefault(code, ReportRow(code, name, level))
            row.budget += amount
            row.realised += realised.get(key, ZERO)
        row = activity_rows.setdefault(activity_id, ReportRow(activity.kind.siskeudes_code, activity.name, 3))
        row.budget += amount
        row.realised += realised.get(key, ZERO)
    by_sub = defaultdict(list)
    for activity_id, row in activity_rows.items():
        by_sub[kinds[activity_id].kind.sub_bidang.siskeudes_code].append(row)
    bidang_rows = []
    for code in sorted(tree):
        bidang_rows.append(tree[code])
        if tree[code].level == 2:
            bidang_rows.extend(sorted(by_sub[code], key=lambda r: r.code))
    ordered = [accounts[c] for c in sorted(accounts, key=lambda c: [p.zfill(3) for p in c.split(".")])]
    return {
        "budget": budget,
        "accounts": ordered,
        "bidang": bidang_rows,
        "activities": sorted(activity_rows.values(), key=lambda r: r.code),
        "totals": {root: accounts.get(root, ReportRow(root, "", 1)) for root in ("4", "5", "6.1", "6.2")},
        "until": until,
    }


def income_by_source(budget: Budget) -> list[dict]:
    return list(
        BudgetLine.objects.filter(budget=budget, kind=LineKind.INCOME)
        .values("fund_source__code", "fund_source__name")
        .annotate(total=Sum("amount"))
        .order_by("-total")
    )


def spending_by_bidang(budget: Budget, fiscal_year: FiscalYear) -> list[dict]:
    rows = {
        r["activity__kind__sub_bidang__bidang__siskeudes_code"]: r
        for r in BudgetLine.objects.filter(budget=budget, kind=LineKind.SPENDING)
        .values(
            "activity__kind__sub_bidang__bidang__siskeudes_code", "activity__kind__sub_bidang__bidang__name"
        )
        .annotate(total=Sum("amount"))
    }
    keys = dict(
        BudgetLine.objects.filter(budget=budget, kind=LineKind.SPENDING).values_list(
            "key", "activity__kind__sub_bidang__bidang__siskeudes_code"
        )
    )
    realised = realisation_by_key(fiscal_year)
    out = []
    for code, r in sorted(rows.items()):
        spent = sum((v for k, v in realised.items() if keys.get(k) == code), ZERO)
        out.append(
            {
                "code": code,
                "name": r["activity__kind__sub_bidang__bidang__name"],
                "total": r["total"],
                "realised": spent,
            }
        )
    return out


def budget_compare(budget: Budget, other: Budget | None) -> list[dict]:
    """Per jenis (3rd level) account: this version against another (last year, or the original)."""

    def by_jenis(b):
        if b is None:
            return {}
        out = defaultdict(lambda: ZERO)
        for code, amount in BudgetLine.objects.filter(budget=b).values_list("account__code", "amount"):
            out[".".join(code.split(".")[:3])] += amount
        return out

    mine, theirs = by_jenis(budget), by_jenis(other)
    names = dict(Account.objects.filter(level=3).values_list("code", "name"))
    rows = []
    for code in sorted(set(mine) | set(theirs), key=lambda c: [p.zfill(3) for p in c.split(".")]):
        a, b = mine.get(code, ZERO), theirs.get(code, ZERO)
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "this": a,
                "other": b,
                "change": a - b,
                "percent": percent(a - b, b),
            }
        )
    return rows


def previous_year_budget(fiscal_year: FiscalYear) -> Budget | None:
    prev = FiscalYear.objects.filter(village_id=fiscal_year.village_id, year=fiscal_year.year - 1).first()
    return prev.effective_budget if prev else None


# --- oversight -----------------------------------------------------------------------------------


def lateness(budget_row: dict, year: int, today: dt.date) -> list[str]:
    flags = []
    status = budget_row["status"]
    if status == BudgetStatus.AGREED and budget_row["submit_due"] and today > budget_row["submit_due"]:
        flags.append(_("terlambat diajukan ke camat"))
    if (
        status == BudgetStatus.IN_EVALUATION
        and budget_row["evaluation_due"]
        and today > budget_row["evaluation_due"]
    ):
        flags.append(_("evaluasi lewat batas (dianggap disetujui)"))
    if (
        status == BudgetStatus.RETURNED
        and budget_row["correction_due"]
        and today > budget_row["correction_due"]
    ):
        flags.append(_("perbaikan lewat batas"))
    if (
        budget_row["kind"] == BudgetKind.ORIGINAL
        and status != BudgetStatus.ADOPTED
        and today > dt.date(year - 1, 12, 31)
    ):
        flags.append(_("belum ditetapkan per 31 Desember"))
    if budget_row.get("late_events"):
        flags.append(_("ada tahap yang terlambat"))
    return flags


def area_budgets(
    principal: Principal, year: int, *, district_code: str | None = None, limit: int = 500
) -> list[dict]:
    """Villages of my area and where each budget version is in its cycle (3 queries)."""
    villages = Village.objects.filter(policies.village_filter(principal)).select_related("district")
    if district_code:
        villages = villages.filter(district__code=district_code)
    villages = list(villages.order_by("district__name", "name")[:limit])
    ids = [v.pk for v in villages]
    budgets = defaultdict(list)
    for b in (
        Budget.objects.filter(fiscal_year__village_id__in=ids, fiscal_year__year=year)
        .annotate(late_events=Count("events", filter=Q(events__is_late=True)))
        .values(
            "pk",
            "kind",
            "status",
            "fiscal_year__village_id",
            "submit_due",
            "evaluation_due",
            "correction_due",
            "income_total",
            "spending_total",
            "late_events",
            "adopted_on",
        )
        .order_by("kind")
    ):
        budgets[b["fiscal_year__village_id"]].append(b)
    spent = dict(
        FiscalYear.objects.filter(village_id__in=ids, year=year).values_list(
            "village_id", "realised_spending"
        )
    )
    today = timezone.localdate()
    rows = []
    for v in villages:
        versions = budgets.get(v.pk, [])
        current = versions[-1] if versions else None
        effective = next((b for b in reversed(versions) if b["status"] == BudgetStatus.ADOPTED), None)
        realised = spent.get(v.pk, ZERO)
        rows.append(
            {
                "village": v,
                "budget": current,
                "status_label": BudgetStatus(current["status"]).label
                if current
                else _("Belum ada rancangan"),
                "late": lateness(current, year, today) if current else [_("belum ada rancangan")],
                "realised": realised,
                "absorption": percent(realised, effective["spending_total"]) if effective else None,
            }
        )
    return rows


def regency_realisation(regency_id: int, year: int) -> dict:
    """Absorption by village and kecamatan, and Dana Desa use, for one regency and year.

    One query: fiscal years with their effective budget's totals and their realisation, both
    kept by the services in the transactions that change them (see docs/adr/0011-village-finance.md).
    """
    years = list(
        FiscalYear.objects.filter(year=year, village__district__regency_id=regency_id)
        .values_list(
            "pk",
            "village__code",
            "village__name",
            "village__district__code",
            "village__district__name",
            "effective_budget__spending_total",
            "effective_budget__income_total",
            "effective_budget__dana_desa_total",
            "realised_spending",
            "realised_income",
            "realised_dana_desa",
        )
        .order_by("village__code")
    )
    villages, districts = [], {}
    for _pk, code, name, dcode, dname, spending, income, dana_desa, spent, received, dd_spent in years:
        row = {
            "code": code,
            "name": name,
            "district_code": dcode,
            "district": dname,
            "budget": spending or ZERO,
            "income_budget": income or ZERO,
            "realised": spent,
            "income_realised": received,
            "dd_budget": dana_desa or ZERO,
            "dd_realised": dd_spent,
        }
        row["absorption"] = percent(row["realised"], row["budget"])
        row["dd_absorption"] = percent(row["dd_realised"], row["dd_budget"])
        villages.append(row)
        d = districts.setdefault(
            dcode,
            {
                "code": dcode,
                "name": dname,
                "budget": ZERO,
                "realised": ZERO,
                "villages": 0,
                "dd_budget": ZERO,
                "dd_realised": ZERO,
            },
        )
        d["budget"] += row["budget"]
        d["realised"] += row["realised"]
        d["dd_budget"] += row["dd_budget"]
        d["dd_realised"] += row["dd_realised"]
        d["villages"] += 1
    for d in districts.values():
        d["absorption"] = percent(d["realised"], d["budget"])
        d["dd_absorption"] = percent(d["dd_realised"], d["dd_budget"])
    total_budget = sum((v["budget"] for v in villages), ZERO)
    total_realised = sum((v["realised"] for v in villages), ZERO)
    return {
        "villages": villages,
        "districts": sorted(districts.values(), key=lambda d: d["name"]),
        "budget": total_budget,
        "realised": total_realised,
        "absorption": percent(total_realised, total_budget),
        "dd_budget": sum((v["dd_budget"] for v in villages), ZERO),
        "dd_realised": sum((v["dd_realised"] for v in villages), ZERO),
    }


# --- books ---------------------------------------------------------------------------------------


def book_lines(
    fiscal_year: FiscalYear, books: tuple[str, ...], *, month: int | None = None, limit: int = 500
) -> dict:
    """A book (BKU = cash + bank, or one subsidiary book) with running balance (2 queries)."""
    qs = JournalLine.objects.filter(fiscal_year=fiscal_year, book__in=books)
    opening = ZERO
    if month:
        start = dt.date(fiscal_year.year, month, 1)
        row = qs.filter(date__lt=start).aggregate(d=Sum("debit"), c=Sum("credit"))
        opening = (row["d"] or ZERO) - (row["c"] or ZERO)
        qs = qs.filter(date__gte=start, date__lt=(start + dt.timedelta(days=32)).replace(day=1))
    rows = list(qs.select_related("entry").order_by("date", "entry_id", "pk")[:limit])
    balance = opening
    for r in rows:
        balance += r.debit - r.credit
        r.balance = balance
    return {"opening": opening, "rows": rows, "closing": balance}


def spp_list(fiscal_year: FiscalYear, *, status: str | None = None, limit: int = 200) -> list[PaymentRequest]:
    qs = PaymentRequest.objects.filter(fiscal_year=fiscal_year).select_related(
        "line__account", "line__activity"
    )
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-pk")[:limit])


def bidang_list() -> list[Bidang]:
    return list(Bidang.objects.all())


# --- panjar --------------------------------------------------------------------------------------


def panjar_for(principal: Principal, panjar_id: int) -> Panjar:
    panjar = (
        Panjar.objects.select_related("fiscal_year__village__district__regency", "given_entry", "plan")
        .filter(pk=panjar_id)
        .filter(policies.village_filter(principal, "fiscal_year__village__"))
        .first()
    )
    if panjar is None:
        raise NotFound()
    return panjar


def panjar_list(fiscal_year: FiscalYear, *, status: str | None = None, limit: int = 200) -> list[Panjar]:
    qs = Panjar.objects.filter(fiscal_year=fiscal_year)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-given_on", "-pk")[:limit])


def panjar_summary(fiscal_year: FiscalYear) -> dict:
    """Given, accounted, returned and still outstanding over the year (one query)."""
    row = (
        Panjar.objects.filter(fiscal_year=fiscal_year)
        .exclude(status=PanjarStatus.CANCELLED)
        .aggregate(
            given=Sum("amount"),
            accounted=Sum("accounted"),
            returned=Sum("returned"),
            open=Count("pk", filter=Q(status=PanjarStatus.OPEN)),
        )
    )
    given, accounted, returned = (row[k] or ZERO for k in ("given", "accounted", "returned"))
    return {
        "given": given,
        "accounted": accounted,
        "returned": returned,
        "outstanding": given - accounted - returned,
        "open": row["open"] or 0,
    }


def panjar_items(panjar: Panjar) -> list[PanjarItem]:
    """The SPJ rows; ``reversed`` marks those whose entry was corrected."""
    items = list(
        PanjarItem.objects.filter(panjar=panjar)
        .select_related("entry", "line__account")
        .annotate(reversed=Count("entry__reversed_by"))
        .order_by("pk")
    )
    return items


def panjar_lines(panjar: Panjar) -> list[BudgetLine]:
    """Spending lines of the panjar's activity in the effective budget, with what is left."""
    fy = panjar.fiscal_year
    if not fy.effective_budget_id:
        return []
    realised = realisation_by_key(fy)
    lines = list(
        BudgetLine.objects.filter(
            budget_id=fy.effective_budget_id, kind=LineKind.SPENDING, activity__plan_id=panjar.plan_id
        )
        .select_related("account")
        .order_by("account__code", "pk")
    )
    for line in lines:
        line.left = line.amount - realised.get(line.key, ZERO)
    return lines


# --- report submissions (late reporters) -----------------------------------------------------------


def report_tracking(
    principal: Principal, year: int, *, today: dt.date | None = None, district_code: str | None = None
) -> dict:
    """For every village of my area: its semester I and year-end report for ``year`` — due date
    (computed, Permendagri 20/2018 art. 68-70), the submission that counts (the one not returned,
    else the last returned), whether it is missing past its due date or was sent late — and the
    late reporters counted per kecamatan. Kelurahan have no APBDes and are left out. 3 queries.
    """
    today = today or timezone.localdate()
    villages = Village.objects.filter(policies.village_filter(principal)).exclude(kind="kelurahan")
    if district_code:
        villages = villages.filter(district__code=district_code)
    villages = list(villages.select_related("district").order_by("district__name", "name"))
    ids = [v.pk for v in villages]
    current: dict = {}
    for s in (
        ReportSubmission.objects.filter(fiscal_year__village_id__in=ids, fiscal_year__year=year)
        .select_related("submitted_by", "received_by")
        .annotate(village_id=F("fiscal_year__village_id"))
        .order_by("pk")
    ):
        key = (s.village_id, s.kind)
        held = current.get(key)
        # the attempt that is not returned wins; otherwise the latest returned one
        if held is None or held.status == ReportStatus.RETURNED:
            current[key] = s
    dues = {kind: report_due(kind, year) for kind in ReportKind.values}
    rows, districts = [], {}
    for v in villages:
        cells = {}
        for kind, due in dues.items():
            s = current.get((v.pk, kind))
            active = s if s is not None and s.status != ReportStatus.RETURNED else None
            cells[kind] = {
                "kind": kind,
                "label": ReportKind(kind).label,
                "due": due,
                "submission": s,
                "missing": active is None and today > due,
                "late": active is not None and active.is_late,
                "returned": s is not None and s.status == ReportStatus.RETURNED,
            }
        row = {"village": v, "cells": cells, "late": any(c["missing"] or c["late"] for c in cells.values())}
        rows.append(row)
        d = districts.setdefault(
            v.district_id,
            {
                "name": v.district.name,
                "code": v.district.code,
                "villages": 0,
                "late_villages": 0,
                **{f"{k}_missing": 0 for k in ReportKind.values},
                **{f"{k}_late": 0 for k in ReportKind.values},
            },
        )
        d["villages"] += 1
        d["late_villages"] += 1 if row["late"] else 0
        for kind, c in cells.items():
            d[f"{kind}_missing"] += 1 if c["missing"] else 0
            d[f"{kind}_late"] += 1 if c["late"] else 0
    return {
        "year": year,
        "today": today,
        "dues": dues,
        "kinds": ReportKind.choices,
        "rows": rows,
        "late_rows": [r for r in rows if r["late"]],
        "districts": sorted(districts.values(), key=lambda d: d["name"]),
        "pending": [s for s in current.values() if s.status == ReportStatus.SUBMITTED],
    }


def report_submissions(fiscal_year: FiscalYear) -> list[dict]:
    """The village's own view: per kind, its due date and every attempt (newest first)."""
    attempts = defaultdict(list)
    for s in (
        ReportSubmission.objects.filter(fiscal_year=fiscal_year)
        .select_related("submitted_by", "received_by")
        .order_by("-pk")
    ):
        attempts[s.kind].append(s)
    out = []
    for kind, label in ReportKind.choices:
        history = attempts.get(kind, [])
        active = next((s for s in history if s.status != ReportStatus.RETURNED), None)
        out.append(
            {
                "kind": kind,
                "label": label,
                "due": report_due(kind, fiscal_year.year),
                "period_end": report_period_end(kind, fiscal_year.year),
                "active": active,
                "history": history,
            }
        )
    return out


def report_submission_for(principal: Principal, submission_id: int) -> ReportSubmission:
    submission = (
        ReportSubmission.objects.select_related("fiscal_year__village__district")
        .filter(pk=submission_id)
        .filter(policies.village_filter(principal, "fiscal_year__village__"))
        .first()
    )
    if submission is None:
        raise NotFound()
    return submission
