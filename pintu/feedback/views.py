"""Pages: the survey (one-time link and kiosk tablet), complaint intake and tracking for citizens;
the complaint queue, detail and actions and the IKM report for staff."""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pintu.accounts.access import principal_for
from pintu.accounts.constants import AGENCY_ROLES, Role
from pintu.accounts.models import User
from pintu.catalog.models import Service
from pintu.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from pintu.core.forms import apply_errors
from pintu.core.throttle import per_ip
from pintu.feedback import charts, exports, selectors
from pintu.feedback import services as fs
from pintu.feedback.constants import ComplaintAction, ComplaintChannel, ComplaintStatus
from pintu.feedback.forms import (
    ActionForm,
    ComplaintForm,
    KioskSurveyForm,
    RateForm,
    SurveyComplaintForm,
    SurveyForm,
    TrackForm,
)
from pintu.feedback.models import ComplaintAttachment, SurveyPeriod, SurveyResponse
from pintu.feedback.policies import (
    COUNTER_ROLES,
    KIOSK_ROLES,
    allowed_actions,
    can_open_kiosk,
    can_see_reporter,
    can_view_complaint,
    report_scope,
)
from pintu.regions.models import OrgUnit

LOW_SCORE = 2  # a survey with any answer at or below this offers to file a complaint


def _agencies():
    return list(OrgUnit.objects.filter(kind="agency", is_active=True).order_by("name"))


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


# --- survey by one-time link ----------------------------------------------------------------------


@per_ip("survey", limit=60)
def survey(request, token: str):
    try:
        invitation = fs.survey_invitation_for_token(token)
    except NotFound as exc:
        raise Http404 from exc
    used = invitation.used_at is not None
    expired = invitation.expires_at <= timezone.now()
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response, _created = fs.survey_submit(
                token=token,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                profile=form.profile(),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("feedback:survey", token=token)
        else:
            return redirect("feedback:survey_done", public_id=response.public_id)
    return render(
        request,
        "feedback/survey.html",
        {"form": form, "invitation": invitation, "used": used, "expired": expired, "kiosk": False},
    )


def _offer_complaint(response: SurveyResponse) -> bool:
    return (response.lowest_score or 4) <= LOW_SCORE or bool(response.comment)


@per_ip("survey", limit=60)
def survey_done(request, public_id):
    response = SurveyResponse.objects.select_related("agency").filter(public_id=public_id).first()
    if response is None:
        raise Http404
    has_complaint = hasattr(response, "complaint")
    form = SurveyComplaintForm(
        request.POST or None,
        initial={
            "subject": _("Keluhan layanan %(agency)s") % {"agency": response.agency.display_name},
            "description": response.comment,
        },
    )
    complaint = None
    if request.method == "POST" and not has_complaint and form.is_valid():
        try:
            complaint, _created = fs.complaint_submit(
                actor=request.user,
                channel=ComplaintChannel.SURVEY,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                survey_response=response,
                is_anonymous=True,
                reporter_phone=form.cleaned_data["reporter_phone"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            return redirect("feedback:complaint_done", code=complaint.tracking_code)
    return render(
        request,
        "feedback/survey_done.html",
        {
            "response": response,
            "offer": _offer_complaint(response) and not has_complaint,
            "form": form,
            "has_complaint": has_complaint,
        },
    )


# --- kiosk tablet ---------------------------------------------------------------------------------


@staff_required
def kiosk_start(request):
    """The kiosk tab: open the tablet for the (first) unit where this officer may run it."""
    units = sorted(request.principal.units_with(*KIOSK_ROLES))
    if not units:
        raise DjangoPermissionDenied
    return redirect("feedback:kiosk", unit_id=units[0])


KIOSK_COOKIE = "pintu_kiosk"
KIOSK_SALT = "pintu.feedback.kiosk"
KIOSK_HOURS = 12


def _kiosk_opener(request, unit_id: int):
    """The staff member who opened the kiosk on this tablet (signed cookie), or None."""
    raw = request.COOKIES.get(KIOSK_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=KIOSK_SALT, max_age=KIOSK_HOURS * 3600)
    except signing.BadSignature:
        return None
    if data.get("unit") != unit_id:
        return None
    return User.objects.filter(pk=data.get("by"), is_active=True).first()


def kiosk(request, unit_id: int):
    """The survey tablet at a counter. A staff member of the unit opens it once (POST "open"):
    the tablet then holds a signed kiosk cookie for 12 hours and the staff session is closed,
    so respondents never use an officer's session."""
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    opener = _kiosk_opener(request, unit_id)
    if opener is None or not can_open_kiosk(principal_for(opener), unit_id):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if not can_open_kiosk(principal_for(request.user), unit_id):
            raise DjangoPermissionDenied
        if request.method == "POST" and request.POST.get("open"):
            cookie = signing.dumps({"unit": unit_id, "by": request.user.pk}, salt=KIOSK_SALT)
            logout(request)
            response = redirect("feedback:kiosk", unit_id=unit_id)
            response.set_cookie(
                KIOSK_COOKIE,
                cookie,
                max_age=KIOSK_HOURS * 3600,
                httponly=True,
                samesite="Strict",
                secure=request.is_secure(),
            )
            return response
        return render(request, "feedback/kiosk_open.html", {"unit": unit, "hours": KIOSK_HOURS})
    agencies = _agencies()
    if unit.kind == "agency":
        agencies = [unit]
    form = KioskSurveyForm(
        request.POST or None,
        agencies=agencies,
        initial={"submission_key": uuid.uuid4().hex, "agency": agencies[0].pk if len(agencies) == 1 else ""},
    )
    if request.method == "POST" and form.is_valid():
        agency = next((a for a in agencies if a.pk == form.cleaned_data["agency"]), None)
        try:
            fs.survey_kiosk_submit(
                actor=opener,
                kiosk_unit=unit,
                agency=agency,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                profile=form.profile(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return render(request, "feedback/kiosk_done.html", {"unit": unit})
    return render(request, "feedback/survey.html", {"form": form, "unit": unit, "kiosk": True})


# --- complaints: citizens -------------------------------------------------------------------------


@per_ip("complaint_new", limit=20)
def complaint_new(request):
    principal = principal_for(request.user)
    anonymous_allowed = settings.PINTU_COMPLAINTS_ANONYMOUS
    if not principal.is_authenticated and not anonymous_allowed:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    agencies = _agencies()
    form = ComplaintForm(
        request.POST or None,
        request.FILES or None,
        agencies=agencies,
        initial={"submission_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = next((a for a in agencies if a.pk == data["agency"]), None)
        try:
            complaint, _created = fs.complaint_submit(
                actor=request.user,
                channel=ComplaintChannel.PORTAL,
                subject=data["subject"],
                description=data["description"],
                agency=agency,
                incident_date=data["incident_date"],
                is_anonymous=data["is_anonymous"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                attachments=data["attachments"],
                submission_key=data["submission_key"] or None,
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied from exc
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return redirect("feedback:complaint_done", code=complaint.tracking_code)
    return render(
        request,
        "feedback/complaint_new.html",
        {
            "form": form,
            "logged_in": principal.is_authenticated,
            "mine": selectors.my_complaints(principal, limit=10),
        },
    )


def complaint_done(request, code: str):
    tracked = selectors.complaint_tracking(code)
    if tracked is None:
        raise Http404
    return render(request, "feedback/complaint_done.html", {"tracked": tracked})


@per_ip("complaint_track", limit=60)
def complaint_track(request):
    form = TrackForm(request.GET or None)
    not_found = False
    if request.GET and form.is_valid():
        tracked = selectors.complaint_tracking(form.cleaned_data["code"])
        if tracked is not None:
            return redirect("feedback:complaint_track_detail", code=tracked.raw_code)
        not_found = True
    return render(
        request,
        "feedback/complaint_track.html",
        {"form": form, "not_found": not_found, "code": request.GET.get("code", "")},
    )


@per_ip("complaint_track", limit=60)
def complaint_track_detail(request, code: str):
    tracked = selectors.complaint_tracking(code)
    if tracked is None:
        raise Http404
    form = RateForm(request.POST or None)
    if request.method == "POST" and tracked.can_rate and form.is_valid():
        from pintu.feedback.models import Complaint

        complaint = Complaint.objects.select_related("regency").get(tracking_code=tracked.raw_code)
        try:
            fs.complaint_rate(
                actor=request.user,
                complaint=complaint,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
                holds_code=True,
            )
        except PermissionDenied:
            messages.error(
                request, _("Masuk dengan akun yang Anda pakai saat mengadu untuk memberi penilaian.")
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Terima kasih, penilaian Anda tercatat."))
            return redirect("feedback:complaint_track_detail", code=tracked.raw_code)
    return render(request, "feedback/complaint_track_detail.html", {"tracked": tracked, "form": form})


def ikm_public(request):
    return render(request, "feedback/ikm_public.html", {"rows": selectors.published_summary()})


# --- complaints: office ---------------------------------------------------------------------------

TAB_LABELS = {
    "open": _("Perlu ditindaklanjuti"),
    "overdue": _("Lewat batas waktu"),
    "triage": _("Belum ada instansi"),
    "answered": _("Menunggu tanggapan pelapor"),
    "closed": _("Selesai/ditolak"),
}


def _handles_complaints(principal) -> bool:
    return bool(principal.units_with(*AGENCY_ROLES)) or principal.is_regency_admin


@staff_required
def office_complaints(request):
    principal = request.principal
    if not _handles_complaints(principal):
        raise DjangoPermissionDenied
    tab = request.GET.get("tab", "open")
    if tab not in selectors.QUEUE_TABS or (tab == "triage" and not principal.is_regency_admin):
        tab = "open"
    rows = selectors.complaint_queue(principal, tab=tab)
    counts = selectors.complaint_counts(principal)
    tabs = [
        (key, TAB_LABELS[key], counts.get(key))
        for key in selectors.QUEUE_TABS
        if key != "triage" or principal.is_regency_admin
    ]
    return render(
        request,
        "feedback/office_complaints.html",
        {
            "rows": rows,
            "tab": tab,
            "tabs": tabs,
            "today": timezone.localdate(),
            "counter": bool(principal.units_with(*COUNTER_ROLES)),
        },
    )


@staff_required
def office_complaint_new(request):
    """Counter intake: an officer records a complaint on a citizen's behalf."""
    principal = request.principal
    units = list(OrgUnit.objects.filter(pk__in=principal.units_with(*COUNTER_ROLES)).order_by("name"))
    if not units:
        raise DjangoPermissionDenied
    agencies = _agencies()
    form = ComplaintForm(
        request.POST or None,
        request.FILES or None,
        agencies=agencies,
        initial={"submission_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint, _created = fs.complaint_submit(
                actor=request.user,
                channel=ComplaintChannel.COUNTER,
                counter_unit=units[0],
                subject=data["subject"],
                description=data["description"],
                agency=next((a for a in agencies if a.pk == data["agency"]), None),
                incident_date=data["incident_date"],
                is_anonymous=data["is_anonymous"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                attachments=data["attachments"],
                submission_key=data["submission_key"] or None,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Pengaduan dicatat. Berikan kode %(code)s kepada pelapor.")
                % {"code": complaint.display_code},
            )
            return redirect("feedback:complaint_done", code=complaint.tracking_code)
    return render(request, "feedback/office_complaint_new.html", {"form": form, "unit": units[0]})


ACTION_MESSAGES = {
    ComplaintAction.ROUTE: _("Pengaduan diteruskan ke instansi."),
    ComplaintAction.TRANSFER: _("Pengaduan dialihkan ke instansi lain."),
    ComplaintAction.VERIFY: _("Pengaduan diverifikasi. Jawab paling lambat 5 hari kerja."),
    ComplaintAction.ANSWER: _("Jawaban terkirim kepada pelapor."),
    ComplaintAction.REJECT: _("Pengaduan ditolak dengan alasan tercatat."),
}


@staff_required
def office_complaint(request, code: str):
    principal = request.principal
    try:
        complaint = selectors.complaint_get_for(principal, code)
    except NotFound as exc:
        raise Http404 from exc
    attachments = list(ComplaintAttachment.objects.filter(complaint=complaint).select_related("upload"))
    return render(
        request,
        "feedback/office_complaint.html",
        {
            "complaint": complaint,
            "events": selectors.complaint_events(complaint),
            "actions": allowed_actions(principal, complaint),
            "show_reporter": can_see_reporter(principal, complaint),
            "attachments": attachments,
            "form": ActionForm(agencies=[a for a in _agencies() if a.pk != complaint.agency_id]),
            "today": timezone.localdate(),
            "action_labels": dict(ComplaintAction.choices),
        },
    )


@staff_required
@require_POST
def office_complaint_action(request, code: str, action: str):
    verb = fs.COMPLAINT_VERBS.get(action)
    if verb is None:
        raise Http404
    principal = request.principal
    try:
        complaint = selectors.complaint_get_for(principal, code)
    except NotFound as exc:
        raise Http404 from exc
    form = ActionForm(request.POST, agencies=_agencies())
    form.is_valid()
    data = form.cleaned_data
    kwargs = {
        "actor": request.user,
        "complaint": complaint,
        "request_key": request.POST.get("request_key") or None,
    }
    if action in (ComplaintAction.ROUTE, ComplaintAction.TRANSFER):
        kwargs["agency"] = data.get("agency")
    if action == ComplaintAction.REJECT:
        kwargs["reason"] = data.get("reason", "")
    kwargs["note"] = data.get("note", "")
    try:
        verb(**kwargs)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except DomainError as exc:
        detail = "; ".join(m for msgs in exc.fields.values() for m in msgs) if exc.fields else ""
        messages.error(request, f"{exc.message} {detail}".strip())
    else:
        messages.success(request, ACTION_MESSAGES[action])
    if action in (ComplaintAction.ROUTE, ComplaintAction.TRANSFER) and not can_view_complaint(
        principal_for(request.user), complaint
    ):
        return redirect("feedback:office_complaints")
    return redirect("feedback:office_complaint", code=complaint.tracking_code)


@staff_required
def office_attachment(request, code: str, attachment_id: int):
    try:
        complaint = selectors.complaint_get_for(request.principal, code)
    except NotFound as exc:
        raise Http404 from exc
    attachment = (
        ComplaintAttachment.objects.select_related("upload")
        .filter(pk=attachment_id, complaint=complaint)
        .first()
    )
    if attachment is None:
        raise Http404
    from django.http import FileResponse

    upload = attachment.upload
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- IKM report -----------------------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def _report_request(request):
    principal = request.principal
    if report_scope(principal) is None:
        raise DjangoPermissionDenied
    filters = selectors.Filters(
        period_id=_int(request.GET.get("periode")),
        agency_id=_int(request.GET.get("instansi")),
        service_id=_int(request.GET.get("layanan")),
        site_id=_int(request.GET.get("lokasi")),
    )
    try:
        report = selectors.ikm_report(principal, filters)
    except NotFound as exc:
        raise Http404 from exc
    scope = "Kabupaten"
    if filters.agency_id:
        scope = OrgUnit.objects.filter(pk=filters.agency_id).values_list("name", flat=True).first() or scope
    elif not principal.is_regency_admin:
        names = OrgUnit.objects.filter(pk__in=principal.unit_ids).values_list("name", flat=True)
        scope = ", ".join(names)
    return report, scope


@staff_required
def office_ikm(request):
    report, scope = _report_request(request)
    principal = request.principal
    if principal.is_regency_admin:
        agencies = _agencies()
        sites = list(OrgUnit.objects.filter(kind__in=["mpp_site"]).order_by("name"))
    else:
        agencies = list(OrgUnit.objects.filter(pk__in=principal.units_with(*AGENCY_ROLES)).order_by("name"))
        sites = list(OrgUnit.objects.filter(pk__in=principal.units_with(Role.SITE_MANAGER)).order_by("name"))
    services = Service.objects.filter(agency__in=agencies).order_by("name").only("id", "name")
    query = request.GET.urlencode()
    return render(
        request,
        "feedback/office_ikm.html",
        {
            "report": report,
            "scope": scope,
            "periods": SurveyPeriod.objects.order_by("-starts_on"),
            "agencies": agencies,
            "sites": sites,
            "services": services,
            "bars": charts.nrr_bars(report.result),
            "trend": charts.trend_line([(p.name, r) for p, r in report.trend]),
            "query": query,
        },
    )


@staff_required
def office_ikm_pdf(request):
    report, scope = _report_request(request)
    response = HttpResponse(exports.ikm_pdf(report, scope), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ikm-{report.period.code}.pdf"'
    return response


@staff_required
def office_ikm_xlsx(request):
    report, scope = _report_request(request)
    response = HttpResponse(
        exports.ikm_xlsx(report, scope),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ikm-{report.period.code}.xlsx"'
    return response


__all__ = ["ComplaintStatus"]
