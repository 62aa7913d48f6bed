"""The application form shared by the citizen portal and the staff front door: applicant
details, the service's own fields and its documents, submitted through ``case_submit``."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from pintu.cases.services import ApplicantData, case_submit
from pintu.catalog.forms import application_form_class
from pintu.core.errors import ValidationFailed
from pintu.portal.forms import applicant_form_class, documents_fields


@dataclass
class ApplicationForms:
    applicant: forms.Form
    service: forms.Form
    documents: forms.Form

    def all(self):
        return (self.applicant, self.service, self.documents)

    def is_valid(self) -> bool:
        return all(form.is_valid() for form in self.all())


def build_forms(version, *, staff: bool, data=None, files=None, applicant_initial=None) -> ApplicationForms:
    documents_form = type("DocumentsForm", (forms.Form,), documents_fields(version, required=True))
    return ApplicationForms(
        applicant=applicant_form_class(staff=staff)(data=data, initial=applicant_initial or {}),
        service=application_form_class(version)(data=data, prefix="f"),
        documents=documents_form(data=data, files=files),
    )


def place_errors(bundle: ApplicationForms, error: ValidationFailed) -> None:
    for name, messages in (error.fields or {}).items():
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
    if not error.fields:
        bundle.applicant.add_error(None, str(error.message))


def submission_arguments(bundle: ApplicationForms) -> dict:
    """The keyword arguments of ``case_submit`` that a valid bundle carries (form data,
    documents, applicant, submission key, note)."""
    applicant = bundle.applicant.cleaned_data
    form_data = {key: bundle.service.data.get(f"f-{key}") for key in bundle.service.fields}
    for key, field in bundle.service.fields.items():
        if isinstance(field, forms.BooleanField):
            form_data[key] = bool(bundle.service.cleaned_data.get(key))
    documents = {
        name.removeprefix("doc_"): file for name, file in bundle.documents.cleaned_data.items() if file
    }
    return {
        "form_data": form_data,
        "documents": documents,
        "applicant": ApplicantData(
            name=applicant.get("applicant_name", ""),
            nik=applicant.get("applicant_nik", ""),
            phone=applicant.get("applicant_phone", ""),
            email=applicant.get("applicant_email", ""),
            address=applicant.get("applicant_address", ""),
            village_id=applicant.get("applicant_village"),
        ),
        "submission_key": applicant.get("submission_key") or None,
        "note": applicant.get("note", ""),
    }


def submit_with(bundle: ApplicationForms, verb, **kwargs):
    """Call ``verb`` (``case_submit`` or a verb that wraps it) with the bundle's arguments;
    returns its result, or None with the service's errors placed on the forms."""
    try:
        return verb(**submission_arguments(bundle), **kwargs)
    except ValidationFailed as exc:
        place_errors(bundle, exc)
        return None


def submit(bundle: ApplicationForms, *, actor, service, on_behalf_unit_id=None):
    """Submit a valid bundle; returns (case, created) or None with errors placed on the forms."""
    return submit_with(bundle, case_submit, actor=actor, service=service, on_behalf_unit_id=on_behalf_unit_id)
