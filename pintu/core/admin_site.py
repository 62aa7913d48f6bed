"""The admin site is the regency admin's configuration console. Entry and every model page are
decided by Pintu's role layer (regency admin role), not by Django model permissions."""

from django.utils.translation import gettext_lazy as _

from pintu.accounts.access import principal_for


def is_regency_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and principal_for(user).is_regency_admin)


def configure_admin_site(site) -> None:
    site.site_header = _("Pintu — konsol admin kabupaten")
    site.site_title = _("Admin Pintu")
    site.index_title = _("Konfigurasi layanan, unit kerja dan pengguna")
    site.has_permission = is_regency_admin


def hide_third_party_admins(site) -> None:
    """Models of libraries that would otherwise be editable without Pintu's services and audit:
    groups (Pintu's roles replace them) and TOTP devices (managed through the account pages and
    the user admin's action). Task rows get a read-only admin in ``pintu.core.admin``."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (Group, TOTPDevice):
        if site.is_registered(model):
            site.unregister(model)


class RegencyAdminOnly:
    """Mixin for ModelAdmins: every permission comes from the regency-admin role."""

    def has_module_permission(self, request):
        return is_regency_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_regency_admin(request)

    def has_add_permission(self, request, *args):
        return is_regency_admin(request)

    def has_change_permission(self, request, obj=None):
        return is_regency_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


class RegencyAdminReadOnly(RegencyAdminOnly):
    """Mixin for records nobody edits (audit trail, notifications, task rows): the regency admin
    may look, no one may add, change or delete."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
