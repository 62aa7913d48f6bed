"""Second factor for staff: once a staff account has a confirmed authenticator, its session
must pass the TOTP check before it can do anything else. With
``PINTU_STAFF_TOTP_REQUIRED`` staff without an authenticator are sent to enrol first."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from pintu.accounts.constants import AccountType

EXEMPT_PREFIXES = ("/static/", "/akun/2fa/", "/akun/keluar/", "/i18n/")


class StaffOtpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.account_type == AccountType.STAFF
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not getattr(request, "_pintu_token_auth", False)
        ):
            has_device = user_has_device(user, confirmed=True)
            if has_device and not user.is_verified():
                return self._block(request, "accounts:otp_verify", "auth.otp_required")
            if not has_device and settings.PINTU_STAFF_TOTP_REQUIRED:
                return self._block(request, "accounts:otp_enrol", "auth.otp_enrolment_required")
        return self.get_response(request)

    def _block(self, request, url_name, code):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": code,
                        "message": "Selesaikan verifikasi dua langkah (TOTP) di halaman masuk.",
                    }
                },
                status=403,
            )
        return redirect(f"{reverse(url_name)}?next={request.get_full_path()}")
