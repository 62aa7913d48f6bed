"""Helpers for pages: put a domain error's messages onto a Django form."""

from pintu.core.errors import DomainError


def apply_errors(form, error: DomainError) -> None:
    placed = False
    for name, messages in (error.fields or {}).items():
        key = name.split(".")[-1] if name.split(".")[-1] in form.fields else name
        field = key if key in form.fields else None
        for message in messages:
            form.add_error(field, message)
        placed = True
    if not placed or not error.fields:
        form.add_error(None, str(error.message))
