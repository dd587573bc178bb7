"""Taking a step from a page, comments, attachments, the inbox and notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingxiao.core.excel import validation_message
from yingxiao.core.exceptions import Conflict

from . import selectors, services
from .flow import flow_named, flows
from .models import Attachment
from .pages import step_error_message


def _flow_and_document(request, flow_name: str, pk: int):
    try:
        flow = flow_named(flow_name)
    except KeyError:
        raise Http404 from None
    return flow, flow.getter(user=request.user, pk=pk)


def _step_data(request, action: str) -> dict:
    """The step form's fields as posted (they carry the step's prefix)."""
    prefix = f"{action}-"
    return {k[len(prefix) :]: v for k, v in request.POST.items() if k.startswith(prefix)}


@require_POST
@login_required
def take_step(request, flow_name: str, pk: int, action: str):
    """Perform a step from the document page; errors come back as a message on the same page."""
    flow, document = _flow_and_document(request, flow_name, pk)
    version = request.POST.get("version", "")
    step = flow.step(document.status, action)
    try:
        if version and not version.isdigit():
            raise ValidationError({"version": _("The page sent an invalid version; reload it.")})
        services.perform(
            document=document,
            action=action,
            actor=request.user,
            comment=request.POST.get("comment", ""),
            data=_step_data(request, action),
            expected_version=int(version) if version else None,
        )
    except (PermissionDenied, Conflict) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, step_error_message(step, document, exc))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": step.label if step else action})
    return redirect(flow.detail_url_name, pk=pk)


@require_POST
@login_required
def add_comment(request, flow_name: str, pk: int):
    """Add a remark to a visible document."""
    flow, document = _flow_and_document(request, flow_name, pk)
    try:
        services.comment_add(document=document, actor=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
    return redirect(flow.detail_url_name, pk=pk)


@require_POST
@login_required
def add_attachment(request, flow_name: str, pk: int):
    """Attach a file to a visible document."""
    flow, document = _flow_and_document(request, flow_name, pk)
    try:
        services.attachment_add(document=document, actor=request.user, upload=request.FILES.get("file"))
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
    return redirect(flow.detail_url_name, pk=pk)


@login_required
def download_attachment(request, pk: int):
    """Serve an attachment only to users who can see its document (404 otherwise)."""
    attachment = get_object_or_404(Attachment, pk=pk)
    model = ContentType.objects.get_for_id(attachment.content_type_id).model_class()
    flow = next((f for f in flows() if f.model is model), None)
    if flow is None:
        raise Http404
    flow.getter(user=request.user, pk=attachment.object_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
def inbox(request):
    """待办 / 已办 / 我发起的."""
    tab = request.GET.get("tab", "todo")
    loaders = {"todo": selectors.inbox_todo, "done": selectors.inbox_done, "mine": selectors.inbox_mine}
    items = loaders.get(tab, selectors.inbox_todo)(request.user)
    return render(request, "workflow/inbox.html", {"title": _("Inbox"), "tab": tab, "items": items})


@login_required
def notifications(request):
    """The user's notifications; POST marks them all read."""
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user)
        return redirect("workflow:notifications")
    items = selectors.notifications_for(request.user)[:100]
    return render(request, "workflow/notifications.html", {"title": _("Notifications"), "items": items})
