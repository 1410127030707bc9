"""The extractive manager's supervised data: LoCoMo's notes label the runtime's own calls."""

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
