"""Write docs/workflows/<flow>.md from the flow declarations (`--check` fails when one is stale)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yingxiao.workflow.charts import markdown
from yingxiao.workflow.flow import flows

DOCS_DIR = Path(settings.BASE_DIR) / "docs" / "workflows"


class Command(BaseCommand):
    help = "Generate docs/workflows/*.md from the flow declarations."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if a generated file is stale")

    def handle(self, *args, check=False, **options):
        stale = []
        DOCS_DIR.mkdir(parents=True, exist_ok=True)
        for flow in flows():
            path = DOCS_DIR / f"{flow.name}.md"
            text = markdown(flow)
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            if check:
                stale.append(str(path))
            else:
                path.write_text(text, encoding="utf-8")
                self.stdout.write(f"wrote {path}")
        if stale:
            raise CommandError(
                "stale workflow docs (run `python manage.py workflow_docs`): " + ", ".join(stale)
            )
