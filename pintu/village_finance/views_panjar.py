"""Panjar pages: the list of a year's panjar (give one), a panjar (account for it, return the rest).

Views translate: parse input, call one service or selector, render.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.accounts.constants import Role
from pintu.core.errors import DomainError, NotFound
from pintu.office.views import staff_required
from pintu.village_finance import policies, selectors, services
from pintu.village_finance.constants import Book, PanjarStatus, TaxKind
from pintu.village_finance.models import Activity, BudgetLine
from pintu.village_finance.views import _fail, _fy


def _date(value: str | None) -> dt.date | None:
    """A date from a form (YYYY-MM-DD); empty means today (the service decides)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Tanggal tidak valid; gunakan format tahun-bulan-tanggal.")) from None


PANJAR_ITEM_ROWS = 3


@staff_required
def panjar_list(request, village_code, year):
    """The treasurer's panjar: who holds what, for which activity; give a new one."""
    fy = _fy(request, village_code, year)
    roles = policies.village_roles(request.principal, fy.village)
    if request.method == "POST":
        activity = Activity.objects.filter(
            pk=request.POST.get("activity") or 0, budget_id=fy.effective_budget_id or 0
        ).first()
        try:
            if activity is None:
                raise NotFound(_("Pilih kegiatan dari APBDes yang berlaku."))
            panjar = services.panjar_give(
                actor=request.user,
                fiscal_year=fy,
                activity=activity,
                recipient=request.POST.get("recipient", ""),
                recipient_position=request.POST.get("recipient_position", ""),
                amount=request.POST.get("amount") or 0,
                description=request.POST.get("description", ""),
                book=request.POST.get("book") or Book.CASH,
                given_on=_date(request.POST.get("given_on")),
            )
            messages.success(request, _("Panjar %(n)s diberikan.") % {"n": panjar.number})
            return redirect("village_finance:panjar", panjar_id=panjar.pk)
        except DomainError as exc:
            _fail(request, exc)
        return redirect("village_finance:panjar_list", village_code=village_code, year=year)
    is_treasurer = Role.VILLAGE_TREASURER in roles
    activities = []
    if is_treasurer and fy.effective_budget_id:
        activities = list(
            Activity.objects.filter(budget_id=fy.effective_budget_id, total__gt=0).select_related("kind")
        )
    return render(
        request,
        "village_finance/panjar_list.html",
        {
            "fy": fy,
            "village": fy.village,
            "panjars": selectors.panjar_list(fy, status=request.GET.get("status") or None),
            "summary": selectors.panjar_summary(fy),
            "statuses": PanjarStatus.choices,
            "is_treasurer": is_treasurer,
            "activities": activities,
            "today": timezone.localdate(),
        },
    )


def _panjar_items(post) -> list[dict]:
    items = []
    for i in range(1, PANJAR_ITEM_ROWS + 1):
        line_id, amount = post.get(f"line_{i}"), post.get(f"amount_{i}")
        if not line_id and not amount:
            continue
        line = (
            BudgetLine.objects.filter(pk=line_id).select_related("activity").first()
            if str(line_id).isdigit()
            else None
        )
        items.append(
            {
                "line": line,
                "amount": amount or 0,
                "description": post.get(f"description_{i}", ""),
                "payee": post.get(f"payee_{i}", ""),
                "taxes": {k: post.get(f"tax_{k}_{i}") or 0 for k in TaxKind.values},
            }
        )
    return items


@staff_required
def panjar_detail(request, panjar_id):
    try:
        panjar = selectors.panjar_for(request.principal, panjar_id)
    except NotFound:
        raise Http404 from None
    fy = panjar.fiscal_year
    roles = policies.village_roles(request.principal, fy.village)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "account":
                services.panjar_account(
                    actor=request.user,
                    panjar=panjar,
                    items=_panjar_items(request.POST),
                    accounted_on=_date(request.POST.get("date")),
                )
                messages.success(request, _("Pertanggungjawaban panjar dicatat."))
            elif action == "close":
                services.panjar_close(
                    actor=request.user, panjar=panjar, closed_on=_date(request.POST.get("date"))
                )
                messages.success(request, _("Sisa panjar dikembalikan; panjar selesai."))
            else:
                raise Http404
        except DomainError as exc:
            _fail(request, exc)
        return redirect("village_finance:panjar", panjar_id=panjar.pk)
    can_act = Role.VILLAGE_TREASURER in roles and panjar.status == PanjarStatus.OPEN
    return render(
        request,
        "village_finance/panjar_detail.html",
        {
            "panjar": panjar,
            "fy": fy,
            "village": fy.village,
            "items": selectors.panjar_items(panjar),
            "lines": selectors.panjar_lines(panjar) if can_act else [],
            "rows": range(1, PANJAR_ITEM_ROWS + 1),
            "taxes": TaxKind.choices,
            "can_act": can_act,
            "today": timezone.localdate(),
        },
    )
