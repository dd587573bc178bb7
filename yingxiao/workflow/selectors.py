"""Reads of the engine: the inbox (待办 / 已办 / 我发起的), a document's steps for a user, its timeline,
comments, attachments, and the user's notifications."""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from yingxiao.accounts.models import User

from .flow import Flow, Step, flows
from .models import Attachment, Comment, Event, Notification
from .permissions import actionable_q, can_take

INBOX_LIMIT = 200


@dataclass(frozen=True)
class InboxItem:
    """One document in an inbox list."""

    flow: Flow
    document: Any

    @property
    def state_label(self) -> str:
        return self.flow.state_label(self.document.status)


def _documents(flow: Flow, user: User) -> QuerySet:
    return flow.selector(user).select_related("created_by")


def inbox_todo(user: User, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """Documents, across every process, on which the user can take a step now (oldest waiting first)."""
    items = []
    for flow in flows():
        q = actionable_q(flow, user)
        if q is None:
            continue
        for doc in _documents(flow, user).filter(q).order_by("status_changed_at")[:limit]:
            items.append(InboxItem(flow, doc))
    return sorted(items, key=lambda i: i.document.status_changed_at)[:limit]


def inbox_counts(user: User) -> int:
    """How many documents wait for the user (one query per process)."""
    total = 0
    for flow in flows():
        q = actionable_q(flow, user)
        if q is not None:
            total += flow.selector(user).filter(q).count()
    return total


def inbox_done(user: User, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """Documents on which the user took a step (as actor), most recent first."""
    items = []
    for flow in flows():
        ct = ContentType.objects.get_for_model(flow.model)
        ids = Event.objects.filter(content_type=ct, actor=user).exclude(action="create").values("object_id")
        for doc in _documents(flow, user).filter(pk__in=ids).order_by("-updated_at")[:limit]:
            items.append(InboxItem(flow, doc))
    return sorted(items, key=lambda i: i.document.updated_at, reverse=True)[:limit]


def inbox_mine(user: User, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """Documents the user created, most recent first."""
    items = []
    for flow in flows():
        for doc in _documents(flow, user).filter(created_by=user).order_by("-created_at")[:limit]:
            items.append(InboxItem(flow, doc))
    return sorted(items, key=lambda i: i.document.created_at, reverse=True)[:limit]


def available_steps(flow: Flow, document, user: User) -> list[Step]:
    """The steps `user` may take on `document` now (one per action), less those whose `offered` says no."""
    return [
        s
        for s in flow.steps_from(document.status)
        if not s.automatic
        and can_take(flow, s, document, user)
        and (s.offered is None or s.offered(document))
    ]


def events_of(document) -> QuerySet[Event]:
    """The document's timeline, oldest first."""
    ct = ContentType.objects.get_for_model(type(document))
    return Event.objects.filter(content_type=ct, object_id=document.pk).select_related(
        "actor", "on_behalf_of"
    )


def comments_of(document) -> QuerySet[Comment]:
    """The document's comments, oldest first."""
    ct = ContentType.objects.get_for_model(type(document))
    return Comment.objects.filter(content_type=ct, object_id=document.pk).select_related("author")


def attachments_of(document) -> QuerySet[Attachment]:
    """The document's attachments, oldest first."""
    ct = ContentType.objects.get_for_model(type(document))
    return Attachment.objects.filter(content_type=ct, object_id=document.pk).select_related("uploaded_by")


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    """Unread notifications (the number on the bell)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
