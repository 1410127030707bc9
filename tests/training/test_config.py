"""Training configs: documented fields, generated flags, clear errors before any work."""

from __future__ import annotations

import dataclasses
import json

import pytest

from agentmem.errors import ConfigError
from training.config import GRPOConfig, PPOConfig, parse_args


def test_every_field_is_documented_and_becomes_a_flag(capsys):
    for cls in (GRPOConfig, PPOConfig):
        for f in dataclasses.fields(cls):
            assert f.metadata.get("help"), f"{cls.__name__}.{f.name} has no help"
    config = parse_args(GRPOConfig, ["--policy", "manager", "--batch-size", "8",
                                     "--num-generations", "4", "--no-resume",
                                     "--lora-targets", "q_proj", "k_proj"])
    assert (config.policy, config.env, config.batch_size, config.resume) == (
        "manager", "facts", 8, False)
    assert config.lora_targets == ["q_proj", "k_proj"]
    with pytest.raises(SystemExit):
        parse_args(GRPOConfig, ["--help"])
    assert "--num-generations" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["--batch-size", "6", "--num-generations", "4"], "must be a multiple of num_generations"),
    (["--num-generations", "1", "--batch-size", "4"], "num_generations must be >= 2"),
    (["--data", "/nope/26.json"], "does not exist"),
    (["--policy", "answer", "--env", "household"], "does not train the answer policy"),
    (["--steps", "0"], "steps must be >= 1"),
])
def test_inconsistent_configs_fail_fast(argv, message):
    with pytest.raises(ConfigError, match=message):
        parse_args(GRPOConfig, argv)


def test_ppo_config_checks():
    with pytest.raises(ConfigError, match="minibatch_size"):
        parse_args(PPOConfig, ["--batch-size", "4", "--minibatch-size", "3"])
    assert parse_args(PPOConfig, ["--policy", "actor"]).env == "household"


def _broken_reward():
    from training.rewards import Reward, RewardKind, checked_reward

    def broken(prompts, completions, **kw):
        raise KeyError("gold")

    return Reward("broken", RewardKind.COMPLETION, checked_reward(broken))


def test_a_reward_that_raises_is_reported_before_training(tmp_path):
    from training.rewards import preflight_reward

    with pytest.raises(RuntimeError, match="reward function 'broken' raised KeyError"):
        preflight_reward(_broken_reward(), [{"prompt": [{"role": "user", "content": "q"}],
                                             "gold": "a"}])


@pytest.mark.parametrize("trainer", ["grpo", "ppo"])
def test_both_trainers_preflight_the_reward_before_the_model_loads(trainer, tmp_path,
                                                                   monkeypatch):
    import importlib

    import training.model

    module = importlib.import_module(f"training.{trainer}")
    rows = [{"prompt": [{"role": "user", "content": "q"}], "gold": "a"}]
    monkeypatch.setattr(module, "examples_for", lambda config: rows)
    monkeypatch.setattr(module, "reward_for", lambda config: _broken_reward())

    def no_model(*a, **kw):
        raise AssertionError("the model was loaded before the reward was checked")

    monkeypatch.setattr(training.model, "load_policy_model", no_model)
    cls, train = ((GRPOConfig, module.train_grpo) if trainer == "grpo"
                  else (PPOConfig, module.train_ppo))
    config = cls(policy="answer", output_dir=str(tmp_path / trainer), steps=1,
                 tensorboard=False)
    with pytest.raises(RuntimeError, match="reward function 'broken' raised KeyError"):
        train(config)


def test_adapter_for_another_base_model_is_refused(tmp_path):
    import json

    from agentmem.llm.local import load_adapter

    (tmp_path / "adapter_config.json").write_text("{}")
    (tmp_path / "agentmem-adapter.json").write_text(json.dumps(
        {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
         "vocab_size": 32000}))

    class Cfg:
        model_type, hidden_size, num_hidden_layers, vocab_size = "llama", 576, 30, 49152

    class Model:
        config = Cfg()

    with pytest.raises(ConfigError, match="trained on a base model with"):
        load_adapter(Model(), tmp_path)


def test_manager_reward_fields_are_checked():
    from agentmem.errors import ConfigError
    from training.config import GRPOConfig

    with pytest.raises(ConfigError, match="op_weight"):
        GRPOConfig(policy="manager", op_weight=1.5).check()
    with pytest.raises(ConfigError, match="manager_reward"):
        GRPOConfig(policy="manager", manager_reward="judge").check()


def test_a_finished_run_is_reused_not_trained_past_its_end(tmp_path, locomo_file):
    from training.grpo import finished_run, train_grpo

    out = tmp_path / "run"
    (out / "adapter").mkdir(parents=True)
    (out / "summary.json").write_text(json.dumps({"adapter": str(out / "adapter"), "steps": 4}))
    config = GRPOConfig(policy="answer", data=[str(locomo_file())], output_dir=str(out), steps=4)
    # Returns before a dataset is built or a model loads.
    assert train_grpo(config) == {"adapter": str(out / "adapter"), "steps": 4, "reused": True}
    assert not (out / "config.json").exists()
    assert finished_run(out, 6) is None  # more steps asked for: the run resumes and trains
    assert finished_run(tmp_path / "elsewhere", 4) is None


def test_shipped_accelerate_configs_load_with_accelerate():
    # The GPU configs cannot run here; at least accelerate's own loader must accept them.
    from pathlib import Path

    from accelerate.commands.config.config_args import load_config_from_file
    from accelerate.utils import DistributedType

    configs = Path(__file__).resolve().parents[2] / "training" / "configs"
    expected = {"cpu.yaml": DistributedType.NO,
                "accelerate_multi_gpu.yaml": DistributedType.MULTI_GPU,
                "accelerate_zero2.yaml": DistributedType.DEEPSPEED}
    assert sorted(p.name for p in configs.glob("*.yaml")
                  if "compute_environment" in p.read_text()) == sorted(expected)
    for name, kind in expected.items():
        loaded = load_config_from_file(str(configs / name))
        assert loaded.distributed_type == kind, name
        assert f"--config_file training/configs/{name}" in (configs / name).read_text()
    zero2 = load_config_from_file(str(configs / "accelerate_zero2.yaml")).deepspeed_config
    assert zero2["zero_stage"] == 2 and zero2["gradient_accumulation_steps"] == 1  # as grpo.py


def test_a_run_is_reproduced_from_its_config_file(tmp_path):
    from pathlib import Path

    from training.config import SFTConfig

    shipped = Path(__file__).resolve().parents[2] / "training" / "configs" / \
        "sft_household_actor.yaml"
    config = parse_args(SFTConfig, ["--config", str(shipped)])
    assert (config.instances, config.memory, config.moves, config.takes) == (
        list(range(1, 37)), ["none"], 0.5, 2)
    assert config.learning_rate == 3e-4 and len(config.lora_targets) == 7
    assert f"--config training/configs/{shipped.name}" in shipped.read_text()
    # A flag given with it overrides the file; JSON works too.
    assert parse_args(SFTConfig, ["--config", str(shipped), "--epochs", "2"]).epochs == 2
    (tmp_path / "run.json").write_text(json.dumps({"learning-rate": 1e-3, "episodes": 2}))
    config = parse_args(SFTConfig, ["--config", str(tmp_path / "run.json")])
    assert (config.learning_rate, config.episodes) == (1e-3, 2)
    for text, message in (("lerning_rate: 0.1", "sets lerning_rate, which SFTConfig does not"),
                          ("- a list", "must hold a mapping"), ("a: [", "not valid YAML")):
        (tmp_path / "bad.yaml").write_text(text)
        with pytest.raises(ConfigError, match=message):
            parse_args(SFTConfig, ["--config", str(tmp_path / "bad.yaml")])
    with pytest.raises(ConfigError, match="no such file"):
        parse_args(SFTConfig, ["--config", str(tmp_path / "none.yaml")])
    # A value the config refuses is refused from a file as from a flag.
    (tmp_path / "takes.yaml").write_text("takes: 0\nmemory: [none]")
    with pytest.raises(ConfigError, match="takes"):
        parse_args(SFTConfig, ["--config", str(tmp_path / "takes.yaml")])


def test_the_shop_ppo_run_is_reproduced_from_its_config_file():
    from pathlib import Path

    from training.config import PPOConfig

    shipped = Path(__file__).resolve().parents[2] / "training" / "configs" / \
        "ppo_shop_actor_memory.yaml"
    config = parse_args(PPOConfig, ["--config", str(shipped)])
    assert (config.policy, config.env, config.memory, config.actor_reward) == (
        "actor", "shop", "full", "shaped")
    assert config.instances == list(range(1, 19)) and config.steps == 10
    assert Path(config.init_adapter).name == "shop-actor"  # the shipped warm start, resolved
    assert f"--config training/configs/{shipped.name}" in shipped.read_text()


@pytest.mark.parametrize("name, config_file", [
    ("household-actor", "sft_household_actor_memory.yaml"),
    ("shop-actor", "sft_shop_actor_memory.yaml")])
def test_the_shipped_actor_adapter_is_what_its_config_trains(name, config_file):
    from pathlib import Path

    from policies import PromptedActor
    from policies.base import resolve_adapter, shipped_adapters
    from training.config import SFTConfig
    from training.model import template_of

    root = Path(__file__).resolve().parents[2]
    assert name in shipped_adapters()
    shipped = resolve_adapter(name)
    meta = json.loads((shipped / "agentmem-adapter.json").read_text())
    config = parse_args(SFTConfig, ["--config", str(root / "training" / "configs" / config_file)])
    assert (meta["instances"], meta["memory"], meta["env"]) == (
        config.instances, config.memory, config.env)
    # the runtime prompts it with the template it was trained on, whatever the default is
    assert PromptedActor(None, adapter=name).template.id == meta["template"]
    # and that is the default now: the config reproduces it, and RL can start from it
    assert meta["template"] == template_of("actor")
    assert (shipped / "README.md").read_text().startswith(f"# {name}")
    assert json.loads((shipped / "adapter_config.json").read_text())[
        "base_model_name_or_path"].count("/") == 0  # no training machine's path
