"""Notifications after a step (in-app and email, to whoever can act next), the bell, marking read, and the
daily reminder for documents waiting more than two working days (Chinese calendar)."""

import re
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yingxiao.inventory.models import TransferRequest
from yingxiao.inventory.tests.helpers import new_transfer, person, take, transfer_in
from yingxiao.workflow.models import Notification
from yingxiao.workflow.reminders import send_reminders, working_days_between
from yingxiao.workflow.selectors import unread_count

pytestmark = pytest.mark.django_db


def notified(username: str, number: str) -> list[Notification]:
    return list(Notification.objects.filter(user__username=username, text__contains=number))


def mailed(username: str, number: str) -> list:
    address = person(username).email
    return [m for m in mail.outbox if address in m.to and number in m.subject]


def test_a_submit_tells_the_regions_manager_in_app_and_by_email(django_capture_on_commit_callbacks):
    draft = new_transfer()
    with django_capture_on_commit_callbacks(execute=True):
        take(draft, "submit", "rep_east")
    [note] = notified("manager_east", draft.number)
    assert note.read_at is None
    assert note.url == reverse("inventory:transfer_detail", args=[draft.pk])
    assert len(mailed("manager_east", draft.number)) == 1
    assert notified("manager_north", draft.number) == []
    assert mailed("manager_north", draft.number) == []
    assert notified("rep_east", draft.number) == []  # the actor is not told what he just did
    assert notified("director", draft.number) == []  # not his turn yet


def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    draft = new_transfer()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        take(draft, "submit", "rep_east")
    assert len(callbacks) == 1
    assert notified("manager_east", draft.number) == []
    assert mail.outbox == []


def test_the_next_approver_and_the_requester_hear_of_an_approval(django_capture_on_commit_callbacks):
    waiting = transfer_in("manager_review")
    with django_capture_on_commit_callbacks(execute=True):
        take(waiting, "approve", "manager_east")
    assert len(notified("director", waiting.number)) == 1
    assert len(notified("rep_east", waiting.number)) == 1  # once, though he is both creator and may withdraw
    assert notified("manager_east", waiting.number) == []


def test_the_bell_shows_the_unread_count_and_post_marks_them_read(
    client_as, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            take(new_transfer(), "submit", "rep_east")
    manager = person("manager_east")
    unread = unread_count(manager)
    assert unread >= 2
    client = client_as("manager_east")
    html = client.get(reverse("workflow:notifications")).content.decode()
    bell = re.search(r"data-unread-count>\s*(\d+)\s*<", html)
    assert bell and int(bell.group(1)) == unread
    response = client.post(reverse("workflow:notifications"))
    assert response.status_code == 302
    assert unread_count(manager) == 0
    assert "data-unread-count" not in client.get(reverse("workflow:notifications")).content.decode()
    # only his own were marked read
    other = Notification.objects.create(user=person("manager_north"), text="x")
    client.post(reverse("workflow:notifications"))
    other.refresh_from_db()
    assert other.read_at is None


def test_a_get_of_the_notifications_page_marks_nothing_read(client_as):
    Notification.objects.create(user=person("director"), text="DH-TEST waits for you")
    response = client_as("director").get(reverse("workflow:notifications"))
    assert "DH-TEST waits for you" in response.content.decode()
    assert unread_count(person("director")) >= 1


# --- reminders --------------------------------------------------------------------------------------


def waiting_since(day: date) -> TransferRequest:
    document = transfer_in("manager_review")
    since = timezone.make_aware(datetime.combine(day, time(10, 0)))
    TransferRequest.objects.filter(pk=document.pk).update(status_changed_at=since)
    return document


def test_working_days_follow_the_chinese_calendar():
    # National Day 2025: 1–8 October off; Saturday 11 October is a make-up working day
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3
    assert working_days_between(date(2025, 10, 10), date(2025, 10, 13)) == 2  # Sat (worked) + Mon


def test_a_reminder_goes_out_after_more_than_two_working_days():
    document = waiting_since(date(2025, 9, 30))
    # nine calendar days, but only 2 working days (the holiday): not yet
    assert send_reminders(today=date(2025, 10, 10)) == 0
    assert notified("manager_east", document.number) == []
    sent = send_reminders(today=date(2025, 10, 11))
    assert sent >= 1
    [note] = notified("manager_east", document.number)
    assert re.search(r"(?<![\d-])3(?!\d)", note.text.replace(document.number, "")), (
        note.text
    )  # 3 working days
    assert len(mailed("manager_east", document.number)) == 1
    assert notified("manager_north", document.number) == []


def test_drafts_and_finished_documents_get_no_reminder():
    draft = new_transfer()
    done = transfer_in("received")
    long_ago = timezone.make_aware(datetime(2025, 9, 1, 10))
    TransferRequest.objects.filter(pk__in=[draft.pk, done.pk]).update(status_changed_at=long_ago)
    send_reminders(today=date(2025, 10, 20))
    assert not Notification.objects.filter(text__contains=draft.number).exists()
    assert not Notification.objects.filter(text__contains=done.number).exists()


def test_the_send_reminders_command_runs():
    document = waiting_since(timezone.localdate() - timedelta(days=60))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert re.match(r"\d+ reminder\(s\) sent", out.getvalue())
    assert notified("manager_east", document.number)


def test_the_requester_is_told_what_happened_not_that_it_waits_for_him(django_capture_on_commit_callbacks):
    """Withdraw is optional: after the manager's approval the request waits for HQ, not for the rep."""
    waiting = transfer_in("manager_review")
    with django_capture_on_commit_callbacks(execute=True):
        take(waiting, "approve", "manager_east")
    [note] = notified("rep_east", waiting.number)
    assert "待您处理" not in note.text
    assert "待您处理" in notified("director", waiting.number)[0].text


def test_a_delegate_is_told_what_waits_for_the_delegator(django_capture_on_commit_callbacks):
    from yingxiao.accounts.services import delegation_create

    today = timezone.localdate()
    manager = person("manager_east")
    delegation_create(actor=manager, from_user=manager, to_user=person("rep_north"), start=today, end=today)
    draft = new_transfer()
    with django_capture_on_commit_callbacks(execute=True):
        take(draft, "submit", "rep_east")
    assert len(notified("rep_north", draft.number)) == 1
    assert len(mailed("rep_north", draft.number)) == 1
    assert notified("manager_north", draft.number) == []
