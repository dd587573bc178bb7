"""The document page every process reuses: header, step buttons, timeline, comments, attachments and
the flowchart. A process's detail view subclasses DocumentPage and adds its own body."""

from typing import ClassVar

from django.shortcuts import render
from django.utils.translation import gettext as _

from yingxiao.core.pages import Page

from .charts import mermaid
from .flow import Flow
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
