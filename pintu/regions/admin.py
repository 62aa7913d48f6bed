from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pintu.core.admin import ConsoleModelAdmin, changed_values
from pintu.core.admin_site import RegencyAdminOnly
from pintu.core.errors import ValidationFailed
from pintu.regions.models import District, OrgUnit, Province, Regency, Village
from pintu.regions.services import org_unit_create, org_unit_update


def deployment_regency() -> Regency | None:
    return Regency.objects.filter(code=settings.PINTU_REGENCY_CODE).first()


# --- reference regions: browse and search only --------------------------------------------------


class ReferenceAdmin(RegencyAdminOnly, admin.ModelAdmin):
    """Kemendagri reference data: loaded by ``manage.py load_regions``, never edited here."""

    search_fields = ["^code", "name"]
    show_full_result_count = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin):
    list_display = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]


@admin.register(District)
class DistrictAdmin(ReferenceAdmin):
    list_display = ["code", "name", "regency"]
    list_select_related = ["regency"]


@admin.register(Village)
class VillageAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind"]
    list_select_related = ["district"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "orgunit":  # autocomplete on the org unit form
            queryset = queryset.filter(district__regency__code=settings.PINTU_REGENCY_CODE)
        return queryset, may_have_duplicates


# --- org units ---------------------------------------------------------------------------------

ORG_UNIT_CREATE_FIELDS = [
    "kind",
    "code",
    "name",
    "short_name",
    "district",
    "village",
    "parent",
    "agency_kind",
    "address",
    "phone",
    "email",
    "website",
    "is_active",
]
ORG_UNIT_FIXED_FIELDS = ["kind", "code", "regency", "district", "village"]
# What org_unit_update accepts: kind, code and the region the unit serves are fixed at creation.
ORG_UNIT_UPDATE_FIELDS = [f for f in ORG_UNIT_CREATE_FIELDS if f not in ORG_UNIT_FIXED_FIELDS]


@admin.register(OrgUnit)
class OrgUnitAdmin(ConsoleModelAdmin):
    list_display = ["kind", "code", "name", "district", "is_active"]
    list_filter = ["kind", "is_active", "agency_kind"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["district"]
    autocomplete_fields = ["district", "village", "parent"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ORG_UNIT_CREATE_FIELDS
        return [*ORG_UNIT_FIXED_FIELDS, *ORG_UNIT_UPDATE_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return ORG_UNIT_FIXED_FIELDS if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only regions and units of the regency this deployment serves can be chosen.
        code = settings.PINTU_REGENCY_CODE
        if db_field.name == "district":
            kwargs["queryset"] = District.objects.filter(regency__code=code)
        elif db_field.name == "village":
            kwargs["queryset"] = Village.objects.filter(district__regency__code=code)
        elif db_field.name == "parent":
            kwargs["queryset"] = OrgUnit.objects.filter(regency__code=code)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and "district" in form.base_fields:
            form.base_fields["district"].help_text = _(
                "Wajib untuk kantor kecamatan; untuk kantor desa diisi otomatis dari desanya."
            )
        return form

    def create_object(self, request, form):
        regency = deployment_regency()
        if regency is None:
            raise ValidationFailed(
                f"Kabupaten {settings.PINTU_REGENCY_CODE} belum dimuat. Jalankan manage.py load_regions."
            )
        data = dict(form.cleaned_data)
        extra = {k: data[k] for k in ORG_UNIT_CREATE_FIELDS if k not in ("kind", "code", "name")}
        if extra.get("village") is None:
            extra.pop("village")
        if extra.get("district") is None:
            extra.pop("district")  # a village office takes its village's district
        return org_unit_create(
            actor=request.user,
            kind=data["kind"],
            code=data["code"].strip(),
            name=data["name"],
            regency=regency,
            **extra,
        )

    def update_object(self, request, obj, form):
        return org_unit_update(actor=request.user, unit=obj, **changed_values(form, ORG_UNIT_UPDATE_FIELDS))
