"""Report submission pages: the village sends its report; the camat receives or returns it; the
late reporters per kecamatan.

Views translate: parse input, call one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pintu.accounts.constants import Role
from pintu.core.errors import DomainError, NotFound, PermissionDenied
from pintu.office.views import staff_required
from pintu.village_finance import selectors, services
from pintu.village_finance.constants import ReportKind
from pintu.village_finance.views import _fail, _fy


@staff_required
@require_POST
def report_submit(request, village_code, year):
    fy = _fy(request, village_code, year)
    try:
        submission = services.report_submit(
            actor=request.user, fiscal_year=fy, kind=request.POST.get("kind", "")
        )
        if submission.is_late:
            messages.warning(
                request,
                _("Laporan dikirim ke camat, melewati batas %(due)s.")
                % {"due": submission.due_on.strftime("%d-%m-%Y")},
            )
        else:
            messages.success(request, _("Laporan dikirim ke camat."))
    except DomainError as exc:
        _fail(request, exc)
    target = redirect("village_finance:report", village_code=village_code, year=year)
    if request.POST.get("kind") == ReportKind.SEMESTER:
        target["Location"] += "?periode=s1"  # back to the report that was sent
    return target


def _oversight(principal) -> None:
    if not (principal.has_role(Role.DISTRICT_OFFICER) or principal.is_regency_admin):
        raise PermissionDenied()


@staff_required
def report_inbox(request, year):
    """Camat and regency: who sent which report, who is late (missing past due or sent late)."""
    principal = request.principal
    _oversight(principal)
    data = selectors.report_tracking(principal, int(year), district_code=request.GET.get("kecamatan") or None)
    return render(
        request,
        "village_finance/report_inbox.html",
        {
            "year": int(year),
            "years": [int(year) - 1, int(year), int(year) + 1],
            "data": data,
            "is_camat": principal.has_role(Role.DISTRICT_OFFICER),
            "only_late": request.GET.get("terlambat") == "1",
        },
    )


@staff_required
@require_POST
def report_review(request, submission_id):
    """The camat receives a report or returns it with a note."""
    try:
        submission = selectors.report_submission_for(request.principal, submission_id)
    except NotFound:
        raise Http404 from None
    action = request.POST.get("action", "")
    try:
        if action == "receive":
            services.report_receive(
                actor=request.user, submission=submission, note=request.POST.get("note", "")
            )
            messages.success(request, _("Laporan diterima."))
        elif action == "return":
            services.report_return(
                actor=request.user, submission=submission, note=request.POST.get("note", "")
            )
            messages.success(request, _("Laporan dikembalikan ke desa."))
        else:
            raise Http404
    except DomainError as exc:
        _fail(request, exc)
    return redirect("village_finance:report_inbox", year=submission.fiscal_year.year)
