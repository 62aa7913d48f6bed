"""Where an issued PDF is written: directly under the media root for the file-system storage
(a fresh UUID name, never overwriting), through ``Storage.save`` for any other storage."""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from django.core.files.storage import default_storage

from tests.documents_fixtures import issue, pdf_bytes

NAME = re.compile(r"^uploads/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$")


def test_pdf_is_written_under_the_media_root_with_a_uuid_name(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    document = issue(world)
    name = document.pdf.file.name
    assert NAME.match(name), name
    path = tmp_path / name
    assert path.is_file()
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == document.sha256
    assert document.pdf.size == len(data) == os.path.getsize(path)
    assert pdf_bytes(document) == data
    second = issue(world, number="470/002/TMS/XI/2026")
    assert second.pdf.file.name != name and path.read_bytes() == data  # nothing overwritten


def test_other_storages_get_the_pdf_through_storage_save(world, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    document = issue(world)
    assert NAME.match(document.pdf.file.name)
    assert default_storage.exists(document.pdf.file.name)
    with default_storage.open(document.pdf.file.name) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256


@pytest.mark.django_db(transaction=True)
def test_issuing_inside_another_transaction_is_required():
    from pintu.documents.issuing import document_rows

    with pytest.raises(RuntimeError):
        document_rows(
            actor=None,
            document_id=1,
            issuer_unit=None,
            kind="x",
            title="x",
            number="1",
            template="x",
            data={},
        )
