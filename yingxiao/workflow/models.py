"""What every process document shares, and the engine's own records: events (append-only), comments,
attachments, notifications, and the number sequences behind document numbers such as DH-2026-000123."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingxiao.core.models import TimeStamped


class WorkflowDocument(TimeStamped):
    """A document that moves through a Flow. Only the engine writes `status`, `version` and the submitter."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=32, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("submitted by"),
    )
    submitted_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("submitted on behalf of"),
    )
    status_changed_at = models.DateTimeField(_("in this state since"), null=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    @property
    def content_type(self) -> ContentType:
        """The content type events, comments and attachments refer to."""
        return ContentType.objects.get_for_model(type(self))


class DocumentLink(models.Model):
    """Points at any process document (content type + id)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["content_type", "object_id"])]


class Event(DocumentLink):
    """One step taken on a document. Append-only: the database refuses UPDATE and DELETE (migration 0002)."""

    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=32)
    to_state = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta(DocumentLink.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state} by {self.actor}"


class Comment(DocumentLink):
    """A remark on a document, outside any step."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment"))
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta(DocumentLink.Meta):
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Stored under MEDIA_ROOT/attachments/<app.model>/<id>/<file name>."""
    ct = instance.content_type
    return f"attachments/{ct.app_label}.{ct.model}/{instance.object_id}/{filename}"


class Attachment(DocumentLink):
    """A file attached to a document (up to 20 MB), served only to users who can see the document."""

    MAX_BYTES = 20 * 1024 * 1024

    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta(DocumentLink.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app message to one user (the bell), usually: a document now waits for you."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class NumberSequence(models.Model):
    """The last number used for a prefix and year (DH-2026-000123 → prefix DH, year 2026, last 123)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
