"""Write path for accounts, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp.plugins.otp_totp.models import TOTPDevice

from pintu.accounts.access import forget_principal
from pintu.accounts.constants import ROLE_UNIT_KINDS, AccountType, Role
from pintu.accounts.models import ApiToken, RoleAssignment, User
from pintu.audit.services import audit_record
from pintu.core.errors import ValidationFailed
from pintu.core.nik import parse_nik
from pintu.regions.selectors import district_exists

TOKEN_PREFIX = "pintu"  # noqa: S105 - a public marker, not a secret


def normalize_phone(value: str) -> str:
    """08xx / +628xx / 628xx -> 628xx (E.164 without +); '' stays ''."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if not digits:
        return ""
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def validate_phone(value: str) -> str:
    phone = normalize_phone(value)
    if phone and not (phone.startswith("62") and 10 <= len(phone) <= 15):
        raise ValueError("Nomor ponsel harus nomor Indonesia, misalnya 0812 3456 7890.")
    return phone


def validate_nik(value: str) -> str:
    return parse_nik(value, district_exists=district_exists).nik


def _field_errors(**checks) -> dict:
    errors = {}
    for name, (func, value) in checks.items():
        try:
            func(value)
        except (ValueError, DjangoValidationError) as exc:
            messages = exc.messages if isinstance(exc, DjangoValidationError) else [str(exc)]
            errors[name] = messages
    return errors


@transaction.atomic
def citizen_register(
    *, full_name: str, email: str, phone: str, password: str, nik: str = "", village=None
) -> User:
    """Self-registration of a citizen account (email + password)."""
    full_name = " ".join((full_name or "").split())
    email = (email or "").strip().lower()
    errors = {}
    if len(full_name) < 3:
        errors["full_name"] = ["Tulis nama lengkap sesuai KTP (minimal 3 huruf)."]
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = ["Alamat surel tidak valid, contoh: nama@contoh.id."]
    errors.update(_field_errors(phone=(validate_phone, phone)))
    if nik:
        errors.update(_field_errors(nik=(validate_nik, nik)))
    probe = User(username=email, email=email, full_name=full_name)
    try:
        validate_password(password, user=probe)
    except DjangoValidationError as exc:
        errors["password"] = exc.messages
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["Surel ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi."]
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=email,
                email=email,
                password=password,
                full_name=full_name,
                phone=normalize_phone(phone),
                nik=nik.strip(),
                village=village,
                account_type=AccountType.CITIZEN,
            )
    except IntegrityError as exc:
        raise ValidationFailed(fields={"email": ["Surel ini sudah terdaftar."]}) from exc
    audit_record(actor=user, verb="user.register", obj=user, changes={"email": email})
    return user


@transaction.atomic
def staff_user_create(
    *,
    actor,
    username: str,
    full_name: str,
    email: str = "",
    password: str | None = None,
    account_type: str = AccountType.STAFF,
) -> User:
    username = (username or "").strip()
    errors = {}
    if not username:
        errors["username"] = ["Nama pengguna wajib diisi."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["Nama pengguna sudah dipakai."]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["Surel sudah dipakai akun lain."]
    if account_type not in (AccountType.STAFF, AccountType.SYSTEM):
        errors["account_type"] = ["Jenis akun petugas harus 'staff' atau 'system'."]
    if password:
        try:
            validate_password(password)
        except DjangoValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationFailed(fields=errors)
    user = User.objects.create_user(
        username=username,
        email=email.lower(),
        password=password,
        full_name=full_name,
        account_type=account_type,
    )
    if not password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        verb="user.create",
        obj=user,
        changes={"username": username, "account_type": account_type},
    )
    return user


@transaction.atomic
def role_assign(*, actor, user: User, role: str, org_unit) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationFailed(fields={"role": ["Peran tidak dikenal."]})
    if org_unit.kind not in ROLE_UNIT_KINDS[role]:
        raise ValidationFailed(
            fields={
                "org_unit": [
                    f"Peran {Role(role).label} tidak dapat diberikan pada {org_unit.get_kind_display()}."
                ]
            }
        )
    if user.account_type == AccountType.CITIZEN:
        raise ValidationFailed(fields={"user": ["Akun warga tidak dapat diberi peran petugas."]})
    existing = RoleAssignment.objects.filter(
        user=user, role=role, org_unit=org_unit, revoked_at__isnull=True
    ).first()
    if existing:
        return existing
    assignment = RoleAssignment.objects.create(user=user, role=role, org_unit=org_unit, granted_by=actor)
    if role == Role.REGENCY_ADMIN and not user.is_staff:
        user.is_staff = True  # lets the regency admin into the admin site; rights still come from roles
        user.save(update_fields=["is_staff"])
    audit_record(
        actor=actor,
        verb="role.assign",
        obj=assignment,
        changes={"role": role, "org_unit": org_unit.pk, "user": user.pk},
    )
    forget_principal(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is None and assignment.role == Role.REGENCY_ADMIN:
        others = (
            RoleAssignment.objects.select_for_update()
            .filter(
                role=Role.REGENCY_ADMIN,
                revoked_at__isnull=True,
                org_unit__regency_id=assignment.org_unit.regency_id,
            )
            .exclude(pk=assignment.pk)
        )
        if not others.exists():
            raise ValidationFailed(
                "Ini admin kabupaten terakhir. Tunjuk admin kabupaten lain dulu, baru cabut peran ini.",
                code="role.last_regency_admin",
            )
    if assignment.revoked_at is None:
        assignment.revoked_at = timezone.now()
        assignment.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="role.revoke", obj=assignment, changes={"role": assignment.role})
        user = assignment.user
        if (
            assignment.role == Role.REGENCY_ADMIN
            and not user.role_assignments.filter(role=Role.REGENCY_ADMIN, revoked_at__isnull=True).exists()
        ):
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        forget_principal(user)
    return assignment


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Create a token; returns it with the plain secret, which is shown once and never stored."""
    if not (name or "").strip():
        raise ValidationFailed(fields={"name": ["Beri nama token, misalnya nama sistem yang memakainya."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(fields={"expires_at": ["Tanggal kedaluwarsa harus di masa depan."]})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=_hash_secret(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(actor=actor, verb="api_token.create", obj=token, changes={"user": user.pk, "name": name})
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, verb="api_token.revoke", obj=token)


def api_token_authenticate(raw: str) -> User | None:
    """Resolve a presented token to its user, or None. Records last use at most once a minute."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    if not constant_time_compare(token.key_hash, _hash_secret(parts[2])):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- staff accounts ------------------------------------------------------------------------------

USER_UPDATE_FIELDS = ("full_name", "email", "phone", "is_active")


@transaction.atomic
def user_update(*, actor, user: User, **fields) -> User:
    """Change a staff or system account's profile or switch it on/off (not its roles or password)."""
    unknown = set(fields) - set(USER_UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown user fields {sorted(unknown)}")
    errors = {}
    if "full_name" in fields:
        fields["full_name"] = " ".join((fields["full_name"] or "").split())
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
        if fields["email"]:
            try:
                validate_email(fields["email"])
            except DjangoValidationError:
                errors["email"] = ["Alamat surel tidak valid, contoh: nama@contoh.id."]
            else:
                if User.objects.filter(email__iexact=fields["email"]).exclude(pk=user.pk).exists():
                    errors["email"] = ["Surel sudah dipakai akun lain."]
    if "phone" in fields:
        try:
            fields["phone"] = validate_phone(fields["phone"])
        except ValueError as exc:
            errors["phone"] = [str(exc)]
    if "is_active" in fields:
        fields["is_active"] = bool(fields["is_active"])
        if not fields["is_active"] and getattr(actor, "pk", None) == user.pk:
            errors["is_active"] = ["Anda tidak dapat menonaktifkan akun Anda sendiri."]
    if errors:
        raise ValidationFailed(fields=errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = {k: v for k, v in fields.items() if getattr(user, k) != v}
    for key, value in changed.items():
        setattr(user, key, value)
    if changed:
        try:
            with transaction.atomic():
                user.save(update_fields=list(changed))
        except IntegrityError as exc:  # a concurrent change took the same e-mail address
            raise ValidationFailed(fields={"email": ["Surel sudah dipakai akun lain."]}) from exc
        audit_record(actor=actor, verb="user.update", obj=user, changes=changed)
    return user


# --- login throttling --------------------------------------------------------------------------


def _throttle_keys(identifier: str, ip: str | None) -> list[str]:
    ident = hashlib.sha256((identifier or "").strip().lower().encode()).hexdigest()[:24]
    keys = [f"login-fail:id:{ident}"]
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def login_is_throttled(identifier: str, ip: str | None, limit: int) -> bool:
    return any((cache.get(key) or 0) >= limit for key in _throttle_keys(identifier, ip))


def login_record_failure(identifier: str, ip: str | None) -> None:
    for key in _throttle_keys(identifier, ip):
        cache.add(key, 0, timeout=15 * 60)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=15 * 60)


def login_record_success(identifier: str, ip: str | None) -> None:
    cache.delete_many(_throttle_keys(identifier, None))


# --- TOTP ---------------------------------------------------------------------------------------


@transaction.atomic
def totp_start_enrolment(*, user: User) -> TOTPDevice:
    """Create (or restart) an unconfirmed authenticator for the user."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=False)


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    if device.user_id != user.pk:
        raise ValidationFailed(fields={"token": ["Perangkat tidak ditemukan."]})
    if not device.verify_token((token or "").strip()):
        raise ValidationFailed(
            fields={"token": ["Kode salah atau kedaluwarsa. Masukkan 6 angka yang tampil sekarang."]}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, verb="totp.enrol", obj=user)
    return device


@transaction.atomic
def totp_remove(*, actor, user: User) -> None:
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, verb="totp.remove", obj=user)
