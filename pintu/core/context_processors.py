from django.conf import settings

from pintu.accounts.access import principal_for
from pintu.accounts.constants import VILLAGE_ROLES, Role


def site(request):
    context = {"SITE_NAME": settings.PINTU_SITE_NAME, "BASE_URL": settings.PINTU_BASE_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        principal = principal_for(user)
        context["nav"] = {
            "staff": principal.is_staff_member,
            "village": bool(principal.units_with(*VILLAGE_ROLES)),
            "front_door": bool(principal.units_with(*VILLAGE_ROLES, Role.AGENCY_FRONT_OFFICE)),
            "admin": principal.is_regency_admin,
            "citizen": principal.is_citizen,
            "roles": principal.roles,  # for the domain apps' menu partials
        }
    return context
