"""Shared model pieces: timestamps, pinyin search text, and the audit log of master-data changes."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from .search import build_search_text


class TimeStamped(models.Model):
    """Adds created and updated times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Searchable(models.Model):
    """A record found by code, name and pinyin; `search_fields` names the attributes indexed."""

    search_fields: tuple[str, ...] = ("code", "name")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def refresh_search_text(self) -> None:
        """Recompute the indexed text from the current field values."""
        self.search_text = build_search_text(*(str(getattr(self, f) or "") for f in self.search_fields))


class AuditEntry(models.Model):
    """One change to a master-data record: who, when, what, and the changed values (old → new)."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")  # a record was created
        UPDATE = "update", _("updated")  # fields of a record changed
        IMPORT = "import", _("imported")  # created or updated by an Excel import

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=64)
    object_id = models.CharField(_("record"), max_length=64)
    object_repr = models.CharField(_("record name"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def _model(self):
        try:
            return apps.get_model(self.model)
        except (LookupError, ValueError):
            return None

    @property
    def model_label(self) -> str:
        """The record type in words (经销商), not its code (partners.distributor)."""
        model = self._model()
        return str(model._meta.verbose_name) if model else self.model

    @property
    def changes_display(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) for each change, with the fields' translated names."""
        model = self._model()
        rows = []
        for name, (old, new) in self.changes.items():
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            if field is None:
                rows.append((name, old, new))
                continue
            choices = {str(k): str(v) for k, v in field.flatchoices} if field.choices else {}
            rows.append((str(field.verbose_name), choices.get(old, old), choices.get(new, new)))
        return rows

    @property
    def changes_text(self) -> str:
        """The changes on one line, for lists and exports."""
        return "; ".join(f"{label}: {old or '∅'} → {new or '∅'}" for label, old, new in self.changes_display)


class IdempotencyRecord(models.Model):
    """The stored answer to a POST sent with an `Idempotency-Key` header: repeating the request with the
    same key returns this answer instead of acting again (refunds, payouts, any workflow step)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("idempotency key"), max_length=100)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    body = models.JSONField(_("response"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
