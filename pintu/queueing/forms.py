"""Glue between the shared application form (portal/office) and ``ticket_open_case``."""

from __future__ import annotations

from django import forms

from pintu.cases.services import ApplicantData
from pintu.core.errors import ValidationFailed
from pintu.queueing import services as qs


def submit_case_for_ticket(bundle, *, actor, ticket, service):
    """Submit a valid application bundle as the case of ``ticket``; None with the errors placed
    on the forms."""
    applicant = bundle.applicant.cleaned_data
    form_data = {key: bundle.service.data.get(f"f-{key}") for key in bundle.service.fields}
    for key, field in bundle.service.fields.items():
        if isinstance(field, forms.BooleanField):
            form_data[key] = bool(bundle.service.cleaned_data.get(key))
    documents = {
        name.removeprefix("doc_"): file for name, file in bundle.documents.cleaned_data.items() if file
    }
    try:
        return qs.ticket_open_case(
            actor=actor,
            ticket=ticket,
            service=service,
            form_data=form_data,
            documents=documents,
            applicant=ApplicantData(
                name=applicant.get("applicant_name", ""),
                nik=applicant.get("applicant_nik", ""),
                phone=applicant.get("applicant_phone", ""),
                email=applicant.get("applicant_email", ""),
                address=applicant.get("applicant_address", ""),
                village_id=applicant.get("applicant_village"),
            ),
            submission_key=applicant.get("submission_key") or None,
            note=applicant.get("note", ""),
        )
    except ValidationFailed as exc:
        for name, messages in (exc.fields or {}).items():
            head, _, tail = name.partition(".")
            if head == "documents" and f"doc_{tail}" in bundle.documents.fields:
                target, field = bundle.documents, f"doc_{tail}"
            elif head == "applicant" and f"applicant_{tail}" in bundle.applicant.fields:
                target, field = bundle.applicant, f"applicant_{tail}"
            elif name == "village" and "applicant_village" in bundle.applicant.fields:
                target, field = bundle.applicant, "applicant_village"
            elif name in bundle.service.fields:
                target, field = bundle.service, name
            else:
                target, field = bundle.applicant, None
            for message in messages:
                target.add_error(field, message)
        if not exc.fields:
            bundle.applicant.add_error(None, str(exc.message))
        return None
