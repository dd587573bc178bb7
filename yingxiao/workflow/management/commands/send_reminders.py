"""`python manage.py send_reminders` — run once a day (cron or a scheduler)."""

from django.core.management.base import BaseCommand

from yingxiao.workflow.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind users of documents waiting more than two working days."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_reminders()} reminder(s) sent")
