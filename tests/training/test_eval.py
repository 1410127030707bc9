"""The evaluation harness: memory QA systems side by side, household/shop with and without
memory, the reports, and the `agentmem eval` command."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from agentmem.testing import ScriptedLLM
from training.eval.envs_eval import run_env_eval
from training.eval.qa import run_qa
from training.eval.report import write_env, write_qa


def _answer_from_context(messages):
    # Answers with the first memory shown: right only when retrieval found the evidence.
    prompt = messages[-1]["content"]
    line = next((x for x in prompt.splitlines() if x.startswith("[0]")), "")
    return {"selected": [0] if line else [], "answer": line.split(": ", 1)[-1] or "unknown"}


def _manager(messages):
    text = messages[-1]["content"].split("New messages:")[-1].strip()
    return {"operations": [{"op": "ADD", "fact": text.split("\n")[0], "id": -1}]}


def test_qa_systems_side_by_side(tmp_path, locomo_file):
    llm = ScriptedLLM(default=lambda m: _manager(m) if "New messages:" in m[-1]["content"]
                      else _answer_from_context(m))
    result = run_qa([locomo_file()], llm=llm, embedder="hash", k=1, progress=False)
    s = result["systems"]
    assert set(s) == {"none", "full", "rag", "agentmem", "oracle"}
    assert s["none"]["recall_at_k"] == 0.0 and s["oracle"]["recall_at_k"] == 1.0
    assert s["oracle"]["f1"] >= s["none"]["f1"]
    assert s["full"]["recall_at_k"] == 1.0  # a short conversation fits the window
    assert s["agentmem"]["calls_per_turn"] == 1.0 and s["agentmem"]["ingest_turns"] == 4
    assert s["rag"]["calls_per_turn"] == 0.0 and s["rag"]["calls_per_question"] == 1.0
    assert set(s["oracle"]["by_category"]) == {"single-hop", "temporal"}
    low, high = s["oracle"]["f1_ci"]  # intervals kept for tables and plots
    assert low <= s["oracle"]["f1"] <= high
    assert all("f1_ci" in c for c in s["oracle"]["by_category"].values())
    assert "mem0" in result["skipped"] and "a-mem" in result["skipped"]
    files = write_qa(result, tmp_path / "out")
    assert "| oracle |" in files[1].read_text() and files[2].read_bytes()[:4] == b"\x89PNG"


def test_household_and_shop_curves_with_and_without_memory(tmp_path):
    house = run_env_eval("household", variants=["none", "full"], episodes=6, instances=[2],
                         embedder="hash", progress=False)
    none, full = house["variants"]["none"], house["variants"]["full"]
    assert none["summary"]["episodes"] == full["summary"]["episodes"] == 6
    # Remembering where things were makes the later episodes in this home shorter.
    assert full["summary"]["avg_steps"] < none["summary"]["avg_steps"]
    shop = run_env_eval("shop", variants=["none", "lessons"], episodes=5, instances=[2],
                        embedder="hash", progress=False)
    assert (shop["variants"]["lessons"]["summary"]["score"]
            > shop["variants"]["none"]["summary"]["score"])
    files = write_env(shop, tmp_path)
    assert files[2].stat().st_size > 1000 and "| lessons |" in files[1].read_text()
    with pytest.raises(ValueError, match="unknown variants"):
        run_env_eval("shop", variants=["magic"], episodes=1)


def test_agentmem_eval_command(tmp_path):
    from agentmem.cli.main import _plugins, app

    _plugins()
    out = CliRunner().invoke(app, ["eval", "household", "--episodes", "2", "--homes", "1",
                                   "--variants", "none,lessons", "--embedder", "hash",
                                   "--out", str(tmp_path)], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data = json.loads((tmp_path / "household.json").read_text())
    assert set(data["variants"]) == {"none", "lessons"}
    shown = CliRunner().invoke(app, ["eval", "show", str(tmp_path / "household.json")])
    assert "lessons" in shown.output


def test_intervals_for_plots_and_tables():
    import math

    from training.eval.stats import bootstrap_ci, paired_gain, wilson_ci

    lo, hi = wilson_ci(10, 10)  # all wins: the interval is not zero-width at 1.0
    assert hi == 1.0 and 0.65 < lo < 0.75
    assert wilson_ci(0, 10)[0] == 0.0 and wilson_ci(0, 0) == (0.0, 1.0)
    lo, hi = bootstrap_ci([0.0, 1.0] * 50)
    assert lo < 0.5 < hi and hi - lo < 0.25
    assert all(math.isnan(x) for x in bootstrap_ci([]))  # no bar is drawn for it
    gain, (lo, hi) = paired_gain([1.0, 1.0, 0.5], [0.5, 0.5, 0.5])
    assert abs(gain - 1 / 3) < 1e-9 and lo <= gain <= hi
