from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from pintu.accounts import services
from pintu.accounts.access import principal_for
from pintu.accounts.constants import AccountType
from pintu.accounts.forms import LoginForm, OtpForm, RegisterForm
from pintu.core.errors import ValidationFailed
from pintu.core.forms import apply_errors
from pintu.core.qr import qr_svg


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def home_for(user) -> str:
    principal = principal_for(user)
    if principal.is_staff_member:
        return reverse("office:home")
    return reverse("portal:my_cases")


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["username"]
        ip = _client_ip(request)
        if services.login_is_throttled(identifier, ip, settings.PINTU_LOGIN_RATE):
            form.add_error(
                None, _("Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit lalu coba lagi.")
            )
        else:
            from django.contrib.auth import authenticate

            user = authenticate(request, username=identifier, password=form.cleaned_data["password"])
            if user is None:
                services.login_record_failure(identifier, ip)
                form.add_error(None, _("Surel/nama pengguna atau kata sandi salah."))
            else:
                services.login_record_success(identifier, ip)
                login(request, user)
                if user.account_type == AccountType.STAFF and user_has_device(user, confirmed=True):
                    return redirect(
                        f"{reverse('accounts:otp_verify')}?next={_safe_next(request, home_for(user))}"
                    )
                return redirect(_safe_next(request, home_for(user)))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Anda sudah keluar."))
    return redirect("portal:home")


def register_view(request):
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from pintu.regions.models import Village

        try:
            user = services.citizen_register(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
                nik=data["nik"],
                village=Village.objects.filter(pk=data["village"]).first() if data["village"] else None,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="pintu.accounts.backends.EmailOrUsernameBackend")
            messages.success(request, _("Akun Anda sudah dibuat. Selamat datang di Pintu."))
            return redirect(_safe_next(request, reverse("portal:catalogue")))
    return render(request, "accounts/register.html", {"form": form})


@login_required
def otp_verify_view(request):
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        ip = _client_ip(request)
        key = f"otp:{request.user.pk}"
        if services.login_is_throttled(key, ip, settings.PINTU_LOGIN_RATE):
            form.add_error("token", _("Terlalu banyak kode salah. Tunggu 15 menit."))
        else:
            device = next(
                (
                    d
                    for d in TOTPDevice.objects.filter(user=request.user, confirmed=True)
                    if d.verify_token(token)
                ),
                None,
            )
            if device is None:
                services.login_record_failure(key, ip)
                form.add_error("token", _("Kode salah atau kedaluwarsa."))
            else:
                otp_login(request, device)
                return redirect(_safe_next(request, home_for(request.user)))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def otp_enrol_view(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None or request.GET.get("restart"):
        device = services.totp_start_enrolment(user=request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            otp_login(request, device)
            messages.success(
                request, _("Verifikasi dua langkah aktif. Simpan aplikasi autentikator Anda baik-baik.")
            )
            return redirect(_safe_next(request, home_for(request.user)))
    return render(
        request,
        "accounts/otp_enrol.html",
        {"form": form, "qr": qr_svg(device.config_url), "secret": device.bin_key.hex(), "device": device},
    )


@login_required
def profile_view(request):
    principal = principal_for(request.user)
    from pintu.regions.models import OrgUnit

    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=principal.unit_ids)}
    from pintu.accounts.constants import Role

    grants = [(Role(role).label, units[unit]) for role, unit in sorted(principal.grants)]
    has_totp = user_has_device(request.user, confirmed=True)
    return render(request, "accounts/profile.html", {"grants": grants, "has_totp": has_totp})
