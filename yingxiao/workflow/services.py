"""The engine: `perform` takes any step of any flow; plus document start, comments, attachments,
notifications and document numbers."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yingxiao.accounts.models import User
from yingxiao.core.exceptions import Conflict

from .flow import Flow, Step, flow_for_model
from .models import Attachment, Comment, Event, Notification, NumberSequence, WorkflowDocument
from .permissions import acting_principal, users_waited_for

logger = logging.getLogger(__name__)


def next_number(prefix: str, year: int | None = None) -> str:
    """The next document number for a prefix, e.g. DH-2026-000123 (gap-free within a committed year)."""
    year = year or timezone.localdate().year
    for _attempt in range(3):
        try:
            with transaction.atomic():
                sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
                    prefix=prefix, year=year
                )
                sequence.last += 1
                sequence.save(update_fields=["last"])
                return f"{prefix}-{year}-{sequence.last:06d}"
        except IntegrityError:  # two first documents of the year at once: the loser retries
            continue
    raise Conflict(_("Could not allocate a document number; please try again."))


@transaction.atomic
def document_start(*, flow: Flow, document: WorkflowDocument, actor: User) -> WorkflowDocument:
    """Give a new document its number and initial state, save it, and record its creation."""
    document.number = next_number(flow.number_prefix)
    document.status = flow.initial
    document.created_by = actor
    document.status_changed_at = timezone.now()
    document.full_clean()
    document.save()
    Event.objects.create(
        content_type=document.content_type,
        object_id=document.pk,
        action="create",
        from_state="",
        to_state=flow.initial,
        actor=actor,
    )
    return document


def _locked(document: WorkflowDocument) -> WorkflowDocument:
    """Re-read the document inside the transaction, row-locked where the database can."""
    return type(document)._default_manager.select_for_update().get(pk=document.pk)


def _check_step(flow: Flow, document: WorkflowDocument, action: str, expected_version: int | None) -> Step:
    if expected_version is not None and expected_version != document.version:
        raise Conflict(
            _("This document was changed by someone else (version %(have)s, you had %(had)s). Reload it.")
            % {"have": document.version, "had": expected_version},
            code="stale_version",
        )
    if action not in flow.actions():
        raise ValidationError({"action": _("Unknown action '%(action)s'.") % {"action": action}})
    step = flow.step(document.status, action)
    if step is None:
        raise Conflict(
            _("'%(action)s' is not possible while the document is %(state)s.")
            % {"action": flow.action_label(action), "state": flow.state_label(document.status)},
            code="wrong_state",
        )
    return step


def _clean_data(step: Step, document: WorkflowDocument, data: dict | None) -> dict:
    """Validate the step's extra input with its form (built for this document), if it declares one."""
    data = data or {}
    if step.form is None:
        return data
    form = step.form(data=data, document=document)
    if not form.is_valid():
        raise ValidationError({k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})
    return form.cleaned_data


def perform(
    *,
    document: WorkflowDocument,
    action: str,
    actor: User,
    comment: str = "",
    data: dict | None = None,
    expected_version: int | None = None,
) -> WorkflowDocument:
    """Take a step, all or nothing: lock, check state and version (409), role, scope, delegation and
    segregation of duties (403), comment and input (400), run guard and effect, write status and event."""
    flow = flow_for_model(type(document))
    with transaction.atomic():
        doc = _locked(document)
        # Without an explicit version, the caller's copy is the version they saw: if someone else moved the
        # document meanwhile (two approvers at once), the loser gets 409, not a confusing 403.
        seen = expected_version if expected_version is not None else document.version
        step = _check_step(flow, doc, action, seen)
        principal, on_behalf_of = acting_principal(flow, step, doc, actor)
        comment = (comment or "").strip()
        if step.comment_required and not comment:
            raise ValidationError({"comment": _("A comment is required for this step.")})
        cleaned = _clean_data(step, doc, data)
        if step.guard:
            step.guard(doc, actor, cleaned)
        recorded: dict[str, Any] = {}
        if step.effect:
            recorded = step.effect(doc, actor, cleaned) or {}
        from_state = doc.status
        doc.status = step.target
        doc.version += 1
        doc.status_changed_at = timezone.now()
        fields = ["status", "version", "status_changed_at", "updated_at"]
        if step.submits:
            doc.submitted_by = actor
            doc.submitted_for = on_behalf_of
            fields += ["submitted_by", "submitted_for"]
        doc.save(update_fields=fields)
        Event.objects.create(
            content_type=doc.content_type,
            object_id=doc.pk,
            action=step.action,
            from_state=from_state,
            to_state=step.target,
            actor=actor,
            on_behalf_of=on_behalf_of,
            comment=comment,
            data=recorded,
        )
        transaction.on_commit(lambda: notify_after_step(flow, doc, step, actor))
    return doc


def document_url(flow: Flow, document: WorkflowDocument) -> str:
    """The document's page."""
    return reverse(flow.detail_url_name, args=[document.pk])


def notify(users: list[User], text: str, url: str) -> None:
    """An in-app notification for each user, and an email to those with an address."""
    users = [u for u in {u.pk: u for u in users}.values() if u.is_active]
    if not users:
        return
    Notification.objects.bulk_create([Notification(user=u, text=text[:300], url=url) for u in users])
    messages = [EmailMessage(text, f"{text}\n\n{url}", None, [u.email]) for u in users if u.email]
    try:
        mailers.default.send_messages(messages)
    except OSError:  # the step is already committed; a mail server outage must not hide that
        logger.warning("notification e-mail not sent", exc_info=True)


def notify_after_step(flow: Flow, document: WorkflowDocument, step: Step, actor: User) -> None:
    """Tell whoever can act next that the document waits for them, and the creator what happened.
    Messages are stored in the house language (Chinese), whatever language the actor uses."""
    with translation.override(settings.LANGUAGE_CODE):
        _notify_after_step(flow, document, step, actor)


def _notify_after_step(flow: Flow, document: WorkflowDocument, step: Step, actor: User) -> None:
    url = document_url(flow, document)
    waiting = [u for u in users_waited_for(flow, document) if u.pk != actor.pk]
    notify(
        waiting,
        _("%(number)s (%(process)s) waits for you: %(state)s")
        % {"number": document.number, "process": flow.label, "state": flow.state_label(document.status)},
        url,
    )
    if document.created_by_id != actor.pk and document.created_by not in waiting:
        notify(
            [document.created_by],
            _("%(number)s: %(actor)s – %(step)s → %(state)s")
            % {
                "number": document.number,
                "actor": actor,
                "step": step.label,
                "state": flow.state_label(document.status),
            },
            url,
        )


def comment_add(*, document: WorkflowDocument, actor: User, text: str) -> Comment:
    """A remark on a document the actor can see."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    return Comment.objects.create(
        content_type=document.content_type, object_id=document.pk, author=actor, text=text
    )


def attachment_add(*, document: WorkflowDocument, actor: User, upload) -> Attachment:
    """Attach a file (at most 20 MB) to a document the actor can see."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    if upload.size > Attachment.MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    return Attachment.objects.create(
        content_type=document.content_type,
        object_id=document.pk,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        uploaded_by=actor,
    )


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's notifications (all, or the given ones) as read."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
