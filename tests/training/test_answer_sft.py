"""The answer policy's supervised data: each training question shown what the Agent's read
path shows over the default layered memory (and once more its evidence turns alone),
answered with the dataset's answer and the numbers of the evidence memories shown."""

import json

import pytest

from agentmem.errors import ConfigError


def _replies(rows):
    return [json.loads(r["completion"][0]["content"]) for r in rows]


@pytest.mark.slow
def test_rows_show_the_read_path_and_the_evidence_and_reply_with_the_gold(locomo_file):
    from policies import PromptedAnswerer
    from training.data import answer_demonstrations

    path = locomo_file()
    rows = answer_demonstrations([path], embedder="hash", progress=False)
    # Two answerable questions (category 5 is not trained on), each twice.
    assert sorted((r["gold"], r["context"]) for r in rows) == [
        ("Biscuit", "evidence"), ("Biscuit", "read-path"),
        ("June 2023", "evidence"), ("June 2023", "read-path")]
    render = PromptedAnswerer(None)
    for row, reply in zip(rows, _replies(rows), strict=True):
        assert reply["answer"] == row["gold"]
        shown = row["prompt"][-1]["content"]
        assert row["prompt"][0] == render.messages("q", [])[0]  # the runtime's template
        # Every selected number is a shown memory from the evidence turn: the turn, or
        # the fact the manager took from it ("Bo moved to Porto.").
        evidence = "Biscuit!" if row["gold"] == "Biscuit" else "moved to Porto."
        assert reply["selected"] and all(
            evidence in shown.split(f"[{i}] ", 1)[1].split("\n", 1)[0]
            for i in reply["selected"])
        if row["context"] == "evidence":
            assert reply["selected"] == [0] and "[1]" not in shown
    only = answer_demonstrations([path], embedder="hash", contexts=["read-path"],
                                 progress=False)
    assert sorted((r["gold"], r["context"]) for r in only) == [
        ("Biscuit", "read-path"), ("June 2023", "read-path")]


@pytest.mark.slow
def test_shuffled_and_planted_contexts_show_the_evidence_among_distractors(locomo_file):
    from training.data import answer_demonstrations

    path = locomo_file()
    rows = answer_demonstrations([path], embedder="hash", progress=False,
                                 contexts=["read-path", "shuffled", "planted"])
    by = {(r["gold"], r["context"]): r for r in rows}
    assert set(by) == {(g, c) for g in ("Biscuit", "June 2023")
                       for c in ("read-path", "shuffled", "planted")}

    def shown(row):
        return sorted(line.split("] ", 1)[1] for line in row["prompt"][-1]["content"].splitlines()
                      if line.startswith("["))

    for gold in ("Biscuit", "June 2023"):
        # The same memories in another order.
        assert shown(by[gold, "shuffled"]) == shown(by[gold, "read-path"])
        planted = by[gold, "planted"]
        reply = _replies([planted])[0]
        text = planted["prompt"][-1]["content"]
        evidence = "Biscuit!" if gold == "Biscuit" else "moved to Porto."
        assert evidence in text and reply["answer"] == gold
        # Only the evidence turn is selected (facts drawn from it make way for it), and
        # there are distractors around it.
        assert len(reply["selected"]) == 1 and len(shown(planted)) > 1
        assert evidence in text.split(f"[{reply['selected'][0]}] ", 1)[1].split("\n", 1)[0]
    # A row does not depend on which other contexts are asked for.
    alone = answer_demonstrations([path], embedder="hash", progress=False, contexts=["planted"])
    assert sorted(r["prompt"][-1]["content"] for r in alone) == sorted(
        by[gold, "planted"]["prompt"][-1]["content"] for gold in ("Biscuit", "June 2023"))
    for bad, message in ((["reversed"], "not known"), (["planted", "planted"], "twice")):
        with pytest.raises(ConfigError, match=message):
            answer_demonstrations([path], embedder="hash", contexts=bad, progress=False)


def test_planted_evidence_takes_the_place_of_what_was_drawn_from_it_within_the_budget():
    import random

    from agentmem.recall import context_tokens
    from agentmem.records import Kind, MemoryRecord, Provenance, Scope, SourceType
    from training.data import answer_context

    def turn(ref, text, kind=Kind.TURN):
        return MemoryRecord(content=text, kind=kind, scope=Scope(user_id="qa"),
                            provenance=Provenance(source=SourceType.DIALOGUE, ref=ref))

    gold = [turn("D1:3", "Ana: Biscuit! He is a beagle."), turn("D2:1", "Bo: I moved to Porto.")]
    fact = turn("D2:1", "Bo moved to Porto.", Kind.FACT)
    profile = MemoryRecord(content="Ana has a beagle.\nBo moved to Porto.", kind=Kind.PROFILE,
                           scope=Scope(user_id="qa"))
    filler = [turn(f"D3:{i}", f"Ana: a long story about the harbour, part {i}. " * 4)
              for i in range(30)]
    shown = [profile, fact, gold[0], *filler]  # the read path found one evidence turn
    rows = [answer_context("planted", shown, gold, ["D1:3", "D2:1"], random.Random(seed))
            for seed in range(5)]
    for planted in rows:
        assert context_tokens(planted) <= 500
        # Each evidence turn once; nothing else drawn from the evidence (the fact, the
        # profile's copy of it), the others kept in the read path's order.
        assert sum(r.content == gold[0].content for r in planted) == 1
        assert [r.content for r in planted if "Porto" in r.content] == [gold[1].content]
        others = [r for r in planted if r not in gold]
        assert others[0].content == "Ana has a beagle." and others[1:] == filler[:len(others) - 1]
        assert len(others) > 5
    assert len({tuple(planted.index(g) for g in gold) for planted in rows}) > 1  # placed at random
    # No room for a distractor, or no evidence: not shown that way.
    assert answer_context("planted", shown, gold, ["D1:3", "D2:1"], random.Random(0),
                          max_tokens=context_tokens(gold)) is None
    assert answer_context("planted", shown, [], [], random.Random(0)) is None
    assert answer_context("shuffled", shown, gold, [], random.Random(0)) != shown


@pytest.mark.slow
def test_replies_are_what_constrained_decoding_can_write():
    pytest.importorskip("xgrammar")
    from agentmem.llm import get_llm
    from policies.answer import AnswerOutput
    from training.data import answer_reply

    reply = answer_reply('"Becoming Nicole" and\n"Charlotte\'s Web"', [2, 0, 1, 3, 4, 5, 6, 7, 8])
    # Double quotes go (strict grammar strings refuse escapes; the score ignores them),
    # at most eight numbers, keys in the grammar's (sorted) order.
    assert reply == ('{"answer": "Becoming Nicole and Charlotte\'s Web", '
                     '"selected": [2, 0, 1, 3, 4, 5, 6, 7]}')
    assert get_llm("local").accepts(AnswerOutput, reply)
    assert get_llm("local").accepts(AnswerOutput, answer_reply(2022, []))
    # Non-ASCII as itself, as the runtime writes it, not as an escape.
    assert answer_reply("Ceann Sibéal", [0]) == '{"answer": "Ceann Sibéal", "selected": [0]}'
    assert get_llm("local").accepts(AnswerOutput, answer_reply("Ceann Sibéal", [0]))


def test_sft_config_for_the_answer_policy(tmp_path):
    from training.config import SFTConfig, parse_args
    from training.model import template_of

    config = parse_args(SFTConfig, ["--policy", "answer"])
    assert config.env == "locomo" and config.template_policy == "answer"
    assert [p.rsplit("/", 1)[-1] for p in config.conversations] == ["26.json"]
    assert template_of("answer") == "answer.v1"
    held = tmp_path / "41.json"
    held.write_text("{}")
    for argv, message in [(["--policy", "answer", "--env", "shop"], "does not train the answer"),
                          (["--policy", "answer", "--conversations", str(held)], "held out"),
                          (["--policy", "answer", "--contexts", "reversed"], "not known")]:
        with pytest.raises(ConfigError, match=message):
            parse_args(SFTConfig, argv)


@pytest.mark.slow
def test_sft_trains_an_answer_adapter_the_agent_answers_with(tmp_path, locomo_file):
    pytest.importorskip("trl")
    from agentmem import Agent, Memory
    from policies import PromptedAnswerer
    from training.config import SFTConfig, parse_args
    from training.sft import train_sft

    path = locomo_file()
    out = tmp_path / "sft"
    summary = train_sft(parse_args(SFTConfig, [
        "--policy", "answer", "--conversations", str(path), "--steps", "2", "--batch-size", "2",
        "--output-dir", str(out), "--no-tensorboard"]))
    assert summary["steps"] == 2 and summary["lora_tensors_changed"] > 0
    assert summary["examples_by_context"] == {"read-path": 2, "evidence": 2}
    meta = json.loads((out / "adapter" / "agentmem-adapter.json").read_text())
    assert meta["template"] == "answer.v1" and meta["policy"] == "answer"
    answerer = PromptedAnswerer("local", adapter=str(out / "adapter"))
    assert answerer.template.id == "answer.v1"
    with Memory(home=str(tmp_path / "home"), embedder="hash") as memory:
        kept = memory.add("Ana's beagle is called Biscuit.", user_id="ana")
        with Agent(answerer=answerer, manage_memory=False, memory=memory,
                   user_id="ana") as agent:
            result = agent.chat("What is my beagle called?")
        # The adapter loads into the Agent and answers from the memory it retrieved.
        assert kept.id in result.retrieved_ids and "Biscuit" in result.answer


def test_the_shipped_answer_adapter_is_what_its_config_trains():
    from pathlib import Path

    from policies import PromptedAnswerer
    from policies.base import resolve_adapter, shipped_adapters
    from training.config import SFTConfig, parse_args
    from training.model import template_of

    root = Path(__file__).resolve().parents[2]
    assert "locomo-answer" in shipped_adapters()
    shipped = resolve_adapter("locomo-answer")
    meta = json.loads((shipped / "agentmem-adapter.json").read_text())
    config = parse_args(SFTConfig, ["--config", str(root / "training/configs/sft_answer_locomo.yaml")])
    assert meta["conversations"] == [Path(c).stem for c in config.conversations] == ["26"]
    assert (meta["policy"], meta["env"], meta["trainer"]) == ("answer", "locomo", "sft")
    assert meta["examples_by_context"] == {"read-path": 152, "evidence": 150}
    assert PromptedAnswerer(None, adapter="locomo-answer").template.id == meta["template"] \
        == template_of("answer")
    assert (shipped / "README.md").read_text().startswith("# locomo-answer")


def test_an_answer_adapter_does_not_reach_the_ablations_managers():
    """Under ``run_qa(answerer=...)`` the generative ablation's manager still runs on the
    base model, not on the answerer's (which may carry an answer adapter)."""
    import training.eval.qa as qa
    from agentmem.testing import ScriptedLLM
    from policies import PromptedAnswerer

    base, adapted = ScriptedLLM(), ScriptedLLM()
    system = qa._make("agentmem-generative", PromptedAnswerer(adapted), None, 5, 100, None,
                      model=base)
    assert system.manager.llm is base


@pytest.mark.slow
def test_the_embedded_model_answers_with_the_shipped_adapter_by_default(tmp_path):
    """``Agent()`` on the embedded model answers with ``locomo-answer`` (its manager keeps
    the base weights); other models and ``answerer_for(..., "none")`` are prompted as
    they are."""
    from agentmem import Agent, Memory
    from agentmem.testing import ScriptedLLM
    from policies import answerer_for, default_answerer
    from policies.base import resolve_adapter

    shipped = str(resolve_adapter("locomo-answer").resolve())
    with Memory(home=str(tmp_path / "home"), embedder="hash") as memory:
        memory.add("Ana's beagle is called Biscuit.", user_id="ana")
        with Agent(memory=memory, user_id="ana") as agent:
            assert agent.answerer.llm.adapter == shipped
            result = agent.chat("What is my beagle called?")
            assert "Biscuit" in result.answer
    assert isinstance(default_answerer(ScriptedLLM()).llm, ScriptedLLM)
    assert answerer_for("local", "none").llm.adapter is None
    assert answerer_for("local", "locomo-answer").llm.adapter == shipped
