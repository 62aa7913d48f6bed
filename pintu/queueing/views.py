"""Queue pages: public (board, kiosk, ticket status, bookings) and staff (counter, overview,
statistics). Views translate: parse input, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.signing import BadSignature
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pintu.accounts.access import principal_for
from pintu.catalog.models import Service
from pintu.catalog.selectors import published_service
from pintu.core.errors import DomainError, NotFound, PermissionDenied
from pintu.core.qr import qr_svg
from pintu.queueing import charts, policies, selectors
from pintu.queueing import services as qs
from pintu.queueing.constants import ACTIVE_STATUSES, BookingStatus, TicketOutcome, TicketStatus
from pintu.queueing.models import Booking, Counter, QueueSite, Ticket, TimeSlot

KIOSK_COOKIE = "pintu_kiosk"
KIOSK_SALT = "pintu.queueing.kiosk"


def _site(code: str) -> QueueSite:
    try:
        return selectors.site_by_code(code)
    except NotFound as exc:
        raise Http404 from exc


def _absolute(path: str) -> str:
    return settings.PINTU_BASE_URL + path


# --- public: sites, board ------------------------------------------------------------------------------


def sites(request):
    return render(request, "queueing/sites.html", {"sites": list(selectors.active_sites())})


def board(request, site_code):
    site = _site(site_code)
    return render(
        request,
        "queueing/board.html",
        {"site": site, "state": selectors.board_state(site), "poll_ms": settings.PINTU_QUEUE_BOARD_POLL_MS},
    )


@require_GET
@never_cache
def board_status(request, site_code):
    """The board's poll: 204 while the site's board version is ``v``, else the whole state."""
    site = _site(site_code)
    known = request.GET.get("v")
    if known is not None and known == str(selectors.board_version(site.pk)):
        return HttpResponse(status=204)
    return JsonResponse(selectors.board_state(site))


# --- public: ticket status ------------------------------------------------------------------------------


def ticket_status(request, public_code):
    try:
        view = selectors.ticket_status(public_code)
    except NotFound as exc:
        raise Http404 from exc
    template = (
        "queueing/_ticket_status.html" if request.headers.get("HX-Request") else "queueing/ticket_status.html"
    )
    return render(
        request, template, {"v": view, "refresh": view.ticket.status in ("waiting", "called", "parked")}
    )


# --- kiosk -------------------------------------------------------------------------------------------------


def _kiosk(request, site):
    try:
        token = request.get_signed_cookie(KIOSK_COOKIE, default=None, salt=KIOSK_SALT)
    except BadSignature:
        token = None
    kiosk = qs.kiosk_for_token(token)
    return kiosk if kiosk is not None and kiosk.site_id == site.pk else None


def kiosk(request, site_code):
    site = _site(site_code)
    device = _kiosk(request, site)
    if device is None:
        principal = principal_for(request.user)
        return render(
            request,
            "queueing/kiosk_closed.html",
            {"site": site, "can_open": principal.is_authenticated and policies.can_work_at(principal, site)},
        )
    return render(
        request,
        "queueing/kiosk.html",
        {
            "site": site,
            "categories": selectors.categories_of(site),
            "priority_groups": site.priority_groups,
            "kiosk": device,
        },
    )


@require_POST
def kiosk_open(request, site_code):
    site = _site(site_code)
    kiosk = qs.kiosk_open(
        actor=request.user if request.user.is_authenticated else None,
        site=site,
        name=request.POST.get("name", ""),
    )
    response = redirect("queueing:kiosk", site_code=site.code)
    response.set_signed_cookie(
        KIOSK_COOKIE,
        kiosk.token,
        salt=KIOSK_SALT,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        path="/antrian/",
    )
    messages.success(request, _("Kios aktif. Keluar dari akun petugas sebelum kios dipakai warga."))
    return response


@require_POST
def kiosk_take(request, site_code):
    site = _site(site_code)
    device = _kiosk(request, site)
    if device is None:
        return redirect("queueing:kiosk", site_code=site.code)
    category = next(
        (c for c in selectors.categories_of(site) if str(c.pk) == request.POST.get("category")), None
    )
    if category is None:
        messages.error(request, _("Pilih layanan yang tersedia."))
        return redirect("queueing:kiosk", site_code=site.code)
    try:
        ticket = qs.ticket_take(
            actor=None,
            site=site,
            category=category,
            priority_group=request.POST.get("priority_group", ""),
            kiosk=device,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("queueing:kiosk", site_code=site.code)
    return redirect("queueing:kiosk_ticket", site_code=site.code, public_code=ticket.public_code)


@require_POST
def kiosk_check_in(request, site_code):
    site = _site(site_code)
    device = _kiosk(request, site)
    if device is None:
        return redirect("queueing:kiosk", site_code=site.code)
    try:
        ticket = qs.booking_check_in(actor=None, site=site, code=request.POST.get("code", ""), kiosk=device)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("queueing:kiosk", site_code=site.code)
    return redirect("queueing:kiosk_ticket", site_code=site.code, public_code=ticket.public_code)


def kiosk_ticket(request, site_code, public_code):
    """The printable ticket (58/80 mm via @media print) with a QR to its live status."""
    site = _site(site_code)
    if _kiosk(request, site) is None:
        return redirect("queueing:kiosk", site_code=site.code)
    try:
        view = selectors.ticket_status(public_code)
    except NotFound as exc:
        raise Http404 from exc
    status_url = _absolute(reverse("queueing:ticket", args=[view.ticket.public_code]))
    return render(
        request,
        "queueing/kiosk_ticket.html",
        {
            "site": site,
            "v": view,
            "status_url": status_url,
            "qr": qr_svg(status_url, scale=3, title=_("Status antrian")),
        },
    )


# --- citizen bookings ---------------------------------------------------------------------------------------


def booking_new(request, site_code):
    site = _site(site_code)
    categories = selectors.categories_of(site)
    category = next((c for c in categories if str(c.pk) == request.GET.get("kategori")), None)
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("tanggal", ""))
    except ValueError:
        day = None
    days = [today + dt.timedelta(days=i) for i in range(0, 15)]
    days = [d for d in days if qs.site_hours_on(site, d)][:10]
    slots = []
    if category and day:
        now = timezone.localtime()
        slots = [
            s
            for s in TimeSlot.objects.filter(category=category, date=day).order_by("start")
            if dt.datetime.combine(s.date, s.start)
            > now.replace(tzinfo=None) - dt.timedelta(minutes=site.late_window_minutes)
        ]
    return render(
        request,
        "queueing/booking_new.html",
        {
            "site": site,
            "categories": categories,
            "category": category,
            "days": days,
            "day": day,
            "slots": slots,
            "priority_groups": site.priority_groups,
        },
    )


@login_required
@require_POST
def booking_create(request, site_code):
    site = _site(site_code)
    slot = get_object_or_404(TimeSlot, pk=request.POST.get("slot"), site=site)
    try:
        booking = qs.booking_create(
            actor=request.user, slot=slot, priority_group=request.POST.get("priority_group", "")
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return redirect("queueing:booking_new", site_code=site.code)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(
            f"{reverse('queueing:booking_new', args=[site.code])}?kategori={slot.category_id}&tanggal={slot.date.isoformat()}"
        )
    messages.success(request, _("Antrian terpesan. Tunjukkan kode QR ini di kios lokasi layanan."))
    return redirect("queueing:my_booking", code=booking.code)


@login_required
def my_bookings(request):
    rows = list(
        Booking.objects.filter(citizen=request.user)
        .select_related("slot", "category", "site__org_unit", "ticket")
        .order_by("-slot__date", "-slot__start")[:50]
    )
    return render(request, "queueing/my_bookings.html", {"bookings": rows})


def _own_booking(request, code) -> Booking:
    booking = (
        Booking.objects.select_related("slot", "category", "site__org_unit", "ticket")
        .filter(code=code.upper(), citizen=request.user)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


@login_required
def my_booking(request, code):
    booking = _own_booking(request, code)
    return render(
        request,
        "queueing/my_booking.html",
        {
            "b": booking,
            "qr": qr_svg(
                _absolute(reverse("queueing:my_booking", args=[booking.code])),
                scale=5,
                title=_("Kode pesan antrian"),
            ),
            "booked": BookingStatus.BOOKED,
        },
    )


@login_required
@require_POST
def my_booking_cancel(request, code):
    booking = _own_booking(request, code)
    try:
        qs.booking_cancel(actor=request.user, booking=booking)
        messages.success(request, _("Pesanan dibatalkan; kuotanya kembali tersedia untuk warga lain."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("queueing:my_booking", code=booking.code)


# --- staff: counter ---------------------------------------------------------------------------------------


def staff_required(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        principal = principal_for(request.user)
        if not principal.is_staff_member:
            raise DjangoPermissionDenied
        request.principal = principal
        return view(request, *args, **kwargs)

    return wrapper


def _visible_sites(principal):
    return list(
        QueueSite.objects.filter(policies.visible_sites_filter(principal), is_active=True)
        .select_related("org_unit")
        .order_by("org_unit__name")
    )


@staff_required
def counters(request):
    site_list = _visible_sites(request.principal)
    if not site_list:
        raise DjangoPermissionDenied
    mine = Counter.objects.filter(current_officer=request.user).first()
    rows = [
        {
            "site": s,
            "counters": selectors.counters_for(s) if policies.can_work_at(request.principal, s) else [],
            "manage": policies.can_manage(request.principal, s),
        }
        for s in site_list
    ]
    return render(request, "queueing/counters.html", {"rows": rows, "mine": mine})


def _counter_for(request, counter_id) -> Counter:
    counter = get_object_or_404(
        Counter.objects.select_related("site__org_unit", "current_officer"), pk=counter_id
    )
    if not policies.can_work_at(request.principal, counter.site):
        raise DjangoPermissionDenied
    return counter


def _counter_context(request, counter, **extra):
    current = selectors.counter_current_ticket(counter)
    services = []
    if current is not None and current.status == TicketStatus.SERVING:
        category = current.category
        services = list(
            category.services.all()
            if category.services.exists()
            else Service.objects.filter(
                agency_id=category.agency_id, published_version__isnull=False
            ).order_by("name")[:40]
        )
    survey = extra.pop("survey", None)
    return {
        "partial": bool(request.headers.get("HX-Request")),
        "counter": counter,
        "site": counter.site,
        "mine": counter.current_officer_id == request.user.pk,
        "current": current,
        "waiting": selectors.waiting_for_counter(counter) if counter.current_officer_id else [],
        "parked": selectors.parked_tickets(counter.site),
        "categories": selectors.categories_of(counter.site),
        "other_counters": [c for c in selectors.counters_for(counter.site) if c.pk != counter.pk],
        "outcomes": TicketOutcome.choices,
        "services": services,
        "survey": survey,
        "survey_qr": qr_svg(survey.url, scale=4, title=_("Survei kepuasan")) if survey else "",
        **extra,
    }


@staff_required
def counter(request, counter_id):
    counter = _counter_for(request, counter_id)
    template = (
        "queueing/_counter_panel.html" if request.headers.get("HX-Request") else "queueing/counter.html"
    )
    return render(request, template, _counter_context(request, counter))


COUNTER_ACTIONS = {
    "open",
    "close",
    "call",
    "recall",
    "start",
    "park",
    "resume",
    "transfer",
    "finish",
    "link",
    "cancel",
}


@staff_required
@require_POST
def counter_action(request, counter_id, action):
    counter = _counter_for(request, counter_id)
    if action not in COUNTER_ACTIONS:
        raise Http404
    user = request.user
    post = request.POST
    survey = None

    def ticket_arg():
        return get_object_or_404(Ticket, pk=post.get("ticket"), site=counter.site)

    try:
        if action == "open":
            qs.counter_open(actor=user, counter=counter)
        elif action == "close":
            qs.counter_close(actor=user, counter=counter)
        elif action == "call":
            if qs.ticket_call_next(actor=user, counter=counter) is None:
                messages.info(request, _("Tidak ada antrian yang menunggu untuk loket ini."))
        elif action == "recall":
            ticket = qs.ticket_recall(actor=user, ticket=ticket_arg())
            if ticket.status == TicketStatus.NO_SHOW:
                messages.warning(request, _("%(n)s ditandai tidak hadir.") % {"n": ticket.display_number})
        elif action == "start":
            qs.ticket_start_serving(actor=user, ticket=ticket_arg())
        elif action == "park":
            qs.ticket_park(actor=user, ticket=ticket_arg(), note=post.get("note", ""))
        elif action == "resume":
            qs.ticket_resume(actor=user, ticket=ticket_arg(), counter=counter)
        elif action == "cancel":
            qs.ticket_cancel(actor=user, ticket=ticket_arg())
        elif action == "transfer":
            target = post.get("target", "")
            kind, _sep, pk = target.partition(":")
            category = (
                next((c for c in selectors.categories_of(counter.site) if str(c.pk) == pk), None)
                if kind == "c"
                else None
            )
            to_counter = (
                Counter.objects.filter(site=counter.site, pk=pk).first()
                if kind == "k" and pk.isdigit()
                else None
            )
            qs.ticket_transfer(
                actor=user,
                ticket=ticket_arg(),
                category=category,
                counter=to_counter,
                note=post.get("note", ""),
            )
        elif action == "finish":
            ticket = qs.ticket_finish(
                actor=user, ticket=ticket_arg(), outcome=post.get("outcome", ""), note=post.get("note", "")
            )
            survey = getattr(ticket, "survey_link", None)
            messages.success(request, _("%(n)s selesai dilayani.") % {"n": ticket.display_number})
        elif action == "link":
            case = qs.ticket_link_case(
                actor=user, ticket=ticket_arg(), tracking_code=post.get("tracking_code", "")
            )
            messages.success(
                request, _("Tiket dikaitkan dengan permohonan %(c)s.") % {"c": case.display_code}
            )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        message = str(exc.message)
        if exc.fields:
            message = " ".join(str(m) for msgs in exc.fields.values() for m in msgs)
        messages.error(request, message)
    counter.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(
            request, "queueing/_counter_panel.html", _counter_context(request, counter, survey=survey)
        )
    if survey is not None:
        return render(request, "queueing/counter.html", _counter_context(request, counter, survey=survey))
    return redirect("queueing:counter", counter_id=counter.pk)


@staff_required
def counter_open_case(request, counter_id, ticket_id, service_code):
    """Open the citizen's case for the ticket being served: the staff application form of the
    service (the front door's), submitted through ``ticket_open_case``."""
    from pintu.portal.application import build_forms

    counter = _counter_for(request, counter_id)
    ticket = get_object_or_404(Ticket, pk=ticket_id, counter=counter, status__in=ACTIVE_STATUSES)
    try:
        service, version = published_service(service_code)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        bundle = build_forms(version, staff=True, data=request.POST, files=request.FILES)
        if bundle.is_valid():
            from pintu.queueing.forms import submit_case_for_ticket

            case = submit_case_for_ticket(bundle, actor=request.user, ticket=ticket, service=service)
            if case is not None:
                messages.success(
                    request,
                    _("Permohonan %(code)s dibuat. Berikan kode lacak ini kepada pemohon.")
                    % {"code": case.display_code},
                )
                return redirect("queueing:counter", counter_id=counter.pk)
    else:
        bundle = build_forms(version, staff=True)
    return render(
        request,
        "office/new_case_form.html",
        {
            "service": service,
            "version": version,
            "forms": bundle,
            "units": [counter.site.org_unit],
            "unit": counter.site.org_unit,
            "action_url": request.path,
            "front_door": True,
        },
    )


# --- staff: overview and statistics -------------------------------------------------------------------------


def _managed_site(request, site_code) -> QueueSite:
    site = _site(site_code)
    if not policies.can_view_overview(request.principal, site):
        raise DjangoPermissionDenied
    return site


@staff_required
def overview(request, site_code):
    site = _managed_site(request, site_code)
    template = (
        "queueing/_overview_panel.html" if request.headers.get("HX-Request") else "queueing/overview.html"
    )
    return render(request, template, {"site": site, "o": selectors.site_overview(site)})


@staff_required
def statistics(request, site_code):
    site = _managed_site(request, site_code)
    today = timezone.localdate()
    try:
        date_from = dt.date.fromisoformat(request.GET.get("dari", ""))
    except ValueError:
        date_from = today - dt.timedelta(days=6)
    try:
        date_to = dt.date.fromisoformat(request.GET.get("sampai", ""))
    except ValueError:
        date_to = today
    if date_to < date_from or (date_to - date_from).days > 366:
        date_from, date_to = today - dt.timedelta(days=6), today
    by = request.GET.get("per", "category")
    if by not in selectors.GROUPINGS:
        by = "category"
    rows = selectors.site_statistics(site, date_from=date_from, date_to=date_to, by=by)
    hours = selectors.site_statistics(site, date_from=date_from, date_to=date_to, by="hour")
    return render(
        request,
        "queueing/statistics.html",
        {
            "site": site,
            "rows": rows,
            "by": by,
            "groupings": [
                ("category", _("Kategori")),
                ("counter", _("Loket")),
                ("officer", _("Petugas")),
                ("day", _("Hari")),
                ("hour", _("Jam")),
            ],
            "date_from": date_from,
            "date_to": date_to,
            "totals": selectors.statistics_totals(rows),
            "wait_chart": charts.bar_chart(
                [(r["label"], r["avg_wait_minutes"]) for r in rows],
                title=_("Rata-rata waktu tunggu (menit)"),
                target=site.wait_target_minutes,
            ),
            "hour_chart": charts.bar_chart(
                [(r["label"], r["tickets"]) for r in hours], title=_("Tiket per jam kedatangan")
            ),
            "target": site.wait_target_minutes,
        },
    )
