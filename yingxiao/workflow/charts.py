"""Flowcharts (Mermaid) and Markdown docs generated from a Flow's declaration."""

from django.utils import translation

from .flow import Flow, Reach

#: A process with more states than this is drawn top down.
LONG_FLOW = 9

_LABEL_ESCAPES = str.maketrans({'"': "'", "[": "(", "]": ")", "|": "/"})


def _text(value) -> str:
    return str(value).translate(_LABEL_ESCAPES)


def _edges(flow: Flow) -> list[tuple[str, str, str]]:
    """(from, to, action) for every step and every source state, in declaration order."""
    return [(source, step.target, step.action) for step in flow.steps for source in step.sources]


def mermaid(flow: Flow, current: str | None = None, taken: list[tuple[str, str]] | None = None) -> str:
    """A flowchart, left to right (top down for long processes, so it stays readable on the page): the
    current state lit, the transitions already taken drawn thick."""
    states = [value for value, _label in flow.states.choices]
    lines = ["flowchart LR" if len(states) <= LONG_FLOW else "flowchart TD"]
    for state in states:
        lines.append(f'  {state}["{_text(flow.state_label(state))}"]')
    edges = _edges(flow)
    labels: dict[str, object] = {}
    for step in flow.steps:
        labels.setdefault(step.action, step.label)
    for source, target, action in edges:
        lines.append(f'  {source} -->|"{_text(labels[action])}"| {target}')
    lines.append("  classDef current fill:#206bc4,color:#fff,stroke:#1a569d,stroke-width:2px")
    lines.append("  classDef visited fill:#e8f0fb,stroke:#206bc4")
    taken_set = set(taken or [])
    visited = {s for pair in taken_set for s in pair} - {current}
    if visited:
        lines.append(f"  class {','.join(sorted(visited))} visited")
    if current:
        lines.append(f"  class {current} current")
    for index, (source, target, _action) in enumerate(edges):
        if (source, target) in taken_set:
            lines.append(f"  linkStyle {index} stroke:#206bc4,stroke-width:3px")
    return "\n".join(lines)


_REACH_TEXT = {
    Reach.REGION: "own region",
    Reach.COMPANY: "company",
    Reach.DISTRIBUTOR: "own distributor",
    Reach.WAREHOUSE: "warehouse `{field}`",
    Reach.ASSIGNEE: "assignee",
    Reach.CREATOR: "creator",
}


def markdown(flow: Flow) -> str:
    """docs/workflows/<flow>.md: the step table and the flowchart, in English and Chinese labels."""
    with translation.override("zh-hans"):
        zh_states = {v: flow.state_label(v) for v, _l in flow.states.choices}
        zh_steps = [str(s.label) for s in flow.steps]
        zh_title = str(flow.label)
    with translation.override("en"):
        en_title = str(flow.label)
        rows = []
        for step, zh_label in zip(flow.steps, zh_steps, strict=True):
            sources = ", ".join(f"`{s}`" for s in step.sources)
            reach = _REACH_TEXT[Reach(step.reach)].format(field=step.warehouse_field)
            notes = []
            if step.approval:
                notes.append("approval: not by the submitter")
            if step.comment_required:
                notes.append("comment required")
            if step.guard:
                notes.append(f"guard `{step.guard.__name__}`")
            if step.effect:
                notes.append(f"effect `{step.effect.__name__}`")
            rows.append(
                f"| `{step.action}` | {step.label} / {zh_label} | {sources} | `{step.target}` | "
                f"{', '.join(f'`{r}`' for r in step.roles)} | {reach} | {'; '.join(notes)} |"
            )
        states = [f"| `{v}` | {flow.state_label(v)} | {zh_states[v]} |" for v, _l in flow.states.choices]
        chart = mermaid(flow)
    return "\n".join(
        [
            f"# {en_title} ({zh_title})",
            "",
            f"Generated from `{flow.model.__module__.rsplit('.', 1)[0].replace('.', '/')}/workflow.py` by "
            "`python manage.py workflow_docs`; do not edit by hand.",
            "",
            f"Document numbers: `{flow.number_prefix}-<year>-<sequence>`. Initial state: `{flow.initial}`.",
            "",
            "## States",
            "",
            "| code | English | 中文 |",
            "|---|---|---|",
            *states,
            "",
            "## Steps",
            "",
            "| action | label | from | to | roles | reach | rules |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            "## Flowchart",
            "",
            "```mermaid",
            chart,
            "```",
            "",
        ]
    )
