from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from pintu.accounts.constants import AccountType
from pintu.accounts.models import ApiToken, RoleAssignment, User
from pintu.accounts.services import (
    USER_UPDATE_FIELDS,
    api_token_create,
    api_token_revoke,
    role_assign,
    role_revoke,
    staff_user_create,
    totp_remove,
    user_update,
)
from pintu.core.admin import ConsoleForm, ConsoleModelAdmin, DefaultedListFilter, changed_values
from pintu.regions.models import OrgUnit

STAFF_ACCOUNT_TYPES = (AccountType.STAFF, AccountType.SYSTEM)


def _staff_users():
    return User.objects.filter(account_type__in=STAFF_ACCOUNT_TYPES, is_active=True)


def _day(value) -> str:
    return date_format(timezone.localtime(value), "j M Y") if value else "—"


# --- users -------------------------------------------------------------------------------------


class UserAddForm(ConsoleForm):
    initial_password = forms.CharField(
        label=_("kata sandi awal"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Boleh dikosongkan: akun tanpa kata sandi tidak dapat masuk sampai kata sandinya diatur."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "account_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "account_type" in self.fields:
            self.fields["account_type"].choices = [
                (value, label) for value, label in AccountType.choices if value in STAFF_ACCOUNT_TYPES
            ]
            if self.initial.get("account_type") not in STAFF_ACCOUNT_TYPES:
                self.initial["account_type"] = AccountType.STAFF


@admin.register(User)
class UserAdmin(ConsoleModelAdmin):
    """Staff and system accounts. Citizens' own accounts are not listed here."""

    add_form = UserAddForm
    list_display = [
        "username",
        "full_name",
        "account_type",
        "email",
        "roles_summary",
        "is_active",
        "last_login",
    ]
    list_filter = ["account_type", "is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    actions = ["remove_totp"]
    service_field_map = {"password": "initial_password"}

    def get_queryset(self, request):
        active = (
            RoleAssignment.objects.filter(revoked_at__isnull=True)
            .select_related("org_unit")
            .order_by("granted_at", "pk")
        )
        return (
            super()
            .get_queryset(request)
            .filter(account_type__in=STAFF_ACCOUNT_TYPES)
            .prefetch_related(Prefetch("role_assignments", queryset=active, to_attr="active_roles"))
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (None, {"fields": ["username", "full_name", "email", "account_type", "initial_password"]})
            ]
        return [
            (None, {"fields": ["username", "account_type", "full_name", "email", "phone", "is_active"]}),
            (_("Peran aktif"), {"fields": ["role_table"]}),
            (_("Keamanan"), {"fields": ["totp_status", "last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["username", "account_type", "role_table", "totp_status", "last_login", "date_joined"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change, **kwargs)

    def create_object(self, request, form):
        data = form.cleaned_data
        return staff_user_create(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            password=data["initial_password"] or None,
            account_type=data["account_type"],
        )

    def update_object(self, request, obj, form):
        return user_update(actor=request.user, user=obj, **changed_values(form, USER_UPDATE_FIELDS))

    @admin.display(description=_("peran aktif"))
    def roles_summary(self, obj):
        return (
            ", ".join(f"{r.get_role_display()} @ {r.org_unit.display_name}" for r in obj.active_roles) or "—"
        )

    @admin.display(description=_("peran aktif"))
    def role_table(self, obj):
        add_url = f"{reverse('admin:accounts_roleassignment_add')}?user={obj.pk}"
        back = reverse("admin:accounts_user_change", args=[obj.pk])
        rows = format_html_join(
            "",
            '<li>{} — {} <small>(sejak {})</small> · <a href="{}?next={}">Cabut</a></li>',
            (
                (
                    r.get_role_display(),
                    r.org_unit,
                    _day(r.granted_at),
                    reverse("admin:accounts_roleassignment_revoke", args=[r.pk]),
                    back,
                )
                for r in obj.active_roles
            ),
        )
        if not obj.active_roles:
            rows = format_html("<li>{}</li>", _("Belum ada peran."))
        return format_html(
            '<ul style="margin-left:0">{}</ul><p><a href="{}">{}</a></p>', rows, add_url, _("Beri peran")
        )

    @admin.display(description=_("autentikator TOTP"))
    def totp_status(self, obj):
        return _("Terdaftar") if user_has_device(obj, confirmed=True) else _("Belum ada")

    @admin.action(description=_("Hapus autentikator TOTP"))
    def remove_totp(self, request, queryset):
        for user in queryset:
            totp_remove(actor=request.user, user=user)
        self.message_user(
            request,
            _("Autentikator TOTP %(count)d akun dihapus; mereka dapat mendaftarkan yang baru saat masuk.")
            % {"count": len(queryset)},
            level=messages.SUCCESS,
        )


# --- role assignments --------------------------------------------------------------------------


class GrantStatusFilter(DefaultedListFilter):
    title = _("status")
    parameter_name = "status"
    default_value = "active"

    def lookups(self, request, model_admin):
        return [("active", _("Aktif")), ("revoked", _("Dicabut")), ("all", _("Semua"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ConsoleModelAdmin):
    """Grants are added and revoked, never edited: a changed grant is a revoke plus a new grant."""

    list_display = ["user", "role", "org_unit", "unit_kind", "granted_at", "granted_by", "revoked_at"]
    list_filter = [GrantStatusFilter, "role", "org_unit__kind"]
    search_fields = ["user__username", "user__full_name", "org_unit__code", "org_unit__name"]
    list_select_related = ["user", "org_unit", "granted_by"]
    autocomplete_fields = ["user", "org_unit"]
    actions = ["revoke_roles"]
    ordering = ["-granted_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "role", "org_unit"]
        return ["user", "role", "org_unit", "granted_at", "granted_by", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = _staff_users()
        elif db_field.name == "org_unit":
            kwargs["queryset"] = OrgUnit.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_object(self, request, form):
        data = form.cleaned_data
        return role_assign(
            actor=request.user, user=data["user"], role=data["role"], org_unit=data["org_unit"]
        )

    @admin.display(description=_("jenis unit"), ordering="org_unit__kind")
    def unit_kind(self, obj):
        return obj.org_unit.get_kind_display()

    @admin.action(description=_("Cabut peran"))
    def revoke_roles(self, request, queryset):
        revoked = 0
        for assignment in queryset.filter(revoked_at__isnull=True):
            role_revoke(actor=request.user, assignment=assignment)
            revoked += 1
        self.message_user(
            request, _("%(count)d penugasan peran dicabut.") % {"count": revoked}, level=messages.SUCCESS
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="accounts_roleassignment_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, object_id):
        """Confirm (GET) and revoke (POST) one grant; linked from the user's page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        assignment = self.get_object(request, unquote(object_id))
        if assignment is None:
            raise Http404
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:accounts_roleassignment_changelist")
        if assignment.revoked_at is not None:
            self.message_user(request, _("Peran ini sudah dicabut."), level=messages.INFO)
            return redirect(next_url)
        if request.method == "POST":
            role_revoke(actor=request.user, assignment=assignment)
            self.message_user(
                request, _("Peran %(grant)s dicabut.") % {"grant": assignment}, level=messages.SUCCESS
            )
            return redirect(next_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cabut peran?"),
            "opts": self.opts,
            "object": assignment,
            "next_url": next_url,
        }
        return TemplateResponse(request, "admin/accounts/roleassignment/revoke_confirmation.html", context)


# --- API tokens --------------------------------------------------------------------------------


class TokenStatusFilter(DefaultedListFilter):
    title = _("status")
    parameter_name = "status"
    default_value = "usable"

    def lookups(self, request, model_admin):
        return [("usable", _("Berlaku")), ("ended", _("Dicabut/kedaluwarsa")), ("all", _("Semua"))]

    def queryset(self, request, queryset):
        usable = Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        if self.value() == "usable":
            return queryset.filter(usable)
        if self.value() == "ended":
            return queryset.exclude(usable)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ConsoleModelAdmin):
    """Bearer tokens for integrations. The secret is shown once, right after creation."""

    list_display = ["name", "user", "prefix", "status", "created_at", "expires_at", "last_used_at"]
    list_filter = [TokenStatusFilter, "user__account_type"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke_tokens"]
    ordering = ["-created_at"]

    VIEW_FIELDS = [
        "user",
        "name",
        "prefix",
        "status",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]

    def get_fields(self, request, obj=None):
        return ["user", "name", "expires_at"] if obj is None else self.VIEW_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.VIEW_FIELDS

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = _staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_object(self, request, form):
        data = form.cleaned_data
        token, secret = api_token_create(
            actor=request.user, user=data["user"], name=data["name"], expires_at=data["expires_at"]
        )
        request._pintu_token_secret = secret
        return token

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_pintu_token_secret", None)
        if secret:
            self.message_user(
                request,
                format_html(
                    "Rahasia token “{}”: <code>{}</code> — salin sekarang. Rahasia ini tidak disimpan "
                    "dan tidak akan ditampilkan lagi.",
                    obj.name,
                    secret,
                ),
                level=messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("status"))
    def status(self, obj):
        if obj.revoked_at:
            return _("Dicabut")
        return _("Berlaku") if obj.is_usable() else _("Kedaluwarsa")

    @admin.action(description=_("Cabut token"))
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
            count += 1
        self.message_user(request, _("%(count)d token dicabut.") % {"count": count}, level=messages.SUCCESS)
