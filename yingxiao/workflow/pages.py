"""The document page every process reuses: header, step buttons, timeline, comments, attachments and
the flowchart. A process's detail view subclasses DocumentPage and adds its own body."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.shortcuts import render
from django.utils.translation import gettext as _

from yingxiao.core.pages import Page

from .charts import mermaid
from .flow import Flow, Step
from .selectors import attachments_of, available_steps, comments_of, events_of


def document_context(flow: Flow, document, user) -> dict:
    """Everything the shared document partials need."""
    events = list(events_of(document))
    taken = [(e.from_state, e.to_state) for e in events if e.from_state]
    steps = available_steps(flow, document, user)
    return {
        "flow": flow,
        "document": document,
        "state_label": flow.state_label(document.status),
        "is_final": document.status in flow.final_states,
        "steps": [
            {"step": s, "form": s.form(document=document, prefix=s.action) if s.form else None} for s in steps
        ],
        "events": [(e, flow.state_label(e.to_state), _label_of(flow, e.action)) for e in events],
        "comments": comments_of(document),
        "attachments": attachments_of(document),
        "chart": mermaid(flow, current=document.status, taken=taken),
    }


def step_error_message(step: Step | None, document, error: ValidationError) -> str:
    """A refused step's ValidationError as one line for the page: an error on a field of the step's form
    is prefixed with the field's label (not its key); any other key (`__all__`, the action, a guard's own
    key such as `refund`) is not shown, only its message."""
    if not hasattr(error, "message_dict"):
        return " ".join(error.messages)
    fields = step.form(document=document, prefix=step.action).fields if step and step.form else {}
    parts = []
    for key, msgs in error.message_dict.items():
        text = " ".join(msgs)
        if key in fields:
            parts.append(f"{fields[key].label or pretty_name(key)}: {text}")
        else:
            parts.append(text)
    return "; ".join(parts)


def _label_of(flow: Flow, action: str) -> str:
    if action == "create":
        return _("Created")
    step = next((s for s in flow.steps if s.action == action), None)
    return str(step.label) if step else action


class DocumentPage(Page):
    """GET a document the user can see (404 otherwise), with the shared parts in the context."""

    flow: ClassVar[Flow]
    template_name: ClassVar[str]

    def extra_context(self, document) -> dict:
        """The process's own context (lines, totals …)."""
        return {}

    def get(self, request, pk: int):
        flow = type(self).flow
        document = flow.getter(user=request.user, pk=pk)
        context = {
            "title": f"{flow.label} {document.number}",
            **document_context(flow, document, request.user),
            **self.extra_context(document),
        }
        return render(request, self.template_name, context)
