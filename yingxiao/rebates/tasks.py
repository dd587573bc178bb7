"""Background work of the rebates app (Django's tasks framework; `manage.py db_worker` runs it)."""

from django.conf import settings
from django.tasks import task
from django.utils import timezone, translation

from .calculation import run_compute
from .choices import CalcStatus
from .models import RebateRun


@task
def compute_rebate_run(run_id: int) -> str:
    """Compute one queued run (`run_compute`); a run in any other computation state is left alone.
    Returns the final calc_status. A failure marks the run failed with its message (in the house
    language) and is raised again, so the worker records it too."""
    claimed = RebateRun.objects.filter(pk=run_id, calc_status=CalcStatus.QUEUED).update(
        calc_status=CalcStatus.RUNNING, progress=1, updated_at=timezone.now()
    )
    if not claimed:
        return RebateRun.objects.filter(pk=run_id).values_list("calc_status", flat=True).first() or ""
    run = RebateRun.objects.select_related("policy").get(pk=run_id)
    with translation.override(settings.LANGUAGE_CODE):
        run_compute(run)
    return CalcStatus.DONE
