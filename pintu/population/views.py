"""Pages of the population registry: office (/kantor/penduduk/), the citizen's own data
(/warga/data-saya/) and public aggregate statistics (/statistik/penduduk/<desa>/).

Views translate: they parse input, call one service or selector, render. Permissions come from
``policies`` (role × org unit); a refused write changes nothing because the service raises
before it writes."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.core.errors import DomainError, NotFound, ValidationFailed
from pintu.core.forms import apply_errors
from pintu.population import charts, forms, jobs, policies, selectors, services
from pintu.population.constants import ResidentStatus
from pintu.population.models import Family, ImportJob, Resident, ResidentLink
from pintu.regions.models import District, Village

PURPOSES = [
    _("Pelayanan surat"),
    _("Pemutakhiran data"),
    _("Verifikasi tautan akun warga"),
    _("Pelayanan permohonan"),
]


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


def _village(code: str) -> Village:
    village = Village.objects.select_related("district__regency").filter(code=code).first()
    if village is None:
        raise Http404
    return village


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def _record_villages(principal) -> list[Village]:
    ids = policies.record_village_ids(principal)
    return list(Village.objects.filter(pk__in=ids).select_related("district").order_by("name"))


def _ctx(request, village=None, **extra) -> dict:
    principal = request.principal
    can_edit = bool(village) and policies.can_edit(principal, village.pk)
    return {
        "village": village,
        "can_edit": can_edit,
        "can_view_log": bool(village) and policies.can_view_access_log(principal, village.pk),
        **extra,
    }


# --- entry --------------------------------------------------------------------------------------


@staff_required
def home(request):
    principal = request.principal
    villages = _record_villages(principal)
    if len(villages) == 1:
        return redirect("population:residents", code=villages[0].code)
    if villages:
        return render(request, "population/choose_village.html", {"villages": villages})
    if principal.is_regency_admin:
        return redirect("population:regency_statistics")
    district_units = principal.units_with(Role.DISTRICT_OFFICER)
    if district_units:
        district = District.objects.filter(org_units__pk__in=district_units).first()
        if district:
            return redirect("population:district_statistics", code=district.code)
    raise DjangoPermissionDenied


# --- residents ----------------------------------------------------------------------------------


@staff_required
def residents(request, code):
    village = _village(code)
    principal = request.principal
    _require(policies.can_view_list(principal, village.pk))
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", str(ResidentStatus.ALIVE))
    status_value = int(status) if status.isdigit() else None
    page = selectors.resident_list(
        principal=principal,
        village=village,
        query=query,
        status=status_value,
        cursor=request.GET.get("cursor", ""),
    )
    context = _ctx(
        request,
        village,
        page=page,
        query=query,
        status=status,
        statuses=[(str(v), label) for v, label in ResidentStatus.choices],
        pending_links=ResidentLink.objects.filter(resident__village=village, status="pending").count()
        if policies.can_edit(principal, village.pk)
        else 0,
    )
    if request.headers.get("HX-Request"):
        return render(request, "population/_resident_rows.html", context)
    return render(request, "population/residents.html", context)


@staff_required
def resident_detail(request, pk):
    principal = request.principal
    resident = Resident.objects.filter(pk=pk).only("village_id").first()
    if resident is None or not policies.can_view_record(principal, resident.village_id):
        raise Http404
    purpose = request.GET.get("keperluan", "").strip()
    if not purpose:
        return render(request, "population/purpose.html", {"resident_id": pk, "purposes": PURPOSES})
    resident = selectors.resident_get_for(principal=principal, resident_id=pk, purpose=purpose)
    village = resident.village
    context = _ctx(
        request,
        village,
        resident=resident,
        data=selectors.resident_letter_data(resident=resident),
        members=selectors.family_members(resident),
        events=list(resident.events.select_related("actor", "other_village").order_by("-recorded_at")[:20]),
        purpose=purpose,
    )
    return render(request, "population/resident_detail.html", context)


def _family_for(village, kk_number, hamlet, rw, rt, address, actor):
    kk = "".join(ch for ch in (kk_number or "") if ch.isdigit())
    if not kk:
        return None
    family = Family.objects.filter(kk_number=kk).first()
    if family is not None:
        if family.village_id != village.pk:
            raise ValidationFailed(
                _("Nomor KK ini terdaftar di desa lain."),
                fields={"kk_number": [_("Nomor KK terdaftar di desa lain.")]},
            )
        return family
    return services.family_create(
        actor=actor, village=village, kk_number=kk, hamlet=hamlet, rw=rw, rt=rt, address=address
    )


def _person_page(request, code, *, form_class, title, done_message, record, initial=None):
    """A page that records one person in a village (registration, pindah datang): the family
    card is found or created from the typed KK number, then ``record(village, data, family,
    hamlet, form)`` calls the one service; both in one transaction."""
    village = _village(code)
    _require(policies.can_edit(request.principal, village.pk))
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, hamlet = form.person_data(), form.cleaned_data["hamlet"]
        try:
            with transaction.atomic():
                kk = form.cleaned_data["kk_number"]
                family = _family_for(
                    village, kk, hamlet, data["rw"], data["rt"], data["address"], request.user
                )
                resident = record(village, data, family, hamlet or None, form)
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done_message % {"name": resident.full_name})
            return redirect(_detail_url(resident, _("Pemutakhiran data")))
    return render(request, "population/resident_form.html", _ctx(request, village, form=form, title=title))


@staff_required
def resident_new(request, code):
    def record(village, data, family, hamlet, form):
        return services.resident_register(
            actor=request.user,
            village=village,
            data=data,
            family=family,
            hamlet=hamlet,
            temporary_nik_if_missing=True,
        )

    return _person_page(
        request,
        code,
        form_class=forms.ResidentForm,
        title=_("Daftarkan penduduk"),
        done_message=_("Penduduk %(name)s terdaftar."),
        record=record,
    )


def _detail_url(resident, purpose: str) -> str:
    from urllib.parse import urlencode

    return reverse("population:resident", args=[resident.pk]) + "?" + urlencode({"keperluan": purpose})


def _load_for_edit(request, pk) -> Resident:
    resident = (
        Resident.objects.select_related("village__district__regency", "hamlet", "family")
        .filter(pk=pk)
        .first()
    )
    if resident is None or not policies.can_view_record(request.principal, resident.village_id):
        raise Http404
    _require(policies.can_edit(request.principal, resident.village_id))
    return resident


@staff_required
def resident_edit(request, pk):
    resident = _load_for_edit(request, pk)
    initial = {name: getattr(resident, name) for name in forms.ResidentForm.PERSON_FIELDS}
    initial["hamlet"] = resident.hamlet.name if resident.hamlet_id else ""
    form = forms.ResidentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_update(
                actor=request.user,
                resident=resident,
                data=form.person_data(),
                hamlet=form.cleaned_data["hamlet"] or None,
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Data penduduk diperbarui."))
            return redirect(_detail_url(resident, _("Pemutakhiran data")))
    return render(
        request,
        "population/resident_form.html",
        _ctx(request, resident.village, form=form, resident=resident, title=_("Perbaiki data penduduk")),
    )


EVENT_FORMS = {
    "kematian": (forms.DeathForm, _("Catat kematian")),
    "pindah-keluar": (forms.MoveOutForm, _("Catat pindah keluar (ke luar Pintu)")),
    "pindah-desa": (forms.TransferForm, _("Pindah ke desa lain di Pintu")),
    "hilang": (forms.DateNoteForm, _("Laporkan hilang")),
    "ditemukan": (forms.DateNoteForm, _("Catat ditemukan kembali")),
}


@staff_required
def resident_event(request, pk, kind):
    if kind not in EVENT_FORMS:
        raise Http404
    resident = _load_for_edit(request, pk)
    form_class, title = EVENT_FORMS[kind]
    kwargs = {}
    if kind == "pindah-desa":
        kwargs["villages"] = list(
            Village.objects.filter(
                district__regency_id=resident.village.district.regency_id, org_units__kind="village_office"
            )
            .exclude(pk=resident.village_id)
            .select_related("district")
            .order_by("name")
        )
    form = form_class(request.POST or None, initial={"date": timezone.localdate()}, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "kematian":
                services.resident_register_death(
                    actor=request.user,
                    resident=resident,
                    date=data["date"],
                    place=data["place"],
                    cause=data["cause"],
                )
            elif kind == "pindah-keluar":
                services.resident_move_out(
                    actor=request.user,
                    resident=resident,
                    date=data["date"],
                    scope=data["scope"],
                    destination=data["destination"],
                    reason=data["reason"],
                )
            elif kind == "pindah-desa":
                target = Village.objects.get(pk=data["to_village"])
                services.resident_transfer(
                    actor=request.user,
                    resident=resident,
                    to_village=target,
                    date=data["date"],
                    family=Family.objects.filter(kk_number=data["kk_number"], village=target).first(),
                    kk_number=data["kk_number"]
                    if not Family.objects.filter(kk_number=data["kk_number"]).exists()
                    else "",
                    hamlet=data["hamlet"] or None,
                    rw=data["rw"],
                    rt=data["rt"],
                    address=data["address"],
                    reason=data["reason"],
                )
            elif kind == "hilang":
                services.resident_report_lost(
                    actor=request.user, resident=resident, date=data["date"], note=data["note"]
                )
            else:
                services.resident_report_found(
                    actor=request.user, resident=resident, date=data["date"], note=data["note"]
                )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Peristiwa dicatat."))
            return redirect("population:residents", code=resident.village.code)
    return render(
        request,
        "population/event_form.html",
        _ctx(request, resident.village, form=form, resident=resident, title=title),
    )


# --- families -----------------------------------------------------------------------------------


@staff_required
def family_detail(request, kk):
    family = (
        Family.objects.select_related("village__district__regency", "hamlet", "head")
        .filter(kk_number=kk)
        .first()
    )
    if family is None or not policies.can_view_record(request.principal, family.village_id):
        raise Http404
    members = selectors.family_members(family)
    return render(
        request, "population/family.html", _ctx(request, family.village, family=family, members=members)
    )


@staff_required
def family_birth(request, kk):
    family = Family.objects.select_related("village", "head").filter(kk_number=kk).first()
    if family is None or not policies.can_view_record(request.principal, family.village_id):
        raise Http404
    _require(policies.can_edit(request.principal, family.village_id))
    members = [m for m in selectors.family_members(family) if m.status == ResidentStatus.ALIVE]
    form = forms.BirthForm(
        request.POST or None, members=members, initial={"birth_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        by_id = {m.pk: m for m in members}
        mother, father = by_id.get(data.pop("mother")), by_id.get(data.pop("father"))
        try:
            baby = services.resident_register_birth(
                actor=request.user, family=family, data=data, mother=mother, father=father
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Kelahiran %(name)s dicatat (NIK sementara %(nik)s).")
                % {"name": baby.full_name, "nik": baby.nik},
            )
            return redirect("population:family", kk=family.kk_number)
    return render(
        request,
        "population/event_form.html",
        _ctx(request, family.village, form=form, family=family, title=_("Catat kelahiran")),
    )


@staff_required
def resident_move_in(request, code):
    """Pindah datang from outside the regency's Pintu villages (a move between two Pintu villages
    is a transfer, recorded from the resident's page in the village they leave)."""

    def record(village, data, family, hamlet, form):
        return services.resident_move_in(
            actor=request.user,
            village=village,
            data=data,
            date=form.cleaned_data["date"],
            origin=form.cleaned_data["origin"],
            family=family,
            hamlet=hamlet,
        )

    return _person_page(
        request,
        code,
        form_class=forms.MoveInForm,
        title=_("Catat pindah datang"),
        done_message=_("Kedatangan %(name)s dicatat."),
        record=record,
        initial={"date": timezone.localdate()},
    )


@staff_required
def family_split(request, kk):
    family = Family.objects.select_related("village", "hamlet", "head").filter(kk_number=kk).first()
    if family is None or not policies.can_view_record(request.principal, family.village_id):
        raise Http404
    _require(policies.can_edit(request.principal, family.village_id))
    members = [m for m in selectors.family_members(family) if m.status == ResidentStatus.ALIVE]
    form = forms.FamilySplitForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        by_id = {str(m.pk): m for m in members}
        try:
            new = services.family_split(
                actor=request.user,
                family=family,
                members=[by_id[pk] for pk in form.cleaned_data["members"]],
                head=by_id[form.cleaned_data["head"]],
                kk_number="".join(ch for ch in form.cleaned_data["kk_number"] if ch.isdigit()),
                rw=form.cleaned_data["rw"],
                rt=form.cleaned_data["rt"],
                address=form.cleaned_data["address"],
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("KK baru %(kk)s dibuat.") % {"kk": new.kk_number})
            return redirect("population:family", kk=new.kk_number)
    return render(
        request,
        "population/event_form.html",
        _ctx(request, family.village, form=form, family=family, title=_("Pecah KK")),
    )


# --- import / export ----------------------------------------------------------------------------


@staff_required
def import_page(request, code):
    village = _village(code)
    _require(policies.can_edit(request.principal, village.pk))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.import_job_create(
                actor=request.user, village=village, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            return redirect("population:import_job", pk=job.pk)
    return render(
        request,
        "population/import.html",
        _ctx(request, village, form=form, jobs=selectors.import_jobs(village=village)),
    )


def _job(request, pk) -> ImportJob:
    job = ImportJob.objects.select_related("village").filter(pk=pk).first()
    if job is None or not policies.can_edit(request.principal, job.village_id):
        raise Http404
    return job


@staff_required
def import_job(request, pk):
    job = _job(request, pk)
    context = _ctx(request, job.village, job=job, errors=list(job.errors.all()[:20]))
    if request.headers.get("HX-Request"):
        return render(request, "population/_import_progress.html", context)
    return render(request, "population/import_job.html", context)


@staff_required
def import_report(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    job = _job(request, pk)
    content, content_type = jobs.import_job_report(actor=request.user, job=job, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="laporan-impor-{job.pk}.{fmt}"'
    return response


@staff_required
def import_template(request):
    response = HttpResponse(
        jobs.import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-impor-penduduk.xlsx"'
    return response


@staff_required
@require_POST
def export(request, code, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    village = _village(code)
    _require(policies.can_edit(request.principal, village.pk))
    content, content_type, _count = jobs.residents_export(actor=request.user, village=village, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="penduduk-{village.code}-{stamp}.{fmt}"'
    return response


# --- links and access log --------------------------------------------------------------------------


@staff_required
def links(request, code):
    village = _village(code)
    _require(policies.can_edit(request.principal, village.pk))
    pending = selectors.pending_links(principal=request.principal, village=village)
    return render(
        request,
        "population/links.html",
        _ctx(request, village, links=pending, reject_form=forms.RejectForm()),
    )


@staff_required
@require_POST
def link_decide(request, pk, decision):
    link = ResidentLink.objects.select_related("resident__village").filter(pk=pk).first()
    if link is None or not policies.can_edit(request.principal, link.resident.village_id):
        raise Http404
    try:
        if decision == "verifikasi":
            services.resident_link_verify(actor=request.user, link=link)
            messages.success(request, _("Akun warga ditautkan ke data penduduk."))
        else:
            services.resident_link_reject(
                actor=request.user, link=link, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Permintaan tautan ditolak."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("population:links", code=link.resident.village.code)


@staff_required
def access_log(request, code):
    village = _village(code)
    _require(policies.can_view_access_log(request.principal, village.pk))
    entries = selectors.access_log(principal=request.principal, village=village)
    return render(request, "population/access_log.html", _ctx(request, village, entries=entries))


# --- statistics ---------------------------------------------------------------------------------


def _chart_context(statistics) -> dict:
    dims = statistics.dimensions
    return {
        "stats": statistics,
        "pyramid_svg": charts.pyramid(
            statistics.pyramid,
            title=_("Piramida penduduk menurut umur"),
            male_label=_("Laki-laki"),
            female_label=_("Perempuan"),
        ),
        "education_svg": charts.bars(dims["education"], title=_("Pendidikan")),
        "occupation_svg": charts.bars(dims["occupation"], title=_("Pekerjaan (10 terbanyak)")),
        "religion_svg": charts.bars(dims["religion"], title=_("Agama")),
        "marital_svg": charts.bars(dims["marital"], title=_("Status perkawinan")),
        "monthly_svg": charts.months(
            statistics.monthly,
            title=_("Perubahan penduduk per bulan"),
            series=[
                ("births", _("Lahir"), "#2e7d32"),
                ("deaths", _("Mati"), "#455a64"),
                ("moved_in", _("Datang"), "#1565c0"),
                ("moved_out", _("Pindah"), "#ef6c00"),
            ],
        ),
    }


@staff_required
def village_statistics(request, code):
    village = _village(code)
    _require(policies.can_view_statistics(request.principal, village.pk))
    statistics = selectors.statistics_for([village.pk])
    return render(
        request,
        "population/statistics.html",
        _ctx(request, village, scope_name=str(village), **_chart_context(statistics)),
    )


@staff_required
def district_statistics(request, code):
    district = District.objects.select_related("regency").filter(code=code).first()
    if district is None:
        raise Http404
    allowed = policies.statistics_village_ids(request.principal)
    villages = list(Village.objects.filter(district=district).order_by("name"))
    _require(bool(villages) and all(v.pk in allowed for v in villages))
    ids = [v.pk for v in villages]
    per_village = selectors.statistics_per_village(ids)
    rows = [(v, per_village.get(v.pk, 0)) for v in villages]
    return render(
        request,
        "population/statistics.html",
        _ctx(
            request,
            None,
            scope_name=_("Kecamatan %(name)s") % {"name": district.name},
            village_rows=rows,
            **_chart_context(selectors.statistics_for(ids)),
        ),
    )


@staff_required
def regency_statistics(request):
    _require(request.principal.is_regency_admin)
    ids = sorted(
        policies.masked_village_ids(request.principal) | policies.record_village_ids(request.principal)
    )
    per_village = selectors.statistics_per_village(ids)
    districts: dict = {}
    for village in Village.objects.filter(pk__in=ids).select_related("district"):
        entry = districts.setdefault(village.district, 0)
        districts[village.district] = entry + per_village.get(village.pk, 0)
    district_rows = sorted(districts.items(), key=lambda item: item[0].name)
    return render(
        request,
        "population/statistics.html",
        _ctx(
            request,
            None,
            scope_name=_("Kabupaten"),
            district_rows=district_rows,
            **_chart_context(selectors.statistics_for(ids)),
        ),
    )


def public_statistics(request, code):
    """Aggregates only: no names, no NIK, no addresses."""
    village = _village(code)
    statistics = selectors.statistics_for([village.pk])
    return render(
        request,
        "population/public_statistics.html",
        {"village": village, "public": True, **_chart_context(statistics)},
    )


# --- the citizen's own data ---------------------------------------------------------------------


@login_required
def my_data(request):
    principal = principal_for(request.user)
    if not principal.is_citizen:
        raise DjangoPermissionDenied
    resident = selectors.linked_resident_for(request.user)
    form = forms.LinkRequestForm(request.POST or None)
    if request.method == "POST" and resident is None and form.is_valid():
        try:
            services.resident_link_request(
                actor=request.user,
                nik=form.cleaned_data["nik"],
                kk_number=form.cleaned_data["kk_number"],
                birth_date=form.cleaned_data["birth_date"],
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Permintaan terkirim. Kantor desa akan memverifikasinya."))
            return redirect("population:my_data")
    context = {
        "resident": resident,
        "data": selectors.resident_letter_data(resident=resident) if resident else None,
        "links": selectors.links_of_user(request.user),
        "form": form,
    }
    return render(request, "population/my_data.html", context)


def not_found(_request, *args, **kwargs):
    raise NotFound
