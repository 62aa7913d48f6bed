"""Office pages of a village's budget execution (/kantor/keuangan/…): payment requests (SPP),
their receipts, and the books.

Views translate: parse input, call one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pintu.accounts.constants import Role
from pintu.core.errors import DomainError, NotFound
from pintu.office.views import staff_required
from pintu.village_finance import outputs, policies, selectors, services
from pintu.village_finance.constants import (
    Book,
    LineKind,
    SppStatus,
    TaxKind,
)
from pintu.village_finance.models import (
    BudgetLine,
    FiscalYear,
    JournalEntry,
)
from pintu.village_finance.views import _fail, _fy

BOOKS = {
    "bku": ((Book.CASH, Book.BANK), gettext_lazy("Buku kas umum")),
    "bank": ((Book.BANK,), gettext_lazy("Buku pembantu bank")),
    "pajak": ((Book.TAX,), gettext_lazy("Buku pembantu pajak")),
    "panjar": ((Book.PANJAR,), gettext_lazy("Buku pembantu panjar")),
}

# --- execution -----------------------------------------------------------------------------------


def _spending_lines(fy: FiscalYear):
    if not fy.effective_budget_id:
        return []
    realised = selectors.realisation_by_key(fy)
    lines = list(
        BudgetLine.objects.filter(budget_id=fy.effective_budget_id, kind=LineKind.SPENDING)
        .select_related("account", "activity")
        .order_by("activity__kind__siskeudes_code", "pk")
    )
    for line in lines:
        line.left = line.amount - realised.get(line.key, 0)
    return lines


@staff_required
def spp_list(request, village_code, year):
    fy = _fy(request, village_code, year)
    roles = policies.village_roles(request.principal, fy.village)
    if request.method == "POST":
        line = BudgetLine.objects.filter(
            pk=request.POST.get("line") or 0, budget_id=fy.effective_budget_id
        ).first()
        taxes = {k: request.POST.get(f"tax_{k}") or 0 for k in TaxKind.values}
        try:
            if line is None:
                raise NotFound(_("Pilih baris anggaran dari APBDes yang berlaku."))
            spp = services.spp_create(
                actor=request.user,
                fiscal_year=fy,
                line=line,
                amount=request.POST.get("amount") or 0,
                description=request.POST.get("description", ""),
                payee=request.POST.get("payee", ""),
                taxes=taxes,
            )
            messages.success(request, _("SPP %(n)s dibuat.") % {"n": spp.number})
            return redirect("village_finance:spp", spp_id=spp.pk)
        except DomainError as exc:
            _fail(request, exc)
    return render(
        request,
        "village_finance/spp_list.html",
        {
            "fy": fy,
            "village": fy.village,
            "spps": selectors.spp_list(fy, status=request.GET.get("status") or None),
            "lines": _spending_lines(fy) if Role.VILLAGE_TREASURER in roles else [],
            "is_treasurer": Role.VILLAGE_TREASURER in roles,
            "taxes": TaxKind.choices,
            "statuses": SppStatus.choices,
        },
    )


SPP_VERBS = {"verify": services.spp_verify, "approve": services.spp_approve, "reject": services.spp_reject}


@staff_required
def spp_detail(request, spp_id):
    try:
        spp = selectors.spp_for(request.principal, spp_id)
    except NotFound:
        raise Http404 from None
    roles = policies.village_roles(request.principal, spp.fiscal_year.village)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "pay":
                services.spp_pay(actor=request.user, spp=spp, book=request.POST.get("book") or Book.BANK)
                messages.success(request, _("SPP dibayar; kuitansi dapat dicetak."))
            elif action in SPP_VERBS:
                kwargs = {"actor": request.user, "spp": spp, "note": request.POST.get("note", "")}
                SPP_VERBS[action](**kwargs)
                messages.success(request, _("SPP diperbarui."))
            else:
                raise Http404
        except DomainError as exc:
            _fail(request, exc)
        return redirect("village_finance:spp", spp_id=spp.pk)
    actions = []
    if spp.status == SppStatus.DRAFT and Role.VILLAGE_SECRETARY in roles:
        actions += [("verify", _("Verifikasi (sekdes)")), ("reject", _("Tolak"))]
    if spp.status == SppStatus.VERIFIED and Role.VILLAGE_HEAD in roles:
        actions += [("approve", _("Setujui (kepala desa)")), ("reject", _("Tolak"))]
    if spp.status == SppStatus.APPROVED and Role.VILLAGE_TREASURER in roles:
        actions += [("pay", _("Bayar"))]
    return render(
        request,
        "village_finance/spp_detail.html",
        {
            "spp": spp,
            "fy": spp.fiscal_year,
            "village": spp.fiscal_year.village,
            "taxes": list(spp.taxes.all()),
            "events": list(spp.events.select_related("actor")),
            "actions": actions,
            "words": outputs.terbilang(spp.amount),
        },
    )


@staff_required
def kuitansi(request, spp_id):
    try:
        spp = selectors.spp_for(request.principal, spp_id)
    except NotFound:
        raise Http404 from None
    if spp.paid_entry_id is None:
        raise Http404
    pdf = outputs.kuitansi_pdf(spp)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kuitansi-{spp.pk}.pdf"'
    return response


@staff_required
def books(request, village_code, year, book="bku"):
    fy = _fy(request, village_code, year)
    if book not in BOOKS:
        raise Http404
    roles = policies.village_roles(request.principal, fy.village)
    if request.method == "POST":
        form = request.POST.get("form")
        try:
            if form == "income":
                line = BudgetLine.objects.filter(
                    pk=request.POST.get("line") or 0, budget_id=fy.effective_budget_id
                ).first()
                if line is None:
                    raise NotFound(_("Pilih baris pendapatan dari APBDes yang berlaku."))
                services.income_receive(
                    actor=request.user,
                    fiscal_year=fy,
                    line=line,
                    amount=request.POST.get("amount") or 0,
                    book=request.POST.get("book") or Book.BANK,
                    counterparty=request.POST.get("counterparty", ""),
                )
            elif form == "transfer":
                services.book_transfer(
                    actor=request.user,
                    fiscal_year=fy,
                    from_book=request.POST.get("from_book", ""),
                    to_book=request.POST.get("to_book", ""),
                    amount=request.POST.get("amount") or 0,
                )
            elif form == "tax":
                services.tax_remit(
                    actor=request.user,
                    fiscal_year=fy,
                    kind=request.POST.get("kind", ""),
                    amount=request.POST.get("amount") or 0,
                    ntpn=request.POST.get("ntpn", ""),
                )
            elif form == "close":
                services.month_close(
                    actor=request.user, fiscal_year=fy, month=int(request.POST.get("month") or 0)
                )
            elif form == "reverse":
                entry = JournalEntry.objects.filter(pk=request.POST.get("entry") or 0, fiscal_year=fy).first()
                if entry is None:
                    raise NotFound()
                services.entry_reverse(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
            else:
                raise Http404
            messages.success(request, _("Tercatat di buku."))
        except (DomainError, ValueError) as exc:
            if isinstance(exc, DomainError):
                _fail(request, exc)
            else:
                messages.error(request, _("Isian tidak valid."))
        return redirect("village_finance:book", village_code=village_code, year=year, book=book)
    month = request.GET.get("bulan")
    data = selectors.book_lines(fy, BOOKS[book][0], month=int(month) if month and month.isdigit() else None)
    income_lines = []
    if fy.effective_budget_id:
        income_lines = list(
            BudgetLine.objects.filter(budget_id=fy.effective_budget_id)
            .exclude(kind=LineKind.SPENDING)
            .filter(account__code__regex=r"^(4|6\.1)")
            .select_related("account", "fund_source")
        )
    return render(
        request,
        "village_finance/books.html",
        {
            "fy": fy,
            "village": fy.village,
            "book": book,
            "books": [(k, v[1]) for k, v in BOOKS.items()],
            "title": BOOKS[book][1],
            "data": data,
            "is_treasurer": Role.VILLAGE_TREASURER in roles,
            "income_lines": income_lines,
            "taxes": TaxKind.choices,
            "months": range(1, 13),
            "closings": list(fy.closings.order_by("month")),
            "panjar_summary": selectors.panjar_summary(fy) if book == "panjar" else None,
        },
    )
