"""Load the demo company: `python manage.py demo` (safe to run twice).

Each app listed in DEMO_APPS has a `demo.py` with `load(admin)`; they run in that order, so later
processes add their documents on top of the master data.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from yingxiao.accounts.demo import DEMO_PASSWORD, ensure_admin

#: Apps whose demo data is loaded, in dependency order (staff before distributors: reps are assigned).
DEMO_APPS = ["org", "catalog", "accounts", "partners", "inventory", "sales", "aftersales", "rebates"]


class Command(BaseCommand):
    help = "Load the demo company (regions, products, distributors, users). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only into an empty database (no user yet); `make run`",
        )

    def handle(self, *args, **options):
        from yingxiao.accounts.models import User

        if options["if_empty"] and User.objects.exists():
            self.stdout.write("The database has users already: the demo company is not loaded again.")
            if not options["quiet_logins"] and User.objects.filter(username="admin").exists():
                self.print_logins()
            return

        # In-app notifications are part of the demo; the e-mails they would send are not.
        # override_settings is the outer block: the notifications run when the transaction commits.
        with (
            override_settings(
                MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            ),
            transaction.atomic(),
        ):
            admin = ensure_admin()
            for app in DEMO_APPS:
                import_module(f"yingxiao.{app}.demo").load(admin)
        self.stdout.write(self.style.SUCCESS("Demo company loaded."))
        if not options["quiet_logins"]:
            self.print_logins()

    def print_logins(self):
        from yingxiao.accounts.models import User

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        users = User.objects.prefetch_related("memberships__region", "memberships__distributor")
        for user in users.order_by("id"):
            roles = ", ".join(f"{m.get_role_display()}·{m.scope_label}" for m in user.memberships.all())
            self.stdout.write(f"  {user.username:<18} {user.display_name:<8} {roles}")
