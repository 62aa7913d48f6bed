"""The admin console's write machinery, and the regency's days off.

Every Pintu ModelAdmin that edits rows derives from :class:`ConsoleModelAdmin` (and its inlines
from :class:`ConsoleInline`). Django admin only parses and renders: a save calls the app's
service function through ``create_object`` / ``update_object`` / ``ConsoleInline.save_rows``,
never ``Model.save()`` or ``formset.save()``.

A service that refuses (``ValidationFailed``) rolls back the whole request — the admin runs a
POST inside one transaction — and the page is built again from the same POST with the
service's messages attached to the form, or to the inline rows they name, so nothing is saved
and nothing the user typed is lost.
"""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import InlineForeignKeyField, construct_instance
from django.utils.translation import gettext_lazy as _

from pintu.core.admin_site import RegencyAdminOnly, RegencyAdminReadOnly, is_regency_admin
from pintu.core.calendar import national_holiday_names
from pintu.core.errors import ValidationFailed
from pintu.core.models import DayOff
from pintu.core.services import day_off_add, day_off_remove

FORM_TARGET = "form"
_REJECTION_ATTR = "_pintu_admin_rejection"


class ServiceRejected(Exception):
    """A service refused the change; carries its error to the second rendering of the page."""

    def __init__(self, target: str, error: ValidationFailed):
        self.target = target
        self.error = error
        super().__init__(str(error))


@contextmanager
def rejected_as(target: str):
    try:
        yield
    except ValidationFailed as exc:
        raise ServiceRejected(target, exc) from exc


def _general_messages(error: ValidationFailed) -> list[str]:
    """The error's own message, unless it only repeats the generic 'check the marked fields'."""
    if error.fields and str(error.message) == str(ValidationFailed.default_message):
        return []
    return [str(error.message)]


def attach_errors(form, error: ValidationFailed, field_map: dict[str, str] | None = None) -> None:
    """Put a service's per-field messages on a bound, cleaned form; unknown fields go on top."""
    field_map = field_map or {}
    for message in _general_messages(error):
        form.add_error(None, message)
    for key, field_messages in error.fields.items():
        name = field_map.get(key, key)
        for message in field_messages:
            if name in form.fields:
                form.add_error(name, str(message))
            else:
                form.add_error(None, f"{key}: {message}")


def inline_target(model) -> str:
    return f"inline:{model._meta.label_lower}"


def live_forms(formset) -> list:
    """The formset's rows as they are to be saved: in ``position`` order (blank positions last,
    ties in page order), without rows marked for deletion or extra rows left untouched."""
    extra = {id(form) for form in formset.extra_forms}
    ordered = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if data.get(DELETION_FIELD_NAME):
            continue
        if id(form) in extra and not form.has_changed():
            continue
        position = data.get("position")
        ordered.append(((position is None, position or 0, index), form))
    return [form for _, form in sorted(ordered, key=lambda item: item[0])]


class CleanTextField(forms.CharField):
    """Text as it is stored: outer spaces trimmed, line ends LF (browsers send CRLF). A value
    that differs from the stored one only in that counts as unchanged."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return self.to_python(initial if initial is not None else "") != self.to_python(data)


class CleanTextMixin:
    """Plain text columns get :class:`CleanTextField`, so an untouched page saves nothing."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if type(db_field) in (models.CharField, models.TextField) and not db_field.choices:
            kwargs.setdefault("form_class", CleanTextField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def changed_values(form, names) -> dict:
    """The cleaned values of the fields among ``names`` that the user changed."""
    return {name: form.cleaned_data[name] for name in names if name in form.changed_data}


class ConsoleForm(forms.ModelForm):
    """Parses and type-checks input, and checks single-field uniqueness (``unique=True``).

    Rules across fields and rows — ``Meta.constraints`` such as one office per village or one
    active grant per user, role and unit — are the service's to check, with a message the user
    can act on; the database constraint stays the last guard.
    """

    def _post_clean(self):
        # ModelForm._post_clean without constraint validation.
        exclude = self._get_validation_exclusions()
        exclude.update(name for name, f in self.fields.items() if isinstance(f, InlineForeignKeyField))
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except DjangoValidationError as exc:
            self._update_errors(exc)
        try:
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            self._update_errors(exc)
        if self._validate_unique:
            self.validate_unique()


class ConsoleInlineForm(ConsoleForm):
    """Inline rows are checked by the service as a whole list; a row's uniqueness against the
    rows stored now (which the save replaces) says nothing, so it is not checked here."""

    def validate_unique(self):
        return None


class ConsoleModelAdmin(CleanTextMixin, RegencyAdminOnly, admin.ModelAdmin):
    """A regency-admin page whose writes all go through service functions.

    Subclasses implement ``create_object(request, form)`` and/or ``update_object(request, obj,
    form)``; each calls one service and returns the saved object. ``service_field_map`` maps a
    service's field names to form field names where they differ.
    """

    form = ConsoleForm
    service_field_map: dict[str, str] = {}

    # --- what subclasses provide -----------------------------------------------------------

    def create_object(self, request, form):
        raise PermissionDenied

    def update_object(self, request, obj, form):
        raise PermissionDenied

    def _has_hook(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(ConsoleModelAdmin, name)

    # No service hook, no add or change page: a subclass cannot fall back to Django's save.
    def has_add_permission(self, request, *args):
        return self._has_hook("create_object") and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._has_hook("update_object") and super().has_change_permission(request, obj)

    # --- the only write path ----------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRejected as rejection:
            # The transaction of the first attempt is rolled back; show the same POST again
            # with the service's messages attached (see get_form and ConsoleInline.get_formset).
            setattr(request, _REJECTION_ATTR, rejection)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        rejection = getattr(request, _REJECTION_ATTR, None)
        if rejection is None or rejection.target != FORM_TARGET:
            return form_class
        error, field_map = rejection.error, self.service_field_map

        def full_clean(form):
            form_class.full_clean(form)
            if form.is_bound:
                attach_errors(form, error, field_map)

        return type(form_class.__name__, (form_class,), {"full_clean": full_clean})

    def save_model(self, request, obj, form, change):
        with rejected_as(FORM_TARGET):
            saved = self.update_object(request, obj, form) if change else self.create_object(request, form)
        # The admin keeps using ``obj`` (messages, redirects, log): make it the saved row.
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "console_inline", None)
        if inline is None:
            raise ImproperlyConfigured(f"{type(self).__name__}: inlines must derive from ConsoleInline")
        # What the admin's change message reads (formset.save() would have set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not inline.has_change_permission(request, form.instance) or not formset.has_changed():
            return
        rows = [inline.row_from_form(row_form) for row_form in live_forms(formset)]
        with rejected_as(inline_target(inline.model)):
            inline.save_rows(request, form.instance, rows)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        changed = [str(fs.model._meta.verbose_name_plural) for fs in formsets if fs.has_changed()]
        if changed and not add:
            message.append({"changed": {"fields": changed}})
        return message

    def delete_model(self, request, obj):
        raise PermissionDenied

    def delete_queryset(self, request, queryset):
        raise PermissionDenied

    # --- helpers for actions and custom views -----------------------------------------------

    def message_error(self, request, error: ValidationFailed, prefix: str = "") -> None:
        parts = _general_messages(error)
        parts += [str(m) for msgs in error.fields.values() for m in msgs]
        self.message_user(request, f"{prefix}{' '.join(parts)}", level=messages.ERROR)


class ConsoleInline(CleanTextMixin, RegencyAdminOnly, admin.TabularInline):
    """Rows of a parent edited as one list: the formset's live rows (in order, minus deleted)
    go to one service call, ``save_rows``, which replaces the parent's rows.

    ``row_fields`` name the form fields copied into each row dict; ``error_prefix`` is the
    first part of the service's error keys (``steps.2.role`` -> ``steps``).
    """

    form = ConsoleInlineForm
    row_fields: tuple[str, ...] = ()
    error_prefix = ""
    extra = 1

    def save_rows(self, request, parent, rows: list[dict]) -> None:
        raise NotImplementedError

    def row_from_form(self, form) -> dict:
        return {name: form.cleaned_data.get(name) for name in self.row_fields}

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        attrs = {"console_inline": self, "validate_unique": lambda formset: None}
        rejection = getattr(request, _REJECTION_ATTR, None)
        if rejection is not None and rejection.target == inline_target(self.model):
            error, prefix = rejection.error, self.error_prefix

            def clean(formset):
                formset_class.clean(formset)
                rows = live_forms(formset)
                general = _general_messages(error)
                for key, field_messages in error.fields.items():
                    head, _, rest = key.partition(".")
                    index, _, field = rest.partition(".")
                    if head == prefix and index.isdigit() and int(index) < len(rows):
                        row = rows[int(index)]
                        name = field if field in row.fields else None
                        for message in field_messages:
                            row.add_error(name, str(message))
                    else:
                        general += [str(m) for m in field_messages]
                if general:
                    raise DjangoValidationError(general)

            attrs["clean"] = clean
        return type(formset_class.__name__, (formset_class,), attrs)


class DefaultedListFilter(admin.SimpleListFilter):
    """A list filter with a default choice (e.g. "active") instead of Django's "All"."""

    default_value = ""

    def value(self):
        return super().value() or self.default_value

    def choices(self, changelist):
        yield from list(super().choices(changelist))[1:]


# --- days off ----------------------------------------------------------------------------------


@admin.register(DayOff)
class DayOffAdmin(ConsoleModelAdmin):
    list_display = ["date", "name", "regency_code"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(regency_code=settings.PINTU_REGENCY_CODE)

    def get_readonly_fields(self, request, obj=None):
        return ["date", "name", "regency_code", "created_at"] if obj else []

    def get_fields(self, request, obj=None):
        return ["date", "name", "regency_code", "created_at"] if obj else ["date", "name"]

    def has_change_permission(self, request, obj=None):
        return False  # a day off is added or removed, never edited

    def has_delete_permission(self, request, obj=None):
        return is_regency_admin(request)

    def create_object(self, request, form):
        data = form.cleaned_data
        return day_off_add(actor=request.user, date=data["date"], name=data["name"])

    def response_add(self, request, obj, post_url_continue=None):
        if obj.date.weekday() >= 5 or obj.date in national_holiday_names(obj.date.year):
            self.message_user(
                request,
                _("Catatan: %(date)s sudah hari libur (akhir pekan atau libur nasional).")
                % {"date": f"{obj.date:%d-%m-%Y}"},
                level=messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj):
        day_off_remove(actor=request.user, day_off=obj)

    def delete_queryset(self, request, queryset):
        for day_off in queryset:
            day_off_remove(actor=request.user, day_off=day_off)


# --- background task rows: read-only for operators ------------------------------------------------

from django_tasks_db.models import DBTaskResult  # noqa: E402

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(RegencyAdminReadOnly, admin.ModelAdmin):
    list_display = ["task_path", "status", "queue_name", "enqueued_at", "finished_at", "worker_ids"]
    list_filter = ["status", "queue_name"]
    search_fields = ["task_path", "id"]
    show_full_result_count = False
