"""Audit trail. Every service that writes calls ``audit_record`` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models, transaction

from pintu.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def audit_entry_build(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    changes: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """An unsaved audit row, for a service that writes several rows of one change in one INSERT
    (``AuditEntry.objects.bulk_create``) inside the change's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor_obj,
        actor_label=(actor_obj.get_username() if actor_obj else "sistem"),
        verb=verb,
        object_type=object_type or "",
        object_id=object_id or "",
        object_label=str(obj)[:200] if obj is not None else "",
        changes=_plain(changes or {}),
        ip_address=ip_address,
    )


def audit_record(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    changes: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    entry = audit_entry_build(
        actor=actor,
        verb=verb,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        ip_address=ip_address,
    )
    entry.save(force_insert=True)
    return entry
