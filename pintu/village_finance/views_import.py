"""Pages of the Siskeudes import: upload a zip, watch the background job, download bad rows."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pintu.core.errors import DomainError
from pintu.core.forms import PintuForm, apply_errors
from pintu.office.views import staff_required
from pintu.village_finance import siskeudes_jobs
from pintu.village_finance.models import SiskeudesImportJob


class SiskeudesImportForm(PintuForm):
    village = forms.ChoiceField(label=_("Desa"))
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("Berkas .zip ekspor Siskeudes"),
        help_text=_(
            "Satu CSV per tabel Siskeudes (Ta_Kegiatan, Ta_RABRinci, Ta_SPP, Ta_TBP, Ta_Pajak, Ta_Mutasi, …). "
            "Maksimum %(mb)s MB. Impor ulang tidak membuat data ganda."
        )
        % {"mb": siskeudes_jobs.MAX_IMPORT_MB},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {v.code: v for v in villages}
        self.fields["village"].choices = [
            (v.code, f"{v.name} ({v.district.name})") for v in self.villages.values()
        ]


@staff_required
def import_page(request):
    villages = list(siskeudes_jobs.importable_villages(request.principal))
    if not villages:
        raise Http404
    initial = {
        "village": request.GET.get("desa") or villages[0].code,
        "year": request.GET.get("tahun") or timezone.localdate().year,
    }
    form = SiskeudesImportForm(
        request.POST or None, request.FILES or None, villages=villages, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = siskeudes_jobs.import_job_create(
                actor=request.user,
                village=form.villages[form.cleaned_data["village"]],
                year=form.cleaned_data["year"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            return redirect("village_finance:siskeudes_import_job", pk=job.pk)
    jobs = (
        SiskeudesImportJob.objects.filter(village__in=[v.pk for v in villages])
        .select_related("village")
        .order_by("-created_at")[:20]
    )
    return render(request, "village_finance/siskeudes_import.html", {"form": form, "jobs": jobs})


def _job(request, pk) -> SiskeudesImportJob:
    job = SiskeudesImportJob.objects.select_related("village").filter(pk=pk).first()
    if job is None or not siskeudes_jobs.can_see_job(request.principal, job):
        raise Http404
    return job


@staff_required
def import_job(request, pk):
    job = _job(request, pk)
    counts = sorted((job.counts or {}).items())
    context = {"job": job, "counts": counts, "errors": (job.errors or [])[:50]}
    if request.headers.get("HX-Request"):
        return render(request, "village_finance/_siskeudes_import_progress.html", context)
    return render(request, "village_finance/siskeudes_import_job.html", context)


@staff_required
def import_report(request, pk):
    job = _job(request, pk)
    response = HttpResponse(
        siskeudes_jobs.import_job_report(actor=request.user, job=job), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="laporan-impor-siskeudes-{job.pk}.csv"'
    return response
