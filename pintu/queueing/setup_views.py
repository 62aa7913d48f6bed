"""The site manager's settings pages: site settings, categories, counters, closed days, booking
slots. Each POST calls exactly one service; a refused input is shown on the form and nothing
changes (the service raises before it writes, inside its own transaction)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pintu.core.errors import ValidationFailed
from pintu.core.forms import apply_errors
from pintu.queueing import policies
from pintu.queueing import services as qs
from pintu.queueing.models import Counter, QueueSite, SiteClosedDay, TicketCategory
from pintu.queueing.setup_forms import (
    CategoryForm,
    ClosedDayForm,
    CounterForm,
    SiteSettingsForm,
    TimeslotsForm,
)
from pintu.queueing.views import staff_required

UPCOMING_LIMIT = 100


def _site(request, site_code) -> QueueSite:
    """The site, active or not (a manager may switch it back on); 404 unknown, 403 not managed."""
    site = QueueSite.objects.select_related("org_unit__regency").filter(org_unit__code=site_code).first()
    if site is None:
        raise Http404
    if not policies.can_manage(request.principal, site):
        raise DjangoPermissionDenied
    return site


def _render(request, template, site, tab, **context):
    return render(request, template, {"site": site, "tab": tab, **context})


@staff_required
def settings_page(request, site_code):
    site = _site(request, site_code)
    form = SiteSettingsForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            qs.site_configure(actor=request.user, org_unit=site.org_unit, **form.values())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Pengaturan lokasi disimpan."))
            return redirect("queueing:setup", site_code)
    return _render(request, "queueing/setup_site.html", site, "site", form=form)


@staff_required
def categories(request, site_code):
    site = _site(request, site_code)
    form = CategoryForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid() and _define_category(request, site, form):
        return redirect("queueing:setup_categories", site_code)
    rows = (
        TicketCategory.objects.filter(site=site)
        .select_related("agency")
        .annotate(service_count=Count("services"))
        .order_by("position", "prefix")
    )
    return _render(request, "queueing/setup_categories.html", site, "categories", form=form, rows=rows)


@staff_required
def category_edit(request, site_code, category_id):
    site = _site(request, site_code)
    category = get_object_or_404(TicketCategory, pk=category_id, site=site)
    form = CategoryForm(request.POST or None, site=site, category=category)
    if request.method == "POST" and form.is_valid() and _define_category(request, site, form):
        return redirect("queueing:setup_categories", site_code)
    return _render(request, "queueing/setup_category.html", site, "categories", form=form, category=category)


def _define_category(request, site, form) -> bool:
    data = form.cleaned_data
    try:
        category = qs.category_define(
            actor=request.user,
            site=site,
            prefix=data["prefix"],
            name=data["name"],
            agency=data["agency"],
            services=data["services"],
            position=data["position"],
            is_active=data["is_active"],
        )
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("Kategori %(c)s disimpan.") % {"c": category})
    return True


@staff_required
def counters(request, site_code):
    site = _site(request, site_code)
    form = CounterForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid() and _define_counter(request, site, form):
        return redirect("queueing:setup_counters", site_code)
    rows = (
        Counter.objects.filter(site=site)
        .select_related("current_officer")
        .prefetch_related("categories")
        .order_by("number")
    )
    return _render(request, "queueing/setup_counters.html", site, "counters", form=form, rows=rows)


@staff_required
def counter_edit(request, site_code, counter_id):
    site = _site(request, site_code)
    counter = get_object_or_404(Counter, pk=counter_id, site=site)
    form = CounterForm(request.POST or None, site=site, counter=counter)
    if request.method == "POST" and form.is_valid() and _define_counter(request, site, form):
        return redirect("queueing:setup_counters", site_code)
    return _render(request, "queueing/setup_counter.html", site, "counters", form=form, counter=counter)


def _define_counter(request, site, form) -> bool:
    data = form.cleaned_data
    try:
        counter = qs.counter_define(
            actor=request.user,
            site=site,
            number=data["number"],
            categories=form.ordered_categories(),
            name=data["name"],
            is_active=data["is_active"],
        )
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("%(c)s disimpan.") % {"c": counter.label})
    return True


@staff_required
def closed_days(request, site_code):
    site = _site(request, site_code)
    form = ClosedDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            day = qs.site_close_day(
                actor=request.user,
                site=site,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Lokasi tutup pada %(d)s.") % {"d": f"{day.date:%d-%m-%Y}"})
            return redirect("queueing:setup_closed_days", site_code)
    rows = SiteClosedDay.objects.filter(site=site, date__gte=timezone.localdate()).order_by("date")[
        :UPCOMING_LIMIT
    ]
    return _render(request, "queueing/setup_closed_days.html", site, "closed", form=form, rows=rows)


@staff_required
def timeslots(request, site_code):
    site = _site(request, site_code)
    form = TimeslotsForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = qs.timeslots_generate(
                actor=request.user,
                site=site,
                date_from=data["date_from"],
                date_to=data["date_to"],
                quota=data["quota"],
                categories=list(data["categories"]) or None,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(n)s sesi baru dibuat; sesi yang sudah ada memakai kuota baru (tidak di bawah jumlah pesanan)."
                )
                % {"n": created},
            )
            return redirect("queueing:setup_timeslots", site_code)
    return _render(request, "queueing/setup_timeslots.html", site, "slots", form=form)
