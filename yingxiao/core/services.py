"""Shared write helpers: every master-data create or update validates, saves and leaves an audit entry."""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .excel import ImportColumn, cell_text, import_all_or_nothing, read_rows
from .models import AuditEntry


def _display(value: Any) -> str:
    return "" if value is None else str(value)


def audit_record(*, actor, instance: models.Model, action: str, changes: dict | None = None) -> AuditEntry:
    """Append an audit entry for `instance` (changes: field → [old, new])."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes or {},
    )


@transaction.atomic
def record_create(*, actor, model: type[models.Model], data: dict, action: str = AuditEntry.Action.CREATE):
    """Create a record from `data` after full validation, and audit it."""
    instance = model(**data)
    instance.full_clean()
    instance.save()
    audit_record(
        actor=actor, instance=instance, action=action, changes={k: ["", _display(v)] for k, v in data.items()}
    )
    return instance


@transaction.atomic
def record_update(*, actor, instance: models.Model, data: dict, action: str = AuditEntry.Action.UPDATE):
    """Change the given fields after full validation; audit only the values that really changed."""
    before = {k: getattr(instance, k) for k in data}
    for key, value in data.items():
        setattr(instance, key, value)
    instance.full_clean()
    instance.save()
    changes = {k: [_display(before[k]), _display(v)] for k, v in data.items() if before[k] != v}
    if changes:
        audit_record(actor=actor, instance=instance, action=action, changes=changes)
    return instance


def import_by_code(
    *,
    actor,
    file,
    columns: Sequence[ImportColumn],
    model: type[models.Model],
    fields_from_row: Callable[[dict], dict],
) -> int:
    """Create or update records of `model` from an Excel file, matched by code; all rows or none."""
    rows = read_rows(file, columns)
    seen: set[str] = set()

    def save(record: dict) -> None:
        code = cell_text(record.get("code"))
        if code in seen:
            raise ValidationError({"code": _("Code '%(code)s' appears twice in the file.") % {"code": code}})
        seen.add(code)
        fields = fields_from_row(record)
        existing = model._default_manager.filter(code=code).first()
        if existing:
            # Columns the file does not have keep their current values.
            fields = {key: value for key, value in fields.items() if key in record}
            record_update(actor=actor, instance=existing, data=fields, action=AuditEntry.Action.IMPORT)
        else:
            record_create(
                actor=actor, model=model, data={"code": code, **fields}, action=AuditEntry.Action.IMPORT
            )

    return import_all_or_nothing(rows, save, labels={c.key: c.label for c in columns})
