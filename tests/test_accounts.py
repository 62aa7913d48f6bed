"""Accounts: citizen registration, login and its throttle, staff TOTP, API tokens, roles."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from pintu.accounts import services
from pintu.accounts.access import principal_for
from pintu.accounts.constants import Role
from pintu.accounts.models import RoleAssignment, User
from pintu.audit.models import AuditEntry
from pintu.core.errors import ValidationFailed


def register(client, **overrides):
    data = {
        "full_name": "Ahmad Fauzi",
        "email": "ahmad@example.id",
        "phone": "0812 9876 5432",
        "nik": "",
        "village": "",
        "password": "kopi-osing-2026",
        **overrides,
    }
    return client.post(reverse("accounts:register"), data)


def test_register_logs_in_and_audits(client, world):
    response = register(client, village=str(world.village.pk), nik="3510241203900007")
    assert response.status_code == 302
    user = User.objects.get(email="ahmad@example.id")
    assert user.is_citizen and user.phone == "6281298765432" and user.village == world.village
    assert AuditEntry.objects.filter(verb="user.register", object_id=str(user.pk)).exists()
    assert client.get(reverse("portal:my_cases")).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"email": "bukan-surel"}, "email", "email"),
        ({"phone": "12345"}, "phone", "Nomor ponsel"),
        ({"nik": "3510241203900000"}, "nik", "0000"),
        ({"password": "12345678"}, "password", ""),
        ({"full_name": "A"}, "full_name", "nama lengkap"),
    ],
)
def test_register_errors_are_shown_and_nothing_saved(client, world, overrides, field, fragment):
    response = register(client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and fragment.lower() in " ".join(errors[field]).lower()
    assert not User.objects.filter(email="ahmad@example.id").exists()


def test_duplicate_email_case_insensitive(world):
    services.citizen_register(
        full_name="Ahmad Fauzi", email="Dup@Example.id", phone="", password="kopi-osing-2026"
    )
    with pytest.raises(ValidationFailed) as raised:
        services.citizen_register(
            full_name="Ahmad F", email="dup@example.id", phone="", password="kopi-osing-2026"
        )
    assert "sudah terdaftar" in raised.value.fields["email"][0]


def test_login_with_email_or_username_and_throttle(client, world, settings):
    settings.PINTU_LOGIN_RATE = 3
    url = reverse("accounts:login")
    for _ in range(3):
        assert "salah" in client.post(url, {"username": "citizen", "password": "wrong"}).content.decode()
    blocked = client.post(url, {"username": "citizen", "password": "rahasia-uji-123"})
    assert "Terlalu banyak" in blocked.content.decode()
    client2 = APIClient()  # another client, same account: still blocked
    assert (
        "Terlalu banyak"
        in client2.post(url, {"username": "CITIZEN", "password": "rahasia-uji-123"}).content.decode()
    )


def test_login_by_email(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": "CITIZEN@example.id", "password": "rahasia-uji-123"}
    )
    assert response.status_code == 302 and response.url == reverse("portal:my_cases")


def test_staff_totp_enrol_and_verify(client, world):
    officer = world.users["verifier"]
    client.force_login(officer)
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    bad = client.post(reverse("accounts:otp_enrol"), {"token": "000000"})
    assert "salah" in bad.content.decode()
    good = client.post(reverse("accounts:otp_enrol"), {"token": f"{totp(device.bin_key):06d}"})
    assert good.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # a new session must pass the second factor before anything else
    other = client.__class__()
    response = other.post(reverse("accounts:login"), {"username": "verifier", "password": "rahasia-uji-123"})
    assert reverse("accounts:otp_verify") in response.url
    assert reverse("accounts:otp_verify") in other.get(reverse("office:queue")).url
    api = other.get("/api/v1/me/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "auth.otp_required"
    device.refresh_from_db()
    ok = other.post(reverse("accounts:otp_verify"), {"token": f"{totp(device.bin_key, drift=1):06d}"})
    ok = (
        ok
        if ok.status_code == 302
        else other.post(reverse("accounts:otp_verify"), {"token": f"{totp(device.bin_key):06d}"})
    )
    assert ok.status_code == 302
    assert other.get(reverse("office:queue")).status_code == 200


def test_totp_required_setting_sends_staff_to_enrol(client, world, settings):
    settings.PINTU_STAFF_TOTP_REQUIRED = True
    client.force_login(world.users["front_office"])
    response = client.get(reverse("office:queue"))
    assert response.status_code == 302 and reverse("accounts:otp_enrol") in response.url
    client.force_login(world.users["citizen"])  # citizens are not affected
    assert client.get(reverse("portal:my_cases")).status_code == 200


def test_api_token_lifecycle(world):
    system = services.staff_user_create(
        actor=None, username="sistem-siak", full_name="SIAK", account_type="system"
    )
    services.role_assign(actor=None, user=system, role=Role.AGENCY_VERIFIER, org_unit=world.agency)
    token, secret = services.api_token_create(actor=world.users["regency_admin"], user=system, name="SIAK")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["roles"] == [
        {"role": "agency_verifier", "org_unit": "DISPENDUKCAPIL"}
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None and secret not in token.key_hash
    services.api_token_revoke(actor=None, token=token)
    refused = api.get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "auth.failed"


def test_expired_token_refused(world):
    token, secret = services.api_token_create(
        actor=None,
        user=world.users["verifier"],
        name="lama",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me/").status_code == 200
    type(token).objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    ("role", "unit_attr"),
    [
        (Role.VILLAGE_OPERATOR, "agency"),
        (Role.AGENCY_VERIFIER, "village_office"),
        (Role.DISTRICT_OFFICER, "village_office"),
        (Role.REGENCY_ADMIN, "agency"),
    ],
)
def test_role_must_fit_unit_kind(world, role, unit_attr):
    user = world.users["staff_without_role"]
    with pytest.raises(ValidationFailed):
        services.role_assign(actor=None, user=user, role=role, org_unit=getattr(world, unit_attr))
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_citizen_cannot_get_staff_role(world):
    with pytest.raises(ValidationFailed):
        services.role_assign(
            actor=None, user=world.users["citizen"], role=Role.VILLAGE_OPERATOR, org_unit=world.village_office
        )


def test_revoke_removes_access(world):
    user = world.users["verifier"]
    assignment = RoleAssignment.objects.get(user=user)
    services.role_revoke(actor=world.users["regency_admin"], assignment=assignment)
    user = User.objects.get(pk=user.pk)
    assert not principal_for(user).is_staff_member


def test_last_regency_admin_cannot_be_revoked(world):
    assignment = RoleAssignment.objects.get(user=world.users["regency_admin"])
    with pytest.raises(ValidationFailed) as raised:
        services.role_revoke(actor=world.users["regency_admin"], assignment=assignment)
    assert raised.value.code == "role.last_regency_admin"
    second = world.users["staff_without_role"]
    services.role_assign(actor=None, user=second, role=Role.REGENCY_ADMIN, org_unit=world.regency_government)
    services.role_revoke(actor=second, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None


def test_token_expiry_must_be_in_the_future(world):
    with pytest.raises(ValidationFailed):
        services.api_token_create(
            actor=None,
            user=world.users["verifier"],
            name="x",
            expires_at=timezone.now() - dt.timedelta(minutes=1),
        )
