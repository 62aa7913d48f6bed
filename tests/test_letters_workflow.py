"""Letter types, village settings, counter issuance and the citizen request workflow."""

from __future__ import annotations

import datetime as dt

import pytest

from pintu.audit.models import AuditEntry
from pintu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from pintu.core.tasks import run_pending_tasks
from pintu.documents.models import IssuedDocument
from pintu.letters import services as ls
from pintu.letters.constants import RequestAction, RequestStatus, SignerKind
from pintu.letters.definitions import MAIN, type_specs
from pintu.letters.models import Letter, LetterRequest, LetterRequestEvent, LetterType
from pintu.letters.workflow import TRANSITIONS, Actor
from pintu.notifications.models import Notification
from tests.letters_fixtures import USAHA_FIELDS, lw  # noqa: F401

# --- types ----------------------------------------------------------------------------------------


def test_seed_loads_every_csv_row_and_pintu_types_once(db):
    import csv

    from pintu.letters.definitions import CSV_PATH

    with CSV_PATH.open() as handle:
        csv_slugs = {row["url_surat"] for row in csv.DictReader(handle)}
    created = ls.letter_types_seed()
    assert created == len(type_specs()) == LetterType.objects.count()
    assert csv_slugs <= set(LetterType.objects.values_list("slug", flat=True))
    assert ls.letter_types_seed() == 0  # idempotent
    codes = list(LetterType.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))  # the upstream duplicate S-41 was made unique


@pytest.mark.parametrize(
    "slug, template, classification",
    [
        ("surat-keterangan-domisili", "domisili", "470"),
        ("surat-keterangan-usaha", "usaha", "500"),
        ("surat-keterangan-kurang-mampu", "tidak_mampu", "400"),
        ("surat-keterangan-penghasilan", "penghasilan", "470"),
        ("surat-keterangan-belum-menikah", "belum_menikah", "474.2"),
        ("surat-keterangan-kelahiran", "kelahiran", "474.1"),
        ("surat-keterangan-kematian", "kematian", "474.3"),
        ("surat-keterangan-pindah-penduduk", "pindah", "475"),
        ("surat-pengantar-laporan-kehilangan", "kehilangan", "300"),
        ("surat-pengantar-ktp-kk", "pengantar_ktp_kk", "471"),
        ("surat-pengantar-surat-keterangan-catatan-kepolisian", "pengantar_skck", "300"),
        ("surat-keterangan-umum", "umum", "470"),
    ],
)
def test_the_twelve_main_types(db, slug, template, classification):
    ls.letter_types_seed()
    letter_type = LetterType.objects.get(slug=slug)
    assert (letter_type.template, letter_type.classification_code) == (template, classification)
    assert letter_type.requirements and letter_type.validity_days > 0


def test_regency_admin_edits_a_type_others_cannot(lw):  # noqa: F811
    with pytest.raises(PermissionDenied):
        ls.letter_type_update(actor=lw.users["village_head"], letter_type=lw.usaha, validity_days=10)
    ls.letter_type_update(
        actor=lw.users["regency_admin"], letter_type=lw.usaha, validity_days=10, classification_code="510"
    )
    lw.usaha.refresh_from_db()
    assert (lw.usaha.validity_days, lw.usaha.classification_code) == (10, "510")
    with pytest.raises(ValidationFailed) as info:
        ls.letter_type_update(actor=lw.users["regency_admin"], letter_type=lw.usaha, validity_days=0)
    assert "validity_days" in info.value.fields


# --- settings -------------------------------------------------------------------------------------


def test_only_the_head_configures_and_bad_formats_change_nothing(lw):  # noqa: F811
    office = lw.world.village_office
    for name in ("village_operator", "village_secretary", "other_village_head", "regency_admin"):
        with pytest.raises(PermissionDenied):
            ls.village_letter_settings_update(
                actor=lw.users[name],
                office=office,
                number_format="[nomor]/[tahun]",
                sequence_scope="village",
                head_name="X",
            )
    with pytest.raises(ValidationFailed):
        ls.village_letter_settings_update(
            actor=lw.users["village_head"],
            office=office,
            number_format="[kode]/[tahun]",
            sequence_scope="village",
            head_name="X",
        )
    office.letter_settings.refresh_from_db()
    assert office.letter_settings.number_format == "[kode]/[nomor:3]/[kode_desa]/[bulan_romawi]/[tahun]"
    assert office.letter_settings.head_name == "Sugeng Riyadi"


def test_disabled_type_cannot_be_issued_or_requested(lw):  # noqa: F811
    office = lw.world.village_office
    ls.village_letter_types_set(actor=lw.users["village_head"], office=office, enabled={lw.usaha.pk: False})
    with pytest.raises(ValidationFailed) as info:
        ls.letter_issue(
            actor=lw.users["village_operator"],
            village_office=office,
            letter_type=lw.usaha,
            resident=lw.resident,
            fields=USAHA_FIELDS,
            purpose="x",
        )
    assert info.value.code == "letters.type_disabled"
    with pytest.raises(ValidationFailed):
        ls.letter_request_create(actor=lw.citizen, letter_type=lw.usaha, purpose="x", fields=USAHA_FIELDS)


# --- counter issuance -----------------------------------------------------------------------------


def test_operator_issues_at_the_counter_signed_for_the_head(lw):  # noqa: F811
    letter = ls.letter_issue(
        actor=lw.users["village_operator"],
        village_office=lw.world.village_office,
        letter_type=lw.usaha,
        resident=lw.resident,
        fields=USAHA_FIELDS,
        purpose="Pengajuan KUR",
        today=dt.date(2026, 11, 28),
    )
    document = letter.document
    assert document.is_signed and document.signer_name == "SUGENG RIYADI"
    assert document.signer_position == "Kepala Desa Tamansari"
    assert document.holder_label == "S***i A***h"  # nothing personal on the public page
    assert document.valid_until == dt.date(2026, 11, 28) + dt.timedelta(days=lw.usaha.validity_days)
    assert letter.fields["usaha_sejak"] == 2019 and letter.signer_name == "SUGENG RIYADI"
    assert document.pdf.file.open("rb").read(5) == b"%PDF-"
    assert AuditEntry.objects.filter(verb="letters.issue", object_id=str(letter.pk)).exists()


def test_secretary_signs_on_behalf_when_configured(lw):  # noqa: F811
    office = lw.world.village_office
    ls.village_letter_types_set(
        actor=lw.users["village_head"], office=office, enabled={}, signers={lw.usaha.pk: SignerKind.SECRETARY}
    )
    letter = ls.letter_issue(
        actor=lw.users["village_operator"],
        village_office=office,
        letter_type=lw.usaha,
        resident=lw.resident,
        fields=USAHA_FIELDS,
        purpose="x",
    )
    assert letter.signer_kind == SignerKind.SECRETARY
    assert (letter.document.signer_name, letter.document.signer_position) == (
        "DEWI LESTARI",
        "Sekretaris Desa",
    )


def test_resident_of_another_village_is_refused(lw):  # noqa: F811
    with pytest.raises(ValidationFailed) as info:
        ls.letter_issue(
            actor=lw.users["village_operator"],
            village_office=lw.world.village_office,
            letter_type=lw.domisili,
            resident=lw.other_resident,
            fields={},
            purpose="x",
        )
    assert info.value.code == "letters.resident_elsewhere"
    assert not Letter.objects.exists()


def test_unconfigured_village_cannot_issue(lw):  # noqa: F811
    from pintu.letters.models import VillageLetterSettings

    VillageLetterSettings.objects.filter(office=lw.world.village_office).delete()
    with pytest.raises(ValidationFailed) as info:
        ls.letter_issue(
            actor=lw.users["village_operator"],
            village_office=lw.world.village_office,
            letter_type=lw.domisili,
            resident=lw.resident,
            fields={},
            purpose="x",
        )
    assert info.value.code == "letters.signer_missing"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("usaha_sejak", "dua ribu", "angka bulat"),
        ("nama_usaha", "x" * 201, "maksimum 200"),
    ],
)
def test_field_errors_are_per_field(lw, field, value, message):  # noqa: F811
    with pytest.raises(ValidationFailed) as info:
        ls.letter_issue(
            actor=lw.users["village_operator"],
            village_office=lw.world.village_office,
            letter_type=lw.usaha,
            resident=lw.resident,
            fields={**USAHA_FIELDS, field: value},
            purpose="x",
        )
    assert message in info.value.fields[f"fields.{field}"][0]


def test_revocation_goes_through_documents(lw):  # noqa: F811
    letter = ls.letter_issue(
        actor=lw.users["village_operator"],
        village_office=lw.world.village_office,
        letter_type=lw.domisili,
        resident=lw.resident,
        fields={},
        purpose="x",
    )
    with pytest.raises(PermissionDenied):
        ls.letter_revoke(actor=lw.users["village_operator"], letter=letter, reason="salah ketik")
    with pytest.raises(ValidationFailed):
        ls.letter_revoke(actor=lw.users["village_head"], letter=letter, reason=" ")
    ls.letter_revoke(actor=lw.users["village_head"], letter=letter, reason="Salah ketik nama usaha")
    letter.refresh_from_db()
    assert letter.status == "revoked"
    assert IssuedDocument.objects.get(pk=letter.document_id).revocation_reason == "Salah ketik nama usaha"
    with pytest.raises(InvalidTransition):
        ls.letter_revoke(actor=lw.users["village_head"], letter=letter, reason="lagi")


# --- requests -------------------------------------------------------------------------------------


def test_transition_table_shape():
    assert {t.actor for t in TRANSITIONS.values()} == {Actor.CITIZEN, Actor.STAFF, Actor.SIGNER}
    assert TRANSITIONS[RequestAction.APPROVE].sources == {RequestStatus.CHECKED}
    assert all(TRANSITIONS[a].note_required for a in (RequestAction.RETURN, RequestAction.REJECT))


def _request(lw, **kw):  # noqa: F811
    return ls.letter_request_create(
        actor=lw.citizen, letter_type=lw.domisili, purpose="Melamar kerja", fields={}, **kw
    )


def test_full_journey_with_return_and_notifications(lw):  # noqa: F811
    req = _request(lw)
    assert req.status == RequestStatus.REQUESTED and req.office == lw.world.village_office
    req = ls.letter_request_return(
        actor=lw.users["village_operator"], request=req, note="Lampirkan pengantar RT."
    )
    assert req.status == RequestStatus.RETURNED
    req = ls.letter_request_resubmit(
        actor=lw.citizen, request=req, purpose="Melamar kerja di PT Ijen", fields={"tinggal_sejak": "2008"}
    )
    assert req.status == RequestStatus.REQUESTED and req.fields == {"tinggal_sejak": 2008}
    req = ls.letter_request_check(actor=lw.users["village_operator"], request=req)
    with pytest.raises(PermissionDenied) as info:  # the operator cannot sign
        ls.letter_request_approve(actor=lw.users["village_operator"], request=req)
    assert info.value.code == "letters.signer_only"
    req = ls.letter_request_approve(actor=lw.users["village_head"], request=req)
    assert req.status == RequestStatus.ISSUED and req.letter.document.is_signed
    assert list(LetterRequestEvent.objects.filter(request=req).values_list("action", flat=True)) == [
        "request",
        "return",
        "resubmit",
        "check",
        "approve",
    ]
    subjects = list(Notification.objects.filter(recipient=lw.citizen.email).values_list("subject", flat=True))
    assert subjects == ["Surat Anda sudah terbit", "Permintaan surat perlu perbaikan"]
    assert run_pending_tasks() >= 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_unlinked_citizen_gets_a_clear_refusal(lw):  # noqa: F811
    with pytest.raises(PermissionDenied) as info:
        ls.letter_request_create(
            actor=lw.users["other_citizen"], letter_type=lw.domisili, purpose="x", fields={}
        )
    assert info.value.code == "letters.not_linked"
    assert not LetterRequest.objects.exists()


def test_types_not_requestable_online_are_refused(lw):  # noqa: F811
    kematian = LetterType.objects.get(slug="surat-keterangan-kematian")
    with pytest.raises(ValidationFailed) as info:
        ls.letter_request_create(actor=lw.citizen, letter_type=kematian, purpose="x", fields={})
    assert info.value.code == "letters.not_requestable"


@pytest.mark.parametrize(
    "path, action, actor, allowed",
    [
        ([], "check", "village_operator", True),
        ([], "check", "village_secretary", True),
        ([], "check", "citizen", False),
        ([], "check", "other_village_operator", False),
        ([], "approve", "village_head", False),  # not checked yet: invalid transition
        (["check"], "approve", "village_secretary", False),  # domisili is signed by the head by default here
        (["check"], "approve", "village_head", True),
        ([], "withdraw", "citizen", True),
        ([], "withdraw", "village_operator", False),
        (["check"], "withdraw", "citizen", True),
        (["check", "approve"], "withdraw", "citizen", False),
        ([], "reject", "village_head", True),
        (["withdraw"], "reject", "village_operator", False),
    ],
)
def test_request_matrix(lw, path, action, actor, allowed):  # noqa: F811
    ls.village_letter_types_set(
        actor=lw.users["village_head"],
        office=lw.world.village_office,
        enabled={},
        signers={lw.domisili.pk: "head"},
    )
    req = _request(lw)
    steps = {
        "check": lambda r: ls.letter_request_check(actor=lw.users["village_operator"], request=r),
        "approve": lambda r: ls.letter_request_approve(actor=lw.users["village_head"], request=r),
        "withdraw": lambda r: ls.letter_request_withdraw(actor=lw.citizen, request=r),
    }
    for step in path:
        req = steps[step](req)
    before = (req.status, req.event_count, Letter.objects.count(), LetterRequestEvent.objects.count())
    verbs = {
        "check": lambda a: ls.letter_request_check(actor=a, request=req),
        "approve": lambda a: ls.letter_request_approve(actor=a, request=req),
        "withdraw": lambda a: ls.letter_request_withdraw(actor=a, request=req),
        "reject": lambda a: ls.letter_request_reject(actor=a, request=req, note="Data tidak sesuai"),
    }
    user = lw.citizen if actor == "citizen" else lw.users[actor]
    if allowed:
        verbs[action](user)
        req.refresh_from_db()
        assert req.status == TRANSITIONS[action].target
    else:
        with pytest.raises((PermissionDenied, InvalidTransition)):
            verbs[action](user)
        req.refresh_from_db()
        assert (
            req.status,
            req.event_count,
            Letter.objects.count(),
            LetterRequestEvent.objects.count(),
        ) == before


def test_main_specs_have_templates_on_disk():
    from pintu.documents.rendering import TEMPLATE_ROOT

    for spec in MAIN.values():
        assert (TEMPLATE_ROOT / "letters" / f"{spec.template}.typ").is_file(), spec.template


def test_the_head_signs_in_person_even_for_types_the_secretary_signs(lw):  # noqa: F811
    office = lw.world.village_office
    ls.village_letter_types_set(
        actor=lw.users["village_head"], office=office, enabled={}, signers={lw.domisili.pk: "secretary"}
    )
    by_head = ls.letter_issue(
        actor=lw.users["village_head"],
        village_office=office,
        letter_type=lw.domisili,
        resident=lw.resident,
        fields={},
        purpose="x",
    )
    by_secretary = ls.letter_issue(
        actor=lw.users["village_secretary"],
        village_office=office,
        letter_type=lw.domisili,
        resident=lw.resident,
        fields={},
        purpose="x",
    )
    assert (by_head.signer_kind, by_head.signer_name) == ("head", "SUGENG RIYADI")
    assert (by_secretary.signer_kind, by_secretary.signer_name) == ("secretary", "DEWI LESTARI")
