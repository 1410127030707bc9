"""Supervised warm start of the actor: the demonstrations, their checks, the trainer, and
the adapter's template travelling with it."""

from __future__ import annotations

import json
import re

import pytest

from agentmem.errors import ConfigError
from envs import TrajectoryRecorder, make_env
from policies.actor import action_reply, is_admissible
from policies.scripted import PlanFollower
from training.demonstrations import actor_examples


def _admissible(prompt: list[dict]) -> list[str]:
    listing = prompt[-1]["content"].split("Admissible actions:\n", 1)[1].split("\n\n", 1)[0]
    return [line[2:] for line in listing.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("env_name", ["household", "shop"])
def test_demonstrations_are_runtime_prompts_with_the_expert_action_as_the_reply(env_name):
    rows = actor_examples(env_name, instances=[1, 2], episodes=3, embedder="hash")
    assert {r["memory"] for r in rows} == {"none", "full"}
    for r in rows:
        action = json.loads(r["completion"][0]["content"])["action"]
        assert r["completion"][0]["content"] == action_reply(action)
        assert is_admissible(action, _admissible(r["prompt"]))  # the reply is one it may give
    full = [r for r in rows if r["memory"] == "full"]
    # Trajectory memory: from the second episode on, the steps that solved the earlier
    # ones are in the prompt, and the task tree shows the steps taken so far.
    assert any("Solved '" in r["prompt"][-1]["content"] for r in full)
    assert any("[x]" in r["prompt"][-1]["content"] for r in full)
    assert not any("Solved '" in r["prompt"][-1]["content"] for r in rows if r["memory"] == "none")


def test_the_household_explorer_demonstrates_only_what_the_prompt_explains():
    """The household's default teacher sees what the actor sees: its first move in a home
    it knows nothing about is the first place listed, not the hidden object's place
    (which the expert plan walks to). With memory it goes straight to where the object
    was noted in an earlier episode, so the demonstrations show memory being used."""
    dropped: list = []
    rows = actor_examples("household", instances=[1, 2, 3], episodes=3, embedder="hash",
                          dropped=dropped)
    assert not dropped  # the explorer wins every one of these (50-step limit)

    def first_listed_place(text, admissible):  # the first place listed but the target
        target = re.search(r"Your task is to: .* (?:in|on) (\w+)\.", text).group(1)
        return next(a for a in admissible if a.startswith("go to ") and a.split()[2] != target)

    starts = [r for r in rows if r["prompt"][-1]["content"].count("You are in the middle")]
    for r in starts:
        if r["memory"] == "none":
            action = json.loads(r["completion"][0]["content"])["action"]
            assert action == first_listed_place(r["prompt"][-1]["content"],
                                                _admissible(r["prompt"]))
    plan_starts = []
    for instance in (1, 2, 3):
        env = make_env("household", instance=instance)()
        for seed in range(3):
            obs = env.reset(seed)
            plan_starts.append(env.expert_plan()[0] == first_listed_place(
                obs, env.admissible_actions()))
    assert not all(plan_starts)  # the plan's first move depends on hidden state
    moved_to_note = 0
    for r in starts:
        action = json.loads(r["completion"][0]["content"])["action"]
        lessons = r["prompt"][-1]["content"].split("Observation:")[0]
        moved_to_note += r["memory"] == "full" and re.search(
            rf"was (?:in|on) {action[len('go to '):]}\n", lessons) is not None
    assert moved_to_note >= 1
    with pytest.raises(ConfigError, match="expert"):
        actor_examples("household", instances=[1], episodes=1, expert="oracle")


def test_explorer_episodes_it_loses_are_dropped_and_counted():
    dropped: list = []
    rows = actor_examples("household", instances=[1], episodes=2, memory=["none"],
                          max_steps=3, embedder="hash", dropped=dropped)
    assert rows == [] and dropped == [(1, 0), (1, 1)]
    with pytest.raises(ConfigError, match="does not solve"):  # a plan must win
        actor_examples("household", instances=[1], episodes=1, memory=["none"], max_steps=2,
                       expert="plan", embedder="hash")


def test_thinning_plain_moves_keeps_every_turn_that_needs_the_task():
    def verbs(rows):
        return [json.loads(r["completion"][0]["content"])["action"].split()[0] for r in rows]

    every = verbs(actor_examples("household", instances=[1, 2], episodes=2, embedder="hash"))
    thin = verbs(actor_examples("household", instances=[1, 2], episodes=2, embedder="hash",
                                moves=0.3))
    assert sorted(v for v in thin if v not in ("go", "open")) == sorted(
        v for v in every if v not in ("go", "open"))
    assert 0 < thin.count("go") < 0.6 * every.count("go")
    with pytest.raises(ConfigError, match="moves"):
        actor_examples("household", instances=[1], episodes=1, moves=0)


def test_take_turns_can_be_repeated_and_nothing_else_is():
    def actions(rows):
        return sorted(r["action"] for r in rows)

    once = actions(actor_examples("household", instances=[1, 2], episodes=2, embedder="hash",
                                  memory=["none"]))
    thrice = actions(actor_examples("household", instances=[1, 2], episodes=2, embedder="hash",
                                    memory=["none"], takes=3))
    takes = [a for a in once if a.startswith("take ")]
    assert takes and [a for a in thrice if a.startswith("take ")] == sorted(takes * 3)
    assert [a for a in thrice if not a.startswith("take ")] == [
        a for a in once if not a.startswith("take ")]
    with pytest.raises(ConfigError, match="takes"):
        actor_examples("household", instances=[1], episodes=1, takes=0)


def test_the_shop_demonstration_searches_in_the_instructions_words():
    env = make_env("shop", instance=3)()
    for seed in range(10):
        env.reset(seed)
        plan = env.expert_plan()
        words = re.fullmatch(r"search\[(.*)\]", plan[0]).group(1).split()
        assert all(w in env.task for w in words), (plan[0], env.task)
        for action in plan:
            _, _, done, _ = env.step(action)
        assert done and env.total_reward == 1.0


def _record(tmp_path, tamper=None):
    env = make_env("household", instance=2)()
    env.recorder = TrajectoryRecorder(tmp_path / "episodes.jsonl")
    for seed in range(2):
        env.reset(seed)
        plan = env.expert_plan()
        if tamper:
            plan = tamper(plan)
        for action in plan:
            env.step(action)
    env.recorder.flush()
    return tmp_path / "episodes.jsonl"


def test_recorded_trajectories_are_replayed_and_checked_before_training(tmp_path):
    good = _record(tmp_path / "good")
    rows = actor_examples("household", trajectories=good, memory=["none"], embedder="hash")
    assert rows and {r["instance"] for r in rows} == {2}
    bad = _record(tmp_path / "bad", lambda plan: [plan[0], "dance with the fridge", *plan[1:]])
    with pytest.raises(ConfigError, match="rejects"):
        actor_examples("household", trajectories=bad, memory=["none"], embedder="hash")
    short = _record(tmp_path / "short", lambda plan: plan[:-1])
    with pytest.raises(ConfigError, match="does not solve"):
        actor_examples("household", trajectories=short, memory=["none"], embedder="hash")
    with pytest.raises(ConfigError, match="environment 'household'"):
        actor_examples("shop", trajectories=good, memory=["none"], embedder="hash")
    with pytest.raises(ConfigError, match="does not exist"):
        actor_examples("household", trajectories=tmp_path / "none.jsonl")
    unseen = tmp_path / "unseen.jsonl"
    unseen.write_text(good.read_text().replace('"split": "seen"', '"split": "unseen"'))
    with pytest.raises(ConfigError, match="held out"):
        actor_examples("household", trajectories=unseen, memory=["none"], embedder="hash")


def test_held_out_homes_and_shoppers_are_refused():
    with pytest.raises(ConfigError, match="held out"):
        actor_examples("household", split="unseen", instances=[1], episodes=1)
    with pytest.raises(ConfigError, match="held out"):
        actor_examples("shop", instances=[1000], episodes=1)
    with pytest.raises(ConfigError, match="memory variants"):
        actor_examples("shop", instances=[1], episodes=1, memory=["lessons"])


def test_plan_follower_needs_one_source_and_plays_the_plan():
    with pytest.raises(Exception, match="either env= .* or plan="):
        PlanFollower()
    env = make_env("household", instance=1)()
    env.reset(0)
    actor = PlanFollower(env=env)
    done = False
    while not done:
        _, _, done, info = env.step(actor.act("", env.admissible_actions()).action)
    assert info["won"]


def test_sft_config_refuses_bad_values_before_any_work(tmp_path):
    from training.config import SFTConfig, parse_args

    for argv, message in [(["--memory", "lessons"], "memory"), (["--env", "locomo"], "env"),
                          (["--episodes", "0"], "episodes"),
                          (["--expert", "oracle"], "expert"), (["--moves", "1.5"], "moves"),
                          (["--takes", "0"], "takes"),
                          (["--trajectories", str(tmp_path / "x.jsonl")], "does not exist"),
                          (["--init-adapter", str(tmp_path)], "not a LoRA adapter")]:
        with pytest.raises(ConfigError, match=message):
            parse_args(SFTConfig, argv)


def _fake_adapter(path, template):
    path.mkdir(parents=True)
    (path / "adapter_config.json").write_text("{}")
    (path / "agentmem-adapter.json").write_text(json.dumps({"template": template}))
    return path


def test_an_adapter_is_prompted_with_the_template_it_was_trained_on(tmp_path):
    from policies import PromptedActor
    from policies.base import PromptedPolicy

    old = _fake_adapter(tmp_path / "old", "actor.v1")
    # llm=None renders prompts only: the template choice is what is checked here.
    assert PromptedPolicy(None, adapter=str(old), template="actor", version=None,
                          max_tokens=8).template.id == "actor.v1"
    assert PromptedActor(None).template.id == "actor.v8"  # the default has moved on
    with pytest.raises(ConfigError, match="version=2 was asked for"):
        PromptedPolicy(None, adapter=str(old), template="actor", version=2, max_tokens=8)
    answer = _fake_adapter(tmp_path / "answer", "answer.v1")
    with pytest.raises(ConfigError, match="another policy"):
        PromptedPolicy(None, adapter=str(answer), template="actor", version=None, max_tokens=8)


def test_a_shipped_adapter_is_named_wherever_a_directory_is_accepted(tmp_path, monkeypatch):
    import policies.base as base
    from training.config import GRPOConfig, parse_args

    monkeypatch.setattr(base, "SHIPPED_ADAPTERS", tmp_path / "shipped")
    shipped = _fake_adapter(tmp_path / "shipped" / "household-actor", "actor.v1")
    assert base.shipped_adapters() == ["household-actor"]
    assert base.resolve_adapter("household-actor") == shipped
    assert base.PromptedPolicy(None, adapter="household-actor", template="actor", version=None,
                               max_tokens=8).template.id == "actor.v1"
    config = parse_args(GRPOConfig, ["--policy", "actor", "--init-adapter", "household-actor"])
    assert config.init_adapter == str(shipped)  # RL can start from the shipped warm start
    with pytest.raises(ConfigError, match="one of: household-actor"):
        base.resolve_adapter("shop-actor")


def test_an_adapter_keeps_the_template_its_run_started_with(tmp_path, monkeypatch):
    import shutil
    from types import SimpleNamespace

    import policies._templates as templates
    from training.model import save_adapter, template_of

    started = template_of("actor")
    # A newer actor template appears while the run trains.
    newer = tmp_path / "templates"
    shutil.copytree(templates.TEMPLATE_DIR, newer)
    version = int(started.rpartition(".v")[2]) + 1
    shutil.copy(newer / f"{started}.txt", newer / f"actor.v{version}.txt")
    monkeypatch.setattr(templates, "TEMPLATE_DIR", newer)
    assert template_of("actor") == f"actor.v{version}"
    model = SimpleNamespace(config=SimpleNamespace(model_type="llama"),
                            save_pretrained=lambda path: None)
    saved = save_adapter(model, None, tmp_path / "adapter", policy="actor", template=started)
    meta = json.loads((saved / "agentmem-adapter.json").read_text())
    assert meta["template"] == started and meta["policy"] == "actor"


def test_rl_refuses_to_start_from_an_adapter_of_another_template(tmp_path):
    from training.config import GRPOConfig, parse_args
    from training.model import load_for

    old = _fake_adapter(tmp_path / "old", "actor.v1")
    config = parse_args(GRPOConfig, ["--policy", "actor", "--init-adapter", str(old)])
    with pytest.raises(ConfigError, match="prompts with actor.v8 now"):
        load_for(config)


def test_free_text_slots_are_admissible_only_as_written():
    assert is_admissible("search[blue jacket]", ["search[...]", "click[x]"])
    assert is_admissible("click[x]", ["search[...]", "click[x]"])
    assert not is_admissible("search[]", ["search[...]"])
    assert not is_admissible("click[y]", ["search[...]", "click[x]"])
    assert not is_admissible("search[blue]", ["click[x]"])


@pytest.mark.slow
def test_the_local_actor_fills_the_search_slot_with_its_own_words():
    from policies import PromptedActor

    env = make_env("shop", instance=1)()
    obs = env.reset(0)
    act = PromptedActor("local").act(obs, env.admissible_actions(), f"Task: {env.task}")
    assert re.fullmatch(r"search\[[A-Za-z0-9][^\]]*\]", act.action) and act.action != "search[...]"
    _, _, _, info = env.step(act.action)
    assert not info.get("invalid")


@pytest.mark.slow
def test_sft_trains_an_adapter_the_runtime_actor_loads(tmp_path):
    pytest.importorskip("trl")
    from policies import PromptedActor
    from training.config import SFTConfig, parse_args
    from training.sft import train_sft

    out = tmp_path / "sft"
    argv = ["--instances", "1", "--episodes", "1", "--examples", "4", "--steps", "2",
            "--batch-size", "2", "--save-steps", "1", "--output-dir", str(out), "--no-tensorboard"]
    summary = train_sft(parse_args(SFTConfig, argv))
    assert summary["steps"] == 2 and summary["lora_tensors_changed"] > 0
    assert summary["first_loss"] == summary["first_loss"] and summary["first_loss"] > 0
    meta = json.loads((out / "adapter" / "agentmem-adapter.json").read_text())
    assert meta["template"] == "actor.v8" and meta["trainer"] == "sft"
    assert meta["expert"] == "explorer" and summary["episodes_dropped"] == 0
    assert (out / "training.png").exists()
    # The same config again is the finished run, reused; another one there is refused.
    assert train_sft(parse_args(SFTConfig, argv))["reused"]
    with pytest.raises(ConfigError, match="another config"):
        train_sft(parse_args(SFTConfig, [*argv[:-3], "--learning-rate", "1e-3", "--output-dir",
                                         str(out)]))
    env = make_env("household", instance=1, split="unseen")()
    obs = env.reset(0)
    actor = PromptedActor("local", adapter=str(out / "adapter"))
    assert actor.template.id == "actor.v8"
    assert actor.act(obs, env.admissible_actions(), f"Task: {env.task}").action in \
        env.admissible_actions()
    # RL continues from the warm start, and its KL is measured against it: zero at first.
    from training.config import PPOConfig
    from training.ppo import train_ppo

    ppo = train_ppo(parse_args(PPOConfig, [
        "--policy", "actor", "--init-adapter", str(out / "adapter"), "--actor-reward", "shaped",
        "--steps", "1", "--batch-size", "2", "--minibatch-size", "1", "--max-episode-steps", "2",
        "--output-dir", str(tmp_path / "ppo"), "--no-tensorboard"]), progress=False)
    first = json.loads((tmp_path / "ppo" / "log.jsonl").read_text().splitlines()[0])
    assert ppo["steps"] == 1 and abs(first["kl"]) < 1e-3
    assert json.loads((tmp_path / "ppo" / "adapter" / "agentmem-adapter.json").read_text())[
        "template"] == "actor.v8"


def test_an_adapter_goes_with_the_llm_actor_only(tmp_path):
    from agentmem.errors import InvalidArgumentError
    from agentmem.testing import ScriptedLLM
    from training.eval.envs_eval import make_actor, run_env_eval

    with pytest.raises(InvalidArgumentError, match="adapter is for the llm actor"):
        run_env_eval("household", actor="scripted", adapter="runs/x/adapter", episodes=1)
    # A built LLM cannot take an adapter: refused, not swapped for the local model.
    with pytest.raises(ConfigError, match="built already"):
        make_actor("llm", "household", llm=ScriptedLLM([]), adapter=str(tmp_path))


def test_actions_already_taken_are_listed_last_in_both_loops():
    from policies.actor import untried_first

    listed = ["open drawer 1", "go to cabinet 1", "go to cabinet 2", "go to drawer 1", "look"]
    assert untried_first(listed, ["go to cabinet 1", "look", "go to cabinet 1"]) == [
        "open drawer 1", "go to cabinet 2", "go to drawer 1", "go to cabinet 1", "look"]
    assert untried_first(listed, []) == listed

    # The runtime's loop: at every turn the actor is shown what it has not done first.
    from agentmem.protocols import Action
    from training.eval.episodes import run_episode

    class Recorder:
        def __init__(self):
            self.seen, self.taken = [], []

        def act(self, observation, admissible, task_prompt="", lessons=(), *, taken=()):
            self.seen.append(list(admissible))
            go = [a for a in admissible if a.startswith("go to ")]
            self.taken.append(go[0])
            return Action(action=go[0])

    env = make_env("household", instance=1, max_steps=6)()
    actor = Recorder()
    result = run_episode(env, actor, seed=0)
    for n, shown in enumerate(actor.seen):
        fresh = [a for a in shown if a.startswith("go to ") and a not in actor.taken[:n]]
        assert shown.index(fresh[0]) < min(
            [shown.index(a) for a in actor.taken[:n] if a in shown] or [len(shown)])
    assert len(set(actor.taken)) == result.steps  # it never went back to a place


def test_an_exported_adapter_is_half_precision_with_its_metadata_and_card(tmp_path):
    import torch
    from safetensors.torch import load_file, save_file

    from training.export import export_adapter

    source = _fake_adapter(tmp_path / "run" / "adapter", "actor.v7")
    weights = {"base_model.model.lora_A.weight": torch.randn(4, 8)}
    save_file(weights, str(source / "adapter_model.safetensors"))
    (source / "adapter_config.json").write_text(json.dumps(
        {"base_model_name_or_path": "/root/.cache/agentmem/models/smollm2", "r": 16}))
    dest = export_adapter(source, tmp_path / "shipped", card="# household-actor\n")
    # The training machine's folder does not travel; the base model's name does.
    assert json.loads((dest / "adapter_config.json").read_text()) == {
        "base_model_name_or_path": "smollm2", "r": 16}
    shipped = load_file(str(dest / "adapter_model.safetensors"))
    assert shipped["base_model.model.lora_A.weight"].dtype == torch.float16
    assert torch.allclose(shipped["base_model.model.lora_A.weight"].float(),
                          weights["base_model.model.lora_A.weight"], atol=1e-3)
    meta = json.loads((dest / "agentmem-adapter.json").read_text())
    assert meta["template"] == "actor.v7" and meta["dtype"] == "float16"
    assert (dest / "README.md").read_text() == "# household-actor\n"
    no_weights = _fake_adapter(tmp_path / "no-weights", "actor.v7")
    with pytest.raises(ConfigError, match="missing adapter_model.safetensors"):
        export_adapter(no_weights, tmp_path / "x")
