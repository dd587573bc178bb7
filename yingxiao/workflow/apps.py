"""App configuration for the workflow engine."""

from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The engine every approval process runs on."""

    name = "yingxiao.workflow"
    label = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        # Each domain app declares its flows in `<app>/workflow.py`; importing it registers them.
        for config in apps.get_app_configs():
            if config.name.startswith("yingxiao.") and config.name != self.name:
                try:
                    import_module(f"{config.name}.workflow")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.workflow":
                        raise
