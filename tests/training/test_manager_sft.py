"""The manager's supervised data, recorded on the runtime's own write path: LoCoMo's notes
label the extractive mode's calls, the fact streams' gold operations the generative mode's."""

import json

import pytest

from agentmem.errors import ConfigError
from agentmem.protocols import Turn

NOTES = {"session_1_observation": {
    "Ana": [["Ana adopted a beagle last week.", "D1:1"]],
    "Bo": [["Bo asked about the dog.", "D1:2"]]},  # cites a question: nothing to choose
    "session_2_observation": {"Bo": [["Bo moved to Porto in June.", "D2:1"]]}}


def test_notes_label_the_sentence_they_cite_on_the_runtime_write_path(locomo_file):
    from policies import ExtractiveManager
    from training.manager_demonstrations import extractive_examples

    path = locomo_file(session_1=[
        {"speaker": "Ana", "dia_id": "D1:1",
         "text": "Good to see you again. I adopted a beagle last week. I love long walks."},
        {"speaker": "Bo", "dia_id": "D1:2", "text": "What is his name?"},
        {"speaker": "Ana", "dia_id": "D1:3", "text": "We went hiking with friends on Sunday."}],
        **NOTES)
    rows = extractive_examples([path], embedder="hash")
    # One row per call the default ingest makes: a turn with no statement sends none.
    assert [r["turns"] for r in rows] == [["D1:1"], ["D1:3"], ["D2:1"]]
    # D1:1: the sentences are [0] "I adopted a beagle ..." and [1] "I love long walks."
    # (the greeting is never offered); the note shares most words with the first.
    assert [r["keep"] for r in rows] == [[0], [], [0]]
    assert [r["completion"][0]["content"] for r in rows] == [
        '{"keep": [0]}', '{"keep": []}', '{"keep": [0]}']
    # Rendered by the runtime's template, with the facts written so far retrieved as
    # related: the first call's chosen sentence is a stored fact by the second call.
    render = ExtractiveManager(None)
    assert rows[0]["prompt"][0] == render.template.render(memories="", sentences="")[0]
    assert "Ana adopted a beagle in the week of 1 May 2023." in rows[1]["prompt"][-1]["content"]
    assert "Existing memories:\n(none)" in rows[0]["prompt"][-1]["content"]


def test_the_sentence_sharing_most_words_with_a_note_is_chosen():
    from training.manager_demonstrations import labelled_keep

    a = Turn(speaker="Ana", text="x", turn_id="D1:1")
    b = Turn(speaker="Bo", text="y", turn_id="D1:2")
    choices = [(a, "I painted a lake."), (a, "My sister moved to Lisbon last year."),
               (b, "I work at a bakery.")]
    notes = {"D1:1": ["Ana's sister moved to Lisbon.", "Ana paints lakes."],
             "D1:2": ["Bo likes opera."]}  # shares no word with Bo's sentence: nothing
    assert labelled_keep(choices, notes, max_keep=3) == [0, 1]
    assert labelled_keep(choices, notes, max_keep=1) == [0]
    assert labelled_keep(choices, {}, max_keep=3) == []


def test_held_out_conversations_and_files_without_notes_are_refused(locomo_file, tmp_path):
    from training.manager_demonstrations import extractive_examples

    path = locomo_file(**NOTES)
    held = tmp_path / "41.json"
    held.write_text(path.read_text())
    with pytest.raises(ConfigError, match="held out"):
        extractive_examples([held], embedder="hash")
    assert extractive_examples([held], embedder="hash", held_out_ok=True)  # evaluation may
    with pytest.raises(ConfigError, match="no session observations"):
        extractive_examples([locomo_file()], embedder="hash")
    with pytest.raises(ConfigError, match="does not exist"):
        extractive_examples([tmp_path / "nope.json"], embedder="hash")


def test_sft_config_for_the_manager(tmp_path, locomo_file):
    from policies import ExtractiveManager
    from training.config import SFTConfig, parse_args
    from training.model import template_of

    config = parse_args(SFTConfig, ["--policy", "manager"])
    assert config.env == "locomo" and [p.rsplit("/", 1)[-1] for p in config.conversations] == [
        "26.json"]
    held = tmp_path / "30.json"
    held.write_text(json.dumps({}))
    for argv, message in [(["--policy", "manager", "--env", "shop"], "does not train the manager"),
                          (["--policy", "manager", "--conversations", str(held)], "held out")]:
        with pytest.raises(ConfigError, match=message):
            parse_args(SFTConfig, argv)
    # The adapter records the extractive template, which the runtime manager checks.
    assert template_of("extractive") == ExtractiveManager(None).template.id


def test_a_manager_warm_start_is_checked_against_the_extractive_template(tmp_path):
    from training.config import SFTConfig, parse_args
    from training.model import load_for, template_of

    generative = tmp_path / "generative"
    generative.mkdir()
    (generative / "adapter_config.json").write_text("{}")
    (generative / "agentmem-adapter.json").write_text(json.dumps(
        {"template": template_of("manager")}))
    config = parse_args(SFTConfig, ["--policy", "manager", "--init-adapter", str(generative)])
    assert config.template_policy == "extractive"
    with pytest.raises(ConfigError, match=f"prompts with {template_of('extractive')} now"):
        load_for(config)  # refused before any model loads


def test_fact_stream_gold_operations_replay_on_the_write_path():
    from agentmem.memory import Memory
    from envs.facts import fact_stream, score_manager
    from policies import PromptedManager
    from policies.manager import ManagerOutput
    from training.manager_demonstrations import GoldFactManager, fact_stream_examples

    stream = fact_stream(3, turns=40)
    gold = GoldFactManager(stream)
    with Memory(home=":memory:", embedder="hash") as memory:
        scored = score_manager(gold, stream, memory, user_id="u")
        stored = sorted(r.content for r in memory.list(user_id="u", kinds=["fact"]))
        deleted, _ = memory.history_since(0)
        reasons = [h.reason for h in deleted if h.op == "DELETE"]
    # The gold replies, applied through the one apply path, are all scored right, and
    # the bank holds each person's present facts (a lost pet is gone, a move updated).
    assert scored["accuracy"] == 1.0 and not gold.unreachable
    updates = [t for t in stream if t.gold_op == "UPDATE"]
    assert updates and all(t.fact in stored or any(
        u.key == t.key and u.time > t.time for u in updates) for t in updates)
    # A lost pet's memory is deleted with the turn's fact as the reason in history.
    gone = [t.fact for t in stream if t.gold_op == "DELETE"]
    assert gone and [r.split(": ", 1)[1] for r in reasons] == gone
    rows = fact_stream_examples([3], turns=40, embedder="hash")
    assert [r["gold_op"] for r in rows] == [t.gold_op for t in stream]
    render = PromptedManager(None)
    for row, turn in zip(rows, stream, strict=True):
        reply = ManagerOutput.model_validate_json(row["completion"][0]["content"])
        (op,) = reply.operations
        assert op.op == turn.gold_op and row["prompt"][0] == render.messages([], [])[0]
        assert f"{turn.speaker}: {turn.text}" in row["prompt"][-1]["content"]
        # Every operation but NOOP writes a fact (a DELETE says what ended).
        assert bool(op.fact) == (op.op != "NOOP")
        if op.op in ("UPDATE", "DELETE"):
            # names the shown memory of that person holding the old value
            shown = row["shown"][op.id]
            assert shown.startswith(turn.speaker) and turn.old_value.split()[-1] in shown
            assert f"[{op.id}] {shown}" in row["prompt"][-1]["content"]
            assert op.fact == turn.fact
        else:
            assert op.id == -1 and op.fact == (turn.fact or "")


def test_held_out_fact_streams_and_bad_stream_configs_are_refused():
    from training.config import SFTConfig, parse_args
    from training.manager_demonstrations import fact_stream_examples
    from training.model import template_of

    with pytest.raises(ConfigError, match="held out"):
        fact_stream_examples([2, 500], embedder="hash")
    config = parse_args(SFTConfig, ["--policy", "manager", "--env", "facts", "--streams", "3"])
    # The generative manager's data: its adapter records the generative template.
    assert config.template_policy == "manager" and template_of("manager") == "manager.v1"
    for argv, message in [(["--streams", "501"], "held out"), (["--streams", "0"], "no fact"),
                          (["--stream-turns", "0"], "stream_turns")]:
        with pytest.raises(ConfigError, match=message):
            parse_args(SFTConfig, ["--policy", "manager", "--env", "facts", *argv])


@pytest.mark.slow
def test_the_managers_training_replies_are_what_constrained_decoding_can_write(locomo_file,
                                                                               local_llm):
    """Key order and spacing as the local model's grammar writes them: an adapter trained
    on {"fact", "op", "id"} is made to write the id first and never learned to."""
    from policies.extractive import extractive_schema
    from training.data import reply_schema
    from training.manager_demonstrations import extractive_examples, fact_stream_examples

    rows = fact_stream_examples([3], turns=40, embedder="hash")
    assert {r["gold_op"] for r in rows} == {"ADD", "UPDATE", "DELETE", "NOOP"}
    for row in rows:
        assert local_llm.accepts(reply_schema("manager", row), row["completion"][0]["content"])
    path = locomo_file(session_1=[
        {"speaker": "Ana", "dia_id": "D1:1", "text": "I adopted a beagle last week. I love walks."},
        {"speaker": "Bo", "dia_id": "D1:2", "text": "We went hiking with friends on Sunday."}],
        **NOTES)
    for row in extractive_examples([path], embedder="hash"):
        assert local_llm.accepts(extractive_schema(row["choices"], 3),
                                 row["completion"][0]["content"])
