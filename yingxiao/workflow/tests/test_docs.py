"""docs/workflows/*.md are generated from the flow declarations and kept up to date; the Mermaid
flowchart lights the current state and draws the path taken."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yingxiao.inventory.workflow import STOCK_CHECK_FLOW, TRANSFER_FLOW
from yingxiao.workflow.charts import markdown, mermaid
from yingxiao.workflow.flow import flows
from yingxiao.workflow.management.commands import workflow_docs


def test_the_committed_workflow_docs_are_up_to_date():
    call_command("workflow_docs", check=True)  # raises CommandError when one is stale


def test_every_registered_flow_has_its_doc():
    names = {flow.name for flow in flows()}
    assert {"transfer", "stock_check"} <= names
    for name in names:
        assert (workflow_docs.DOCS_DIR / f"{name}.md").is_file(), name


def test_the_check_fails_on_a_stale_or_missing_doc_and_the_command_rewrites_it(tmp_path, monkeypatch):
    monkeypatch.setattr(workflow_docs, "DOCS_DIR", tmp_path)
    with pytest.raises(CommandError, match="stale"):
        call_command("workflow_docs", check=True)  # missing
    assert not list(tmp_path.iterdir())  # --check writes nothing
    call_command("workflow_docs", stdout=StringIO())
    call_command("workflow_docs", check=True)
    stale = tmp_path / "transfer.md"
    stale.write_text(stale.read_text(encoding="utf-8").replace("`director`", "`someone`") + "\nhand edit\n")
    with pytest.raises(CommandError, match="transfer.md"):
        call_command("workflow_docs", check=True)


def test_the_doc_has_every_state_and_step_in_english_and_chinese():
    text = markdown(TRANSFER_FLOW)
    assert text.startswith("# Stock transfer (")
    for state, _label in TRANSFER_FLOW.states.choices:
        assert re.search(rf"^\| `{state}` \|", text, re.M), state
    step_rows = [line for line in text.splitlines() if re.match(r"^\| `[a-z_]+` \| .+ / .+ \|", line)]
    assert len(step_rows) == len(TRANSFER_FLOW.steps)
    assert "```mermaid\nflowchart LR" in text
    assert "approval: not by the submitter; comment required" in text


def edges_of(chart: str) -> list[tuple[str, str]]:
    return [
        (m.group(1), m.group(2)) for m in re.finditer(r"^\s*(\w+) -->\|\"[^\"]*\"\| (\w+)\s*$", chart, re.M)
    ]


def test_the_flowchart_marks_the_current_state_and_the_path_taken():
    taken = [("draft", "manager_review"), ("manager_review", "hq_review")]
    chart = mermaid(TRANSFER_FLOW, current="hq_review", taken=taken)
    edges = edges_of(chart)
    assert len(edges) == sum(len(step.sources) for step in TRANSFER_FLOW.steps)
    assert re.search(r"^\s*class hq_review current$", chart, re.M)
    assert re.search(r"^\s*class draft,manager_review visited$", chart, re.M)
    thick = [int(i) for i in re.findall(r"linkStyle (\d+) ", chart)]
    assert sorted(edges[i] for i in thick) == sorted(taken)


def test_a_flowchart_without_state_marks_nothing():
    chart = mermaid(STOCK_CHECK_FLOW)
    assert " current" not in chart.replace("classDef current", "")
    assert "linkStyle" not in chart
    assert set(edges_of(chart)) == {
        ("draft", "submitted"),
        ("submitted", "approved"),
        ("submitted", "rejected"),
    }


def test_a_long_process_is_drawn_top_down_to_stay_readable():
    from yingxiao.aftersales.workflow import EXCHANGE_FLOW
    from yingxiao.workflow.charts import LONG_FLOW, mermaid

    assert len(TRANSFER_FLOW.states.choices) <= LONG_FLOW < len(EXCHANGE_FLOW.states.choices)
    assert mermaid(TRANSFER_FLOW).startswith("flowchart LR")
    assert mermaid(EXCHANGE_FLOW).startswith("flowchart TD")
