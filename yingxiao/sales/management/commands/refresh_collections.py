"""`python manage.py refresh_collections` — daily, from cron (e.g. `5 0 * * *`): open a collection task
(催收) for each newly overdue invoice, assigned to the distributor's rep, and escalate to the regional
manager every task whose promised payment date has passed with the invoice still open."""

from argparse import ArgumentTypeError
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yingxiao.sales.choices import CollectionStatus
from yingxiao.sales.models import CollectionTask
from yingxiao.sales.services import collection_tasks_refresh


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(_("a day as YYYY-MM-DD, not '%(text)s'") % {"text": text}) from None


class Command(BaseCommand):
    help = (
        "Open collection tasks for overdue invoices and escalate broken promises to the regional manager. "
        "Run daily; running twice on a day does nothing the second time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_day, default=None, help="as of this day (YYYY-MM-DD; default today)"
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        if isinstance(today, str):  # call_command(date="…") skips argparse's conversion
            try:
                today = _day(today)
            except ArgumentTypeError as exc:
                raise CommandError(f"--date: {exc}") from None
        started = timezone.now()
        # Notifications to the managers are stored in the house language, whatever the shell's.
        with translation.override(settings.LANGUAGE_CODE):
            result = collection_tasks_refresh(today=today)
            if options["verbosity"] >= 2:
                self.list_changes(started)
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Collection as of %(day)s: %(created)d task(s) opened for overdue invoices, "
                        "%(escalated)d escalated for broken promises."
                    )
                    % {"day": today.isoformat(), **result}
                )
            )

    def list_changes(self, since) -> None:
        """With -v 2: which tasks were opened (and for whom) and which were escalated (to whom)."""
        changed = CollectionTask.objects.filter(updated_at__gte=since).select_related(
            "invoice", "assignee", "escalated_to"
        )
        for task in changed.order_by("invoice__number"):
            if task.status == CollectionStatus.ESCALATED:
                who = task.escalated_to or _("nobody (the region has no manager)")
                self.stdout.write(
                    _("  escalated %(invoice)s → %(who)s") % {"invoice": task.invoice, "who": who}
                )
            elif task.created_at >= since:
                self.stdout.write(
                    _("  opened %(invoice)s → %(who)s") % {"invoice": task.invoice, "who": task.assignee}
                )
