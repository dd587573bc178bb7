"""Test helpers for flows: the state × action × role matrix.

`assert_flow_matrix` takes a flow, a function creating a fresh document in the initial state, the
personas (name → user) and the business expectation: which personas may take each (state, action).
For every state it drives a fresh document there along the flow (using the allowed personas), then
every persona tries every action. Allowed ones must succeed and reach the step's target; all others
must get 403 (PermissionDenied) or 409 (Conflict) and leave the document, its version and its events
exactly as they were.
"""

from collections import deque
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yingxiao.core.exceptions import Conflict

from .flow import Flow
from .models import Event
from .services import perform

Expectation = dict[tuple[str, str], set[str]]


def _path_to(flow: Flow, state: str, allowed: Expectation) -> list[tuple[str, str]] | None:
    """Shortest list of (action, persona) leading from the initial state to `state`."""
    queue: deque[tuple[str, list[tuple[str, str]]]] = deque([(flow.initial, [])])
    seen = {flow.initial}
    while queue:
        current, path = queue.popleft()
        if current == state:
            return path
        for step in flow.steps_from(current):
            names = sorted(allowed.get((current, step.action), ()))
            if names and step.target not in seen:
                seen.add(step.target)
                queue.append((step.target, [*path, (step.action, names[0])]))
    return None


def _snapshot(document) -> tuple:
    fresh = type(document)._default_manager.get(pk=document.pk)
    ct = ContentType.objects.get_for_model(type(document))
    return fresh.status, fresh.version, Event.objects.filter(content_type=ct, object_id=document.pk).count()


def drive(flow: Flow, document, path: list[tuple[str, str]], personas: dict, before_step=None):
    """Take the steps of `path` on `document` (used to reach a state)."""
    for action, name in path:
        if before_step:
            before_step(document, action)
        document = perform(
            document=document, action=action, actor=personas[name], comment="matrix", data=None
        )
    return document


def assert_flow_matrix(
    flow: Flow,
    *,
    create: Callable[[], object],
    personas: dict,
    allowed: Expectation,
    before_step: Callable | None = None,
) -> int:
    """Try every state × action × persona; return how many attempts were made."""
    unknown = [(s, a) for s, a in allowed if flow.step(s, a) is None]
    assert not unknown, f"the expectation names steps the flow does not have: {unknown}"
    problems: list[str] = []
    attempts = 0
    for state, _label in flow.states.choices:
        path = _path_to(flow, state, allowed)
        if path is None:
            problems.append(f"state {state} cannot be reached with the allowed personas")
            continue
        for action in flow.actions():
            for name, user in personas.items():
                attempts += 1
                document = drive(flow, create(), path, personas, before_step)
                before = _snapshot(document)
                expected = name in allowed.get((state, action), set())
                if before_step:
                    before_step(document, action)
                try:
                    with transaction.atomic():
                        result = perform(document=document, action=action, actor=user, comment="matrix")
                except (PermissionDenied, Conflict) as exc:
                    if expected:
                        problems.append(f"{state} × {action} × {name}: refused ({exc}) but should be allowed")
                    elif _snapshot(document) != before:
                        problems.append(f"{state} × {action} × {name}: refused but the document changed")
                except ValidationError as exc:
                    problems.append(
                        f"{state} × {action} × {name}: 400 {exc.messages} (expected "
                        f"{'success' if expected else '403/409'})"
                    )
                else:
                    if not expected:
                        problems.append(f"{state} × {action} × {name}: allowed but should be refused")
                    elif result.status != getattr(flow.step(state, action), "target", None):
                        problems.append(f"{state} × {action} × {name}: ended in {result.status}")
    assert not problems, f"{len(problems)} matrix problem(s):\n" + "\n".join(problems)
    return attempts
