"""Daily reminder: documents that have waited more than two working days in a state where someone can act.

Working days follow the official Chinese calendar (chinese-calendar: weekends, public holidays and the
make-up working days on weekends)."""

from datetime import date, timedelta

import chinese_calendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .flow import flows
from .permissions import users_waited_for
from .services import document_url, notify

REMIND_AFTER_WORKING_DAYS = 2


def is_working_day(day: date) -> bool:
    """A working day in mainland China; outside the calendar's years, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days


def send_reminders(today: date | None = None) -> int:
    """Remind whoever can act on documents waiting for more than two working days; returns reminders sent."""
    with translation.override(settings.LANGUAGE_CODE):
        return _send_reminders(today or timezone.localdate())


def _send_reminders(today: date) -> int:
    sent = 0
    for flow in flows():
        # Drafts wait for their author, not for an approver: no reminder for the initial state.
        quiet = (*flow.final_states, flow.initial)
        waiting_states = [s for s, _label in flow.states.choices if s not in quiet]
        for document in flow.model._default_manager.filter(status__in=waiting_states):
            since = timezone.localtime(document.status_changed_at).date()
            waited = working_days_between(since, today)
            if waited <= REMIND_AFTER_WORKING_DAYS:
                continue
            users = users_waited_for(flow, document)
            if not users:
                continue
            notify(
                users,
                _("Reminder: %(number)s (%(process)s) has waited %(days)d working days: %(state)s")
                % {
                    "number": document.number,
                    "process": flow.label,
                    "days": waited,
                    "state": flow.state_label(document.status),
                },
                document_url(flow, document),
            )
            sent += len({u.pk for u in users})
    return sent
