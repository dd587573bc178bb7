"""Flow declarations: a process is a table of Steps, declared once in its app's `workflow.py`.

From the same table come the action buttons, `available_actions` in the API, the inbox, the flowchart,
the generated docs/workflows/*.md and the test matrix over every state × action × role.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise


class Reach(models.TextChoices):
    """Which documents a role holder may act on in a step."""

    REGION = "region", "own region"  # the role is held for the document's region (or company-wide)
    COMPANY = "company", "company"  # anyone holding the role
    DISTRIBUTOR = "distributor", "own distributor"  # a portal user of the document's distributor
    WAREHOUSE = "warehouse", "own warehouse"  # the role is held for the step's warehouse (or company-wide)
    ASSIGNEE = "assignee", "assignee"  # the document's assignee holding the role
    CREATOR = "creator", "creator"  # whoever created the document (withdraw, resubmit)


Hook = Callable[..., Any]


@dataclass(frozen=True)
class Step:
    """One transition: `action` from `source` state(s) to `target`, taken by holders of `roles`.

    guard(document, actor, data) raises ValidationError (400) or Conflict (409) to refuse;
    effect(document, actor, data) does the step's work and may return a dict recorded in the event.
    `approval` steps can't be taken by the document's submitter, through any role or delegation.
    `submits` marks the step whose actor becomes the submitter.
    `form` is a Django form class taking `document=`; its cleaned data reaches guard and effect.
    `optional` steps (withdraw, cancel) may be taken but nobody waits for them: they put nothing in the
    inbox and send no notification or reminder.
    `automatic` steps are taken by a service when their moment comes (an order is paid when its invoice is);
    they show no button and wait for nobody.
    `offered(document)`, when set, hides the step's button (and its `available_actions` entry) unless it
    holds, e.g. a step whose guard would refuse anyway; the guard still decides, and the inbox ignores it.
    """

    action: str
    source: str | tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    label: str | Promise
    reach: str = Reach.REGION
    warehouse_field: str = ""
    comment_required: bool = False
    approval: bool = False
    submits: bool = False
    guard: Hook | None = None
    effect: Hook | None = None
    optional: bool = False
    automatic: bool = False
    style: str = "primary"
    confirm: str | Promise = ""
    form: Any = None
    offered: Callable[[Any], bool] | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """The states this step may start from."""
        return self.source if isinstance(self.source, tuple) else (self.source,)


@dataclass
class Flow:
    """A process: its document model, initial state, steps, and how to reach the document's scope."""

    name: str
    label: str | Promise
    model: Any  # a WorkflowDocument subclass
    initial: str
    steps: list[Step]
    states: type[models.TextChoices]
    number_prefix: str
    detail_url_name: str
    getter: Callable[..., Any]
    selector: Callable[..., Any]
    region_field: str = "region"
    distributor_field: str = "distributor"
    assignee_field: str = "assignee"
    final_states: tuple[str, ...] = field(default_factory=tuple)

    def steps_from(self, state: str) -> list[Step]:
        """Steps that may start from `state`."""
        return [s for s in self.steps if state in s.sources]

    def awaited_steps(self, state: str) -> list[Step]:
        """Steps from `state` that someone is expected to take (not the optional ones)."""
        return [s for s in self.steps_from(state) if not (s.optional or s.automatic)]

    def actions(self) -> list[str]:
        """Every action name, once, in declaration order."""
        seen: dict[str, None] = {}
        for step in self.steps:
            seen.setdefault(step.action, None)
        return list(seen)

    def step(self, state: str, action: str) -> Step | None:
        """The step for `action` from `state`, if any."""
        return next((s for s in self.steps_from(state) if s.action == action), None)

    def roles(self) -> set[str]:
        """Every role named by a step."""
        return {role for step in self.steps for role in step.roles}

    def action_label(self, action: str) -> str:
        """The translated label of an action (its first step's label)."""
        step = next((s for s in self.steps if s.action == action), None)
        return str(step.label) if step else action

    def state_label(self, state: str) -> str:
        """The translated label of a state."""
        return str(self.states(state).label)


_REGISTRY: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    """Make a flow known to the inbox, the generic pages and the docs generator."""
    _REGISTRY[flow.name] = flow
    return flow


def flows() -> Iterable[Flow]:
    """All registered flows, in registration order."""
    return list(_REGISTRY.values())


def flow_named(name: str) -> Flow:
    """The flow with this name (KeyError when unknown)."""
    return _REGISTRY[name]


def flow_for_model(model: type[models.Model]) -> Flow:
    """The flow whose documents are `model` instances."""
    for flow in _REGISTRY.values():
        if flow.model is model or isinstance(model, type) and issubclass(model, flow.model):
            return flow
    raise LookupError(f"no flow for {model}")
