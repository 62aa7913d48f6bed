from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from pintu.accounts.constants import Role
from pintu.catalog.constants import CATEGORIES, STEP_ROLES_BY_OWNER, FileFormat, VersionStatus
from pintu.catalog.models import (
    DocumentRequirement,
    DocumentType,
    FormField,
    Service,
    ServiceVersion,
    WorkflowStep,
)
from pintu.catalog.services import (
    STANDARD_FIELDS,
    document_type_upsert,
    service_create,
    service_draft_set_documents,
    service_draft_set_form_fields,
    service_draft_set_steps,
    service_draft_start,
    service_draft_update,
    service_update,
    service_version_problems,
    service_version_publish,
)
from pintu.core.admin import (
    CleanTextField,
    ConsoleForm,
    ConsoleInline,
    ConsoleInlineForm,
    ConsoleModelAdmin,
    changed_values,
)
from pintu.core.admin_site import is_regency_admin
from pintu.core.errors import ValidationFailed
from pintu.regions.constants import OrgUnitKind
from pintu.regions.models import OrgUnit


def _day(value) -> str:
    return date_format(timezone.localtime(value), "j M Y H:i") if value else "—"


def _upper_code(value: str) -> str:
    return (value or "").strip().upper()


# --- document types ----------------------------------------------------------------------------


class DocumentTypeForm(ConsoleForm):
    formats = forms.MultipleChoiceField(
        label=_("format yang diterima"), choices=FileFormat.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = DocumentType
        fields = ["code", "name", "formats", "max_mb"]

    def clean_code(self):
        return _upper_code(self.cleaned_data["code"])


@admin.register(DocumentType)
class DocumentTypeAdmin(ConsoleModelAdmin):
    form = DocumentTypeForm
    list_display = ["code", "name", "formats_display", "max_mb"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    @admin.display(description=_("format"))
    def formats_display(self, obj):
        return ", ".join(obj.formats)

    def _upsert(self, request, code, form):
        data = form.cleaned_data
        return document_type_upsert(
            actor=request.user, code=code, name=data["name"], formats=data["formats"], max_mb=data["max_mb"]
        )

    def create_object(self, request, form):
        return self._upsert(request, form.cleaned_data["code"], form)

    def update_object(self, request, obj, form):
        return self._upsert(request, obj.code, form)


# --- services ----------------------------------------------------------------------------------

SERVICE_ADD_FIELDS = ["code", "agency", "name", "category", "summary", "keywords"]
SERVICE_UPDATE_FIELDS = ["agency", "name", "category", "summary", "keywords", "is_active"]


class ServiceForm(ConsoleForm):
    category = forms.ChoiceField(label=_("kategori"), choices=[(c, c) for c in CATEGORIES])

    class Meta:
        model = Service
        fields = ["code", *SERVICE_UPDATE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.category
        if "category" in self.fields and current and current not in CATEGORIES:
            self.fields["category"].choices = [(current, current), *self.fields["category"].choices]

    def clean_code(self):
        return _upper_code(self.cleaned_data["code"])


@admin.register(Service)
class ServiceAdmin(ConsoleModelAdmin):
    form = ServiceForm
    list_display = [
        "code",
        "name",
        "agency",
        "category",
        "published_number",
        "starts_at_village",
        "is_active",
    ]
    list_filter = ["category", "is_active", "starts_at_village", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "keywords"]
    list_select_related = ["agency", "published_version"]
    actions = ["start_drafts"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return SERVICE_ADD_FIELDS
        return ["code", *SERVICE_UPDATE_FIELDS, "starts_at_village", "published_number", "versions_table"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "starts_at_village", "published_number", "versions_table"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = OrgUnit.objects.filter(kind=OrgUnitKind.AGENCY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_object(self, request, form):
        data = form.cleaned_data
        return service_create(actor=request.user, **{k: data[k] for k in SERVICE_ADD_FIELDS})

    def update_object(self, request, obj, form):
        return service_update(actor=request.user, service=obj, **changed_values(form, SERVICE_UPDATE_FIELDS))

    def response_add(self, request, obj, post_url_continue=None):
        draft = obj.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is None or "_addanother" in request.POST or IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            _(
                "Layanan “%(name)s” dibuat. Lengkapi draf v1 (Standar Pelayanan, formulir, dokumen, "
                "alur) lalu terbitkan."
            )
            % {"name": obj.name},
            level=messages.SUCCESS,
        )
        return redirect("admin:catalog_serviceversion_change", draft.pk)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:  # the "Buat draf baru" / "Buka draf" button
            context["current_draft"] = obj.versions.filter(status=VersionStatus.DRAFT).first()
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("versi terbit"), ordering="published_version__number")
    def published_number(self, obj):
        return f"v{obj.published_version.number}" if obj.published_version_id else "—"

    @admin.display(description=_("versi"))
    def versions_table(self, obj):
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">v{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:catalog_serviceversion_change", args=[v.pk]),
                    v.number,
                    v.get_status_display(),
                    _day(v.created_at),
                    _day(v.published_at),
                )
                for v in obj.versions.order_by("-number")
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Versi"),
            _("Status"),
            _("Dibuat"),
            _("Terbit"),
            rows,
        )

    # --- "Buat draf baru" ---------------------------------------------------------------------

    def _start_draft(self, request, service) -> ServiceVersion:
        existing = service.versions.filter(status=VersionStatus.DRAFT).first()
        draft = service_draft_start(actor=request.user, service=service)
        if existing is not None:
            message = _("%(service)s sudah punya draf v%(number)d; lanjutkan draf itu.")
        else:
            message = _("Draf v%(number)d %(service)s dibuat dari versi terbaru.")
        self.message_user(request, message % {"service": service, "number": draft.number}, messages.SUCCESS)
        return draft

    @admin.action(description=_("Buat draf baru"))
    def start_drafts(self, request, queryset):
        drafts = [self._start_draft(request, service) for service in queryset]
        if len(drafts) == 1:
            return redirect("admin:catalog_serviceversion_change", drafts[0].pk)
        return None

    def get_urls(self):
        return [
            path(
                "<path:object_id>/draft/",
                self.admin_site.admin_view(self.draft_view),
                name="catalog_service_draft",
            ),
            *super().get_urls(),
        ]

    def draft_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        service = self.get_object(request, unquote(object_id))
        if service is None:
            raise Http404
        draft = self._start_draft(request, service)
        return redirect("admin:catalog_serviceversion_change", draft.pk)


# --- service versions: the draft editor --------------------------------------------------------


class DraftInline(ConsoleInline):
    """Rows of a draft; a published or retired version shows them read-only."""

    def _editable(self, request, obj) -> bool:
        return obj is not None and obj.is_draft and is_regency_admin(request)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class PositionedForm(ConsoleInlineForm):
    """``position`` only orders the rows; the service numbers them 1..n. Blank goes last."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields["position"].required = False
            self.fields["position"].widget.attrs.setdefault("style", "width:4em")


class FormFieldForm(PositionedForm):
    choices = CleanTextField(
        label=_("pilihan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
        help_text=_("Untuk isian pilihan: satu pilihan per baris."),
    )

    class Meta:
        model = FormField
        fields = ["position", "key", "label", "kind", "required", "help_text", "choices", "max_length"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.initial.get("choices"), list):
            self.initial["choices"] = "\n".join(str(c) for c in self.initial["choices"])

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class FormFieldInline(DraftInline):
    model = FormField
    form = FormFieldForm
    fields = ["position", "key", "label", "kind", "required", "help_text", "choices", "max_length"]
    row_fields = ("key", "label", "kind", "required", "help_text", "choices", "max_length")
    error_prefix = "form_fields"

    def save_rows(self, request, parent, rows):
        service_draft_set_form_fields(actor=request.user, version=parent, fields=rows)


class DocumentRequirementInline(DraftInline):
    model = DocumentRequirement
    form = PositionedForm
    fields = ["position", "document_type", "required", "note"]
    row_fields = ("document_type", "required", "note")
    error_prefix = "documents"

    def save_rows(self, request, parent, rows):
        service_draft_set_documents(actor=request.user, version=parent, documents=rows)


STEP_ROLES = sorted(set().union(*STEP_ROLES_BY_OWNER.values()), key=Role.values.index)


class WorkflowStepForm(PositionedForm):
    role = forms.ChoiceField(label=_("peran pelaksana"), choices=[(r, Role(r).label) for r in STEP_ROLES])

    class Meta:
        model = WorkflowStep
        fields = ["position", "name", "owner", "role", "kind", "sla_days"]


class WorkflowStepInline(DraftInline):
    model = WorkflowStep
    form = WorkflowStepForm
    fields = ["position", "name", "owner", "role", "kind", "sla_days"]
    row_fields = ("name", "owner", "role", "kind", "sla_days")
    error_prefix = "steps"

    def save_rows(self, request, parent, rows):
        service_draft_set_steps(actor=request.user, version=parent, steps=rows)


@admin.register(ServiceVersion)
class ServiceVersionAdmin(ConsoleModelAdmin):
    """A draft is edited here and published; a published or retired version is read-only."""

    list_display = ["service", "number", "status", "created_at", "published_at"]
    list_filter = ["status", "service__category"]
    search_fields = ["service__code", "service__name"]
    list_select_related = ["service"]
    inlines = [FormFieldInline, DocumentRequirementInline, WorkflowStepInline]
    actions = ["publish_versions"]
    HEADER_READONLY = ["service_link", "number", "status", "publish_problems", "published_at", "published_by"]

    def has_add_permission(self, request, *args):
        return False  # versions come from "Buat draf baru" on the service

    def has_change_permission(self, request, obj=None):
        return is_regency_admin(request) and (obj is None or obj.is_draft)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.is_draft:
            header = ["service_link", "number", "status", "publish_problems"]
        else:
            header = ["service_link", "number", "status", "published_at", "published_by"]
        return [(None, {"fields": header}), (_("Standar Pelayanan"), {"fields": list(STANDARD_FIELDS)})]

    def get_readonly_fields(self, request, obj=None):
        return self.HEADER_READONLY

    def update_object(self, request, obj, form):
        return service_draft_update(actor=request.user, version=obj, **changed_values(form, STANDARD_FIELDS))

    @admin.display(description=_("layanan"))
    def service_link(self, obj):
        url = reverse("admin:catalog_service_change", args=[obj.service_id])
        return format_html('<a href="{}">{} — {}</a>', url, obj.service.code, obj.service.name)

    @admin.display(description=_("yang menghambat penerbitan"))
    def publish_problems(self, obj):
        problems = [m for msgs in service_version_problems(obj).values() for m in msgs]
        if not problems:
            return _("Tidak ada — draf siap diterbitkan.")
        return format_html(
            '<ul class="errorlist" style="margin-left:0">{}</ul>',
            format_html_join("", "<li>{}</li>", ((m,) for m in problems)),
        )

    # --- "Terbitkan" ---------------------------------------------------------------------------

    def _publish(self, request, version, prefix="") -> bool:
        try:
            service_version_publish(actor=request.user, version=version)
        except ValidationFailed as exc:
            self.message_error(request, exc, prefix=prefix)
            return False
        self.message_user(
            request,
            _("%(service)s v%(number)d diterbitkan; permohonan baru memakai versi ini.")
            % {"service": version.service, "number": version.number},
            messages.SUCCESS,
        )
        return True

    def response_change(self, request, obj):
        if "_publish" not in request.POST:
            return super().response_change(request, obj)
        self._publish(request, obj, prefix=str(_("Perubahan disimpan, tetapi belum terbit: ")))
        return redirect("admin:catalog_serviceversion_change", obj.pk)

    @admin.action(description=_("Terbitkan draf terpilih"))
    def publish_versions(self, request, queryset):
        for version in queryset.select_related("service"):
            if not version.is_draft:
                self.message_user(
                    request, _("%(version)s bukan draf; dilewati.") % {"version": version}, messages.WARNING
                )
                continue
            self._publish(request, version, prefix=f"{version}: ")
