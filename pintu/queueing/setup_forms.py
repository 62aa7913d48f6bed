"""Forms of the site manager's settings pages. They only shape input for one service call each;
the rules (prefix format, hour order, quota bounds…) live in the services and come back as
``ValidationFailed`` messages placed on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pintu.catalog.models import Service
from pintu.core.forms import PintuForm
from pintu.queueing.models import TicketCategory
from pintu.regions.constants import OrgUnitKind
from pintu.regions.models import OrgUnit

WEEKDAYS = (
    _("Senin"),
    _("Selasa"),
    _("Rabu"),
    _("Kamis"),
    _("Jumat"),
    _("Sabtu"),
    _("Minggu"),
)
SMALL = 32767  # PositiveSmallIntegerField's ceiling


def _time(label):
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class SiteSettingsForm(PintuForm):
    """Opening hours per weekday (from–to, both empty = closed) and the queue's numbers."""

    wait_target_minutes = forms.IntegerField(
        label=_("Target waktu tunggu (menit)"), min_value=1, max_value=SMALL
    )
    recall_limit = forms.IntegerField(
        label=_("Batas panggil ulang"),
        min_value=0,
        max_value=SMALL,
        help_text=_("Panggil ulang berikutnya menandai tidak hadir."),
    )
    late_window_minutes = forms.IntegerField(
        label=_("Toleransi terlambat (menit)"),
        min_value=0,
        max_value=SMALL,
        help_text=_("Berapa menit pemesan boleh terlambat dari sesinya."),
    )
    slot_minutes = forms.IntegerField(
        label=_("Lama sesi pesan (menit)"),
        min_value=0,
        max_value=SMALL,
        help_text=_("Antara 5 dan 240 menit."),
    )
    priority_groups = forms.CharField(
        label=_("Kelompok prioritas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Satu kelompok per baris, kode lalu titik dua lalu nama, misalnya: lansia: Lansia (60+)."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Lokasi aktif (kios, papan dan pesan daring terbuka)"), required=False
    )

    def __init__(self, *args, site=None, **kwargs):
        if site is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(site)
        super().__init__(*args, **kwargs)
        self.day_rows = []
        for day, name in enumerate(WEEKDAYS):
            self.fields[f"open_{day}"] = _time(_("%(day)s buka") % {"day": name})
            self.fields[f"close_{day}"] = _time(_("%(day)s tutup") % {"day": name})
        for day, name in enumerate(WEEKDAYS):
            self.day_rows.append((name, self[f"open_{day}"], self[f"close_{day}"]))

    @property
    def number_fields(self):
        return [
            self[n] for n in ("wait_target_minutes", "recall_limit", "late_window_minutes", "slot_minutes")
        ]

    @staticmethod
    def initial_for(site) -> dict:
        initial = {
            "wait_target_minutes": site.wait_target_minutes,
            "recall_limit": site.recall_limit,
            "late_window_minutes": site.late_window_minutes,
            "slot_minutes": site.slot_minutes,
            "is_active": site.is_active,
            "priority_groups": "\n".join(
                f"{g.get('code', '')}: {g.get('name', '')}" for g in site.priority_groups or []
            ),
        }
        for day, hours in (site.opening_hours or {}).items():
            if hours and len(hours) == 2:
                initial[f"open_{day}"], initial[f"close_{day}"] = hours
        return initial

    def clean(self):
        data = super().clean()
        hours = {}
        for day in range(7):
            start, end = data.get(f"open_{day}"), data.get(f"close_{day}")
            if f"open_{day}" in self.errors or f"close_{day}" in self.errors:
                continue
            if start and end:
                hours[str(day)] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
            elif start or end:
                missing = f"close_{day}" if start else f"open_{day}"
                self.add_error(missing, _("Isi jam buka dan jam tutup, atau kosongkan keduanya bila tutup."))
        data["opening_hours"] = hours
        return data

    def clean_priority_groups(self):
        groups = []
        for line in (self.cleaned_data.get("priority_groups") or "").splitlines():
            if not line.strip():
                continue
            code, _sep, name = line.partition(":")
            groups.append({"code": code.strip(), "name": name.strip()})
        return groups

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "opening_hours": data["opening_hours"],
            "wait_target_minutes": data["wait_target_minutes"],
            "recall_limit": data["recall_limit"],
            "late_window_minutes": data["late_window_minutes"],
            "slot_minutes": data["slot_minutes"],
            "priority_groups": data["priority_groups"],
            "is_active": data["is_active"],
        }


class CategoryForm(PintuForm):
    prefix = forms.CharField(
        label=_("Huruf awalan"),
        max_length=10,
        help_text=_("Satu atau dua huruf, misalnya A atau PB; tampil di depan nomor antrian."),
    )
    name = forms.CharField(label=_("Nama kategori"), max_length=120)
    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— tanpa instansi —"),
    )
    services = forms.MultipleChoiceField(
        label=_("Layanan (boleh dikosongkan)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Hanya layanan milik instansi yang dipilih. Tahan Ctrl (atau sentuh) untuk memilih beberapa."
        ),
    )
    position = forms.IntegerField(
        label=_("Urutan"),
        min_value=0,
        max_value=SMALL,
        initial=0,
        help_text=_("Kecil tampil lebih dulu di kios."),
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args, site, category: TicketCategory | None = None, **kwargs):
        if category is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "prefix": category.prefix,
                "name": category.name,
                "agency": category.agency_id,
                "services": [str(pk) for pk in category.services.values_list("pk", flat=True)],
                "position": category.position,
                "is_active": category.is_active,
            }
        super().__init__(*args, **kwargs)
        self.site, self.category = site, category
        regency_id = site.org_unit.regency_id
        self.fields["agency"].queryset = OrgUnit.objects.filter(
            kind=OrgUnitKind.AGENCY, regency_id=regency_id, is_active=True
        ).order_by("name")
        self._services = {
            str(s.pk): s
            for s in Service.objects.filter(
                agency__kind=OrgUnitKind.AGENCY, agency__regency_id=regency_id, is_active=True
            )
            .select_related("agency")
            .order_by("agency__name", "name")
        }
        grouped: dict[str, list] = {}
        for pk, service in self._services.items():
            grouped.setdefault(service.agency.name, []).append((pk, service.name))
        self.fields["services"].choices = list(grouped.items())
        if category is not None:  # the prefix is the category's key: a new prefix is a new category
            self.fields["prefix"].disabled = True
            self.fields["prefix"].help_text = _("Awalan tidak dapat diubah; buat kategori baru bila perlu.")

    def clean_prefix(self):
        prefix = (self.cleaned_data.get("prefix") or "").strip().upper()
        if self.category is None and TicketCategory.objects.filter(site=self.site, prefix=prefix).exists():
            raise forms.ValidationError(
                _(
                    "Awalan %(p)s sudah dipakai kategori lain; ubah kategori itu dari daftar atau pilih awalan lain."
                )
                % {"p": prefix}
            )
        return prefix

    def clean_services(self):
        return [self._services[pk] for pk in self.cleaned_data.get("services") or []]


class CounterForm(PintuForm):
    number = forms.IntegerField(label=_("Nomor loket"), min_value=1, max_value=SMALL)
    name = forms.CharField(
        label=_("Nama (boleh dikosongkan)"),
        max_length=120,
        required=False,
        help_text=_("Kosong: tampil sebagai “Loket <nomor>”."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Kategori yang dilayani"),
        queryset=TicketCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Kategori dengan urutan terkecil menjadi kategori utama loket; sisanya dibantu bila sepi."
        ),
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args, site, counter=None, **kwargs):
        if counter is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "number": counter.number,
                "name": counter.name,
                "categories": [c.pk for c in counter.categories.all()],
                "is_active": counter.is_active,
            }
        super().__init__(*args, **kwargs)
        self.site, self.counter = site, counter
        self.fields["categories"].queryset = TicketCategory.objects.filter(site=site).order_by(
            "position", "prefix"
        )
        if counter is not None:
            self.fields["number"].disabled = True
            self.fields["number"].help_text = _("Nomor loket tidak dapat diubah; buat loket baru bila perlu.")

    def clean_number(self):
        number = self.cleaned_data.get("number")
        if self.counter is None and self.site.counters.filter(number=number).exists():
            raise forms.ValidationError(
                _("Loket nomor %(n)s sudah ada; ubah loket itu dari daftar atau pilih nomor lain.")
                % {"n": number}
            )
        return number

    def ordered_categories(self) -> list:
        """The chosen categories, those the counter already served first in their old order."""
        chosen = list(self.cleaned_data.get("categories") or [])
        if self.counter is None:
            return chosen
        old = {c.pk: i for i, c in enumerate(self.counter.categories.order_by("countercategory__position"))}
        return sorted(chosen, key=lambda c: (c.pk not in old, old.get(c.pk, 0), c.position, c.prefix))


class ClosedDayForm(PintuForm):
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Alasan"), max_length=120, help_text=_("Tampil bagi warga, misalnya: Renovasi ruang tunggu.")
    )


class TimeslotsForm(PintuForm):
    date_from = forms.DateField(label=_("Dari tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Sampai tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    quota = forms.IntegerField(
        label=_("Kuota per sesi"), help_text=_("Jumlah pemesan per sesi, 1 sampai 500.")
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Kategori (kosong = semua kategori aktif)"),
        queryset=TicketCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = TicketCategory.objects.filter(
            site=site, is_active=True
        ).order_by("position", "prefix")
