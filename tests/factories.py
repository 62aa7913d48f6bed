"""factory_boy factories. Domain rows are created through the service functions, so a factory
case has the same history, parties and audit as a real one."""

from __future__ import annotations

import itertools

import factory
from django.core.files.base import ContentFile

from pintu.accounts.constants import AccountType
from pintu.accounts.models import User
from pintu.demo.pdf import simple_pdf, simple_png

_nik_serial = itertools.count(1)


def make_nik(district_code: str = "35.10.24", *, female: bool = False, birth: str = "120390") -> str:
    day = int(birth[:2]) + (40 if female else 0)
    return district_code.replace(".", "") + f"{day:02d}{birth[2:]}{next(_nik_serial) % 9999 + 1:04d}"


def pdf_file(name: str = "dokumen.pdf", text: str = "contoh") -> ContentFile:
    return ContentFile(simple_pdf([text]), name=name)


def png_file(name: str = "foto.png") -> ContentFile:
    return ContentFile(simple_png(), name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.id")
    full_name = factory.Faker("name", locale="id_ID")
    account_type = AccountType.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    class Params:
        staff = factory.Trait(account_type=AccountType.STAFF)
        system = factory.Trait(account_type=AccountType.SYSTEM)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CaseFactory(factory.Factory):
    """A case submitted and moved to ``state`` through the services, e.g.
    ``CaseFactory(world=world, state="approved")`` or ``CaseFactory(world=world,
    service="village", channel="village", state="ready_for_handover")``.

    states: submitted, verified, forwarded (at the next step), at_approval, approved (at issuance),
    returned, resubmitted, rejected, withdrawn, issued (completed or ready_for_handover),
    completed.
    """

    class Meta:
        model = dict  # not used: _create builds the case through the services

    world = None
    service = "agency"  # agency | village | other
    channel = "online"  # online | village | counter
    state = "submitted"
    key = None

    @classmethod
    def _create(cls, model_class, *, world, service, channel, state, key, **kwargs):
        from pintu.cases import services as cs

        svc = {
            "agency": world.agency_service,
            "village": world.village_service,
            "other": world.other_service,
        }[service]
        if channel == "online":
            actor, applicant, on_behalf = world.users["citizen"], None, None
        elif channel == "village":
            actor = world.users["village_operator"]
            applicant = cs.ApplicantData(
                name="Budi Santoso",
                nik=make_nik("35.10.24"),
                phone="081333444555",
                village_id=world.village.pk,
            )
            on_behalf = world.village_office.pk
        else:
            actor = world.users["front_office" if service != "other" else "other_front_office"]
            applicant = cs.ApplicantData(
                name="Wati", nik=make_nik("35.10.15", female=True), village_id=world.far_village.pk
            )
            on_behalf = None
        case, _ = cs.case_submit(
            actor=actor,
            service=svc,
            form_data={"purpose": "Keperluan uji"},
            documents={"KTP": pdf_file()},
            applicant=applicant,
            submission_key=key,
            on_behalf_unit_id=on_behalf,
        )
        drive_case(world, case, state, applicant_actor=actor)
        case.refresh_from_db()
        return case


def officer_for(world, case):
    """The fixture user holding the current step's role at its owner unit."""
    from pintu.accounts.access import principal_for

    step = case.current_step
    for user in world.users.values():
        if step and principal_for(user).has_role(step.role, case.current_owner_id):
            return user
    raise LookupError(f"no fixture officer for {step} at {case.current_owner}")


def drive_case(world, case, state, *, applicant_actor):
    from pintu.cases import services as cs
    from pintu.cases.constants import CaseStatus

    def step_once():
        case.refresh_from_db()
        officer = officer_for(world, case)
        kind = case.current_step.kind
        if kind == "review":
            if case.status == CaseStatus.IN_PROGRESS:
                cs.case_verify(actor=officer, case=case)
            else:
                cs.case_forward(actor=officer, case=case)
        elif kind == "approval":
            cs.case_approve(actor=officer, case=case)
        else:
            cs.case_issue(actor=officer, case=case)

    if state == "submitted":
        return
    if state == "verified":
        cs.case_verify(actor=officer_for(world, case), case=case)
    elif state == "forwarded":
        step_once()
        step_once()
    elif state == "at_approval":
        for _ in range(10):
            case.refresh_from_db()
            if case.current_step.kind == "approval":
                return
            step_once()
    elif state in ("returned", "resubmitted"):
        cs.case_return(actor=officer_for(world, case), case=case, note="Foto KTP buram, unggah ulang.")
        if state == "resubmitted":
            cs.case_resubmit(
                actor=applicant_actor, case=case, note="Sudah diunggah ulang.", documents={"KTP": pdf_file()}
            )
    elif state == "rejected":
        cs.case_reject(actor=officer_for(world, case), case=case, note="Data ganda.")
    elif state == "withdrawn":
        cs.case_withdraw(actor=applicant_actor, case=case)
    elif state in ("approved", "issued", "completed"):
        for _ in range(20):
            case.refresh_from_db()
            if state == "approved" and case.current_step and case.current_step.kind == "issuance":
                return
            if case.status in (CaseStatus.COMPLETED, CaseStatus.READY_FOR_HANDOVER):
                break
            step_once()
        case.refresh_from_db()
        if state == "completed" and case.status == CaseStatus.READY_FOR_HANDOVER:
            cs.case_hand_over(actor=world.users["village_operator"], case=case, note="Diserahkan")
    else:
        raise ValueError(state)
