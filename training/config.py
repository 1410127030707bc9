"""One config dataclass per trainer; every field documented; CLI flags generated from it.

Each field's ``help`` metadata is its documentation and its ``--flag`` help. A
config checks itself (:meth:`check`) before any model is loaded, so an
inconsistent one fails in a second with a message that names the fix.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from agentmem.errors import ConfigError
from envs import ACTOR_ENVS

__all__ = ["GRPOConfig", "PPOConfig", "SFTConfig", "parse_args", "POLICIES"]

POLICIES = ("answer", "manager", "actor")


def _f(default: Any, help: str, **kw: Any) -> Any:
    return field(default=default, metadata={"help": help}, **kw)


@dataclass
class _Adapter:
    """What every trainer shares: the base model, the LoRA adapter, the optimizer, the run."""

    output_dir: str = _f("runs/answer-grpo", "where checkpoints, logs, plots and the final "
                         "adapter (output_dir/adapter) go")
    model: str = _f("smollm2", "base model: smollm2 (the packaged SmolLM2-135M-Instruct) or a "
                    "local Hugging Face model directory")
    lora_r: int = _f(16, "LoRA rank")
    lora_alpha: int = _f(32, "LoRA alpha")
    lora_dropout: float = _f(0.05, "LoRA dropout")
    lora_targets: list[str] = _f(None, "module names LoRA adapts (default: q_proj, v_proj)")
    learning_rate: float = _f(5e-5, "optimizer learning rate")
    steps: int = _f(50, "optimizer steps")
    batch_size: int = _f(4, "completions per optimizer step (per device)")
    seed: int = _f(0, "random seed (data order, sampling, LoRA init)")
    save_steps: int = _f(10, "save a checkpoint every N steps (resume picks the last)")
    resume: bool = _f(True, "continue from the last checkpoint in output_dir when there is one")
    tensorboard: bool = _f(True, "also log to TensorBoard when it is installed")
    init_adapter: str = _f(None, "start from this LoRA adapter (e.g. an SFT run's "
                           "OUTPUT_DIR/adapter) instead of a fresh one")

    def __post_init__(self) -> None:
        if self.lora_targets is None:
            self.lora_targets = ["q_proj", "v_proj"]

    def check(self) -> None:
        """Raise :class:`ConfigError` naming the first inconsistent field."""
        for name in ("batch_size", "save_steps", "lora_r"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.learning_rate <= 0:
            raise ConfigError(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.init_adapter is not None:
            from policies.base import resolve_adapter

            # a shipped adapter's name (household-actor) is a warm start too
            self.init_adapter = str(resolve_adapter(self.init_adapter))
            if not (Path(self.init_adapter) / "adapter_config.json").is_file():
                raise ConfigError(f"init_adapter {self.init_adapter} is not a LoRA adapter "
                                  "directory (no adapter_config.json); pass a run's "
                                  "OUTPUT_DIR/adapter")

    @property
    def template_policy(self) -> str:
        """The runtime policy whose prompts this run renders (``training.model.template_of``)."""
        return self.policy  # every trainer config names its policy

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1)


@dataclass
class _Common(_Adapter):
    policy: Literal["answer", "manager", "actor"] = _f(
        "answer", "which policy to train: answer, manager or actor")
    env: str = _f(None, "data/environment: locomo (answer, the default), facts (manager, the "
                  "default), household (actor, the default) or shop (actor)")
    data: list[str] = _f(None, "LoCoMo .json files to train on (answer policy); default: "
                         "../shared/data/locomo/26.json", )
    max_completion_tokens: int = _f(48, "tokens generated per completion")
    temperature: float = _f(1.0, "sampling temperature during rollouts")
    beta: float = _f(0.04, "weight of the KL penalty to the reference (adapter-off) model")
    k: int = _f(5, "memories retrieved per question/turn when building prompts")
    examples: int = _f(64, "training prompts to build (questions, turns or episodes)")
    format_reward: float = _f(0.1, "reward for a reply that parses, added to the outcome")
    manager_reward: Literal["answer", "op"] = _f(
        "answer", "manager: answer (Memory-R1: the ops are applied to a copy of the bank and a "
        "frozen answer policy answers the question the turn decides; F1, mixed with the "
        "operation check by op_weight) or op (the operation check alone, no answer calls)")
    op_weight: float = _f(0.5, "manager, --manager-reward answer: weight of the operation check "
                          "next to the answer's F1 (0..1)")
    invalid_penalty: float = _f(0.1, "actor: reward subtracted per invalid action")
    actor_reward: Literal["outcome", "shaped"] = _f(
        "outcome", "actor: outcome (the environment's reward) or shaped (plus progress_weight x "
        "the share of the episode's sub-goals reached: found, taken, processed, placed in the "
        "household; found, product, price, options, bought in the shop)")
    progress_weight: float = _f(0.5, "actor, --actor-reward shaped: weight of the sub-goal share")
    max_episode_steps: int = _f(12, "actor: step limit per training episode")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.env is None:
            self.env = {"answer": "locomo", "manager": "facts", "actor": "household"}.get(
                self.policy, "locomo")

    def check(self) -> None:
        super().check()
        if self.policy not in POLICIES:
            raise ConfigError(f"policy={self.policy!r}: choose one of {', '.join(POLICIES)}")
        envs = {"answer": ("locomo",), "manager": ("facts",), "actor": ACTOR_ENVS}
        if self.env not in envs[self.policy]:
            raise ConfigError(f"env={self.env!r} does not train the {self.policy} policy; use "
                              f"{' or '.join(envs[self.policy])}")
        for name in ("steps", "max_completion_tokens", "examples", "k"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.manager_reward not in ("answer", "op"):
            raise ConfigError(f"manager_reward={self.manager_reward!r}: answer or op")
        if self.actor_reward not in ("outcome", "shaped"):
            raise ConfigError(f"actor_reward={self.actor_reward!r}: outcome or shaped")
        if not (0.0 <= self.progress_weight < float("inf")):
            raise ConfigError(f"progress_weight must be a finite number >= 0, got "
                              f"{self.progress_weight}")
        if not 0.0 <= self.op_weight <= 1.0:
            raise ConfigError(f"op_weight must be within 0..1, got {self.op_weight}")
        if self.temperature <= 0 or self.beta < 0:
            raise ConfigError("temperature must be > 0 and beta >= 0")
        for path in self.data or []:
            if not Path(path).is_file():
                raise ConfigError(f"data file {path} does not exist; pass --data with LoCoMo "
                                  ".json files (e.g. ../shared/data/locomo/26.json)")

    @property
    def shaping(self) -> float:
        """The weight of sub-goal progress in the actor's reward (0: the outcome alone)."""
        return self.progress_weight if self.actor_reward == "shaped" else 0.0


@dataclass
class GRPOConfig(_Common):
    """GRPO through TRL's GRPOTrainer with LoRA."""

    num_generations: int = _f(4, "completions sampled per prompt (the group)")
    use_vllm: bool = _f(False, "generate with vLLM (GPU, `pip install vllm`) through TRL instead "
                        "of the runtime's constrained decoding; replies are then unconstrained")

    def check(self) -> None:
        super().check()
        if self.num_generations < 2:
            raise ConfigError(f"num_generations must be >= 2 (GRPO compares a group), got "
                              f"{self.num_generations}")
        if self.use_vllm:
            import importlib.util

            if importlib.util.find_spec("vllm") is None:
                raise ConfigError("--use-vllm needs vLLM (pip install vllm, on a GPU machine); "
                                  "without it, leave the flag off")
        if self.batch_size % self.num_generations:
            raise ConfigError(f"batch_size ({self.batch_size}) must be a multiple of "
                              f"num_generations ({self.num_generations}): each prompt's group "
                              f"fills the batch; try --batch-size "
                              f"{self.num_generations * max(1, self.batch_size // self.num_generations)}")


@dataclass
class PPOConfig(_Common):
    """PPO with a value head, our own loop on torch + peft."""

    output_dir: str = _f("runs/answer-ppo", "where checkpoints, logs, plots and the final "
                         "adapter (output_dir/adapter) go")
    ppo_epochs: int = _f(2, "passes over each rollout batch")
    clip: float = _f(0.2, "PPO ratio clip range")
    value_clip: float = _f(0.2, "value prediction clip range")
    value_coef: float = _f(0.5, "weight of the value loss")
    gamma: float = _f(1.0, "discount over tokens")
    lam: float = _f(0.95, "GAE lambda")
    minibatch_size: int = _f(2, "sequences per gradient step within a rollout batch")
    instances: list[int] = _f(None, "actor: homes (household, split seen) or shoppers (shop, "
                              "below 1000) the training episodes are played in, one per step "
                              "in turn; default 1")
    memory: Literal["none", "full"] = _f(
        "none", "actor: play the training episodes without memory (none) or with notes, "
        "lessons and the task tree (full), as agentmem eval does; with full each step plays "
        "consecutive episodes of one home or shopper into a fresh memory")
    credit: Literal["episode", "turn", "group"] = _f(
        "episode", "actor: episode (every turn gets the episode's reward, discounted by gamma "
        "from the end), turn (each turn gets what it reached from then on: progress_weight "
        "x the sub-goals its action reached, the outcome on the last turn, penalties on its "
        "own action; summed with turn_discount) or group (GRPO: group_size episodes of one "
        "trip played from the same memory, each turn's advantage is its episode's reward "
        "against the group's mean, in the group's standard deviations; the value head unused)")
    group_size: int = _f(4, "actor, --credit group: episodes played from one anchor state; "
                         "a step plays one group (batch_size and the value-head settings "
                         "are not used)")
    anchors: list[int] = _f(None, "actor, --credit group: how many trips of the step's home "
                            "or shopper are played first, once and not trained on, to fill "
                            "the memory the group starts from; cycled over steps, moved on by "
                            "one each pass over the instances (default 0 and 1: a first "
                            "trip, then a later one)")
    turn_discount: float = _f(0.9, "actor, --credit turn: discount per turn (0..1]")
    repeat_penalty: float = _f(0.0, "actor, --credit turn: reward subtracted when a turn "
                               "repeats the previous action")

    def __post_init__(self) -> None:
        super().__post_init__()
        self.instances = list(self.instances or [1])
        self.anchors = list(self.anchors if self.anchors is not None else [0, 1])

    def check(self) -> None:
        super().check()
        if self.memory not in ("none", "full"):
            raise ConfigError(f"memory={self.memory!r}: none or full")
        if self.credit not in ("episode", "turn", "group"):
            raise ConfigError(f"credit={self.credit!r}: episode, turn or group")
        if self.credit == "group":
            if self.policy != "actor":
                raise ConfigError("--credit group is for the actor (episodes played from one "
                                  "state); the answer and manager policies use GRPO in "
                                  "training.grpo")
            if self.group_size < 2:
                raise ConfigError(f"group_size={self.group_size}: need >= 2, a group of one "
                                  f"has no baseline to compare its episode against")
            if not self.anchors or not all(0 <= a < 100 for a in self.anchors):
                raise ConfigError(f"anchors={self.anchors}: need one or more trip counts "
                                  f"in 0..99")
        if not 0 < self.turn_discount <= 1 or not 0 <= self.repeat_penalty < float("inf"):
            raise ConfigError(f"need 0 < turn_discount <= 1 and a finite repeat_penalty >= 0; "
                              f"got {self.turn_discount}, {self.repeat_penalty}")
        if self.policy == "actor":
            from training.demonstrations import check_held_out

            check_held_out(self.env, self.instances)
        if not 0 < self.clip < 1 or not 0 < self.lam <= 1 or not 0 < self.gamma <= 1:
            raise ConfigError("need 0 < clip < 1, 0 < lam <= 1 and 0 < gamma <= 1")
        if self.minibatch_size < 1 or self.batch_size % self.minibatch_size:
            raise ConfigError(f"batch_size ({self.batch_size}) must be a multiple of "
                              f"minibatch_size ({self.minibatch_size})")


@dataclass
class SFTConfig(_Adapter):
    """Supervised fine-tuning (a warm start before RL) with TRL's SFTTrainer and LoRA, on
    demonstrations rendered exactly as the runtime prompts; the loss is on the reply only."""

    output_dir: str = _f("runs/actor-sft", "where checkpoints, logs, plots and the final "
                         "adapter (output_dir/adapter) go")
    policy: Literal["actor", "manager", "answer"] = _f(
        "actor", "which policy to train: the actor (demonstrations in an environment), the "
        "memory manager (its extractive mode on LoCoMo turns labelled by the dataset's notes, "
        "or its generative mode on fact streams' gold operations) or the answer policy "
        "(LoCoMo questions, shown what the Agent's read path shows, answered with the "
        "dataset's answers)")
    env: str = _f(None, "household or shop (actor; default household); locomo (manager, "
                  "extractive mode; default) or facts (manager, generative mode); locomo "
                  "(answer)")
    conversations: list[str] = _f(None, "LoCoMo files the manager's or answer policy's "
                                  "examples come from (default: conversation 26; 30 and "
                                  "41-43 are refused)")
    keep: str = _f(None, "--policy answer: a folder where the training conversation's "
                   "layered memory is kept once ingested (a later run reads it instead of "
                   "ingesting again, about 10 minutes per conversation)")
    contexts: list[str] = _f(None, "--policy answer: the contexts each question is shown in "
                             "(training.data.ANSWER_CONTEXTS): read-path, evidence (its "
                             "evidence turns alone), shuffled (the read path in another "
                             "order), planted (its evidence turns placed among the read "
                             "path's others); default read-path and evidence")
    streams: int = _f(8, "--env facts: fact streams to learn from (seeds 0..N-1; 500-599 are "
                      "held out)")
    stream_turns: int = _f(40, "--env facts: turns per fact stream")
    instances: list[int] = _f(None, "homes (household, split seen) or shoppers (shop, below "
                              "1000) the demonstrations are played in; default 1-6")
    episodes: int = _f(6, "demonstrated episodes per home or shopper")
    memory: list[str] = _f(None, "memory variants the demonstrations are played with: none, full "
                           "(notes, lessons and task tree); default both")
    expert: str = _f(None, "who demonstrates: explorer (the scripted actor, which sees only what "
                     "the LLM actor sees; household default) or plan (the environment's "
                     "expert_plan; shop default)")
    trajectories: str = _f(None, "a TrajectoryRecorder JSONL file to learn from instead of the "
                           "environment's expert")
    max_episode_steps: int = _f(None, "step limit per demonstrated episode (default: the "
                                "environment's own)")
    examples: int = _f(0, "use at most this many turns (0: all)")
    moves: float = _f(1.0, "share of plain moves (go to ..., open ...) kept; below 1, more of "
                      "the training goes to the turns that need the task's words")
    takes: int = _f(1, "times each turn that picks an object up appears in the data (the "
                    "turn a fine-tuned actor gets wrong first)")
    epochs: float = _f(2.0, "passes over the examples (when --steps is 0)")
    steps: int = _f(0, "optimizer steps; 0: as many as --epochs take")
    learning_rate: float = _f(2e-4, "optimizer learning rate")
    max_length: int = _f(2048, "longest prompt + reply in tokens; longer ones lose their start")

    def __post_init__(self) -> None:
        super().__post_init__()
        self.instances = list(self.instances or range(1, 7))
        self.memory = list(self.memory or ["none", "full"])
        self.env = self.env or ("locomo" if self.policy in ("manager", "answer")
                                else "household")
        if self.policy in ("manager", "answer") and not self.conversations:
            from training.manager_demonstrations import DEFAULT_CONVERSATIONS

            self.conversations = list(DEFAULT_CONVERSATIONS)

    @property
    def template_policy(self) -> str:
        # The manager's supervised data from LoCoMo is for its extractive mode (its own
        # template); from the fact streams for the generative one.
        if self.policy == "manager" and self.env == "locomo":
            return "extractive"
        return self.policy

    def check(self) -> None:
        super().check()
        if self.policy not in ("actor", "manager", "answer"):
            raise ConfigError(f"policy={self.policy!r}: supervised data exists for the actor, "
                              "the manager and the answer policy")
        if self.policy == "answer":
            from training.manager_demonstrations import check_conversations

            if self.env != "locomo":
                raise ConfigError(f"env={self.env!r} does not train the answer policy; use "
                                  "locomo")
            check_conversations(self.conversations)
            if self.contexts is not None:
                from training.data import check_answer_contexts

                check_answer_contexts(self.contexts)
        elif self.policy == "manager":
            from training.manager_demonstrations import check_conversations, check_streams

            if self.env == "locomo":
                check_conversations(self.conversations)
            elif self.env == "facts":
                check_streams(range(self.streams))
                if self.stream_turns < 1:
                    raise ConfigError(f"stream_turns must be >= 1, got {self.stream_turns}")
            else:
                raise ConfigError(f"env={self.env!r} does not train the manager; use locomo "
                                  "(extractive mode) or facts (generative mode)")
        elif self.env not in ACTOR_ENVS:
            raise ConfigError(f"env={self.env!r}: choose {' or '.join(ACTOR_ENVS)}")
        for name in ("episodes", "max_length"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.steps < 0 or self.examples < 0 or self.epochs <= 0:
            raise ConfigError("steps and examples must be >= 0 and epochs > 0")
        from training.demonstrations import check_options

        check_options(memory=self.memory, expert=self.expert, moves=self.moves,
                      takes=self.takes)
        if self.trajectories is not None and not Path(self.trajectories).is_file():
            raise ConfigError(f"trajectories file {self.trajectories} does not exist")


def parse_args(cls: type, argv: list[str] | None = None, *, prog: str | None = None,
               usage_errors: bool = False, **defaults: Any) -> Any:
    """Parse ``argv`` into ``cls`` with Hugging Face's ``HfArgumentParser``: one flag per
    field (``--batch-size`` or ``--batch_size``), its help from the field's metadata.

    A value the config refuses raises :class:`ConfigError`; with ``usage_errors`` (the
    command line) it is a usage error instead: one line, exit status 2, like a bad flag."""
    from transformers import HfArgumentParser

    parser = HfArgumentParser(cls, prog=prog, description=(cls.__doc__ or "").strip() + (
                                  "\n\n--config FILE reads the settings from a YAML or JSON "
                                  "file (training/configs/); flags given with it override it"),
                              formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    try:
        argv, from_file = _config_file(cls, argv)
        parser.set_defaults(**{**from_file, **defaults})
        (config,) = parser.parse_args_into_dataclasses(argv)
        config.check()
    except ConfigError as exc:
        if not usage_errors:
            raise
        parser.error(str(exc))
    return config


def _config_file(cls: type, argv: list[str] | None) -> tuple[list[str] | None, dict[str, Any]]:
    """``argv`` without ``--config FILE``, and that file's settings (field names, with
    ``-`` or ``_``): a run kept under training/configs/ is reproduced by one flag."""
    import sys

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config")
    known, rest = pre.parse_known_args(sys.argv[1:] if argv is None else argv)
    if known.config is None:
        return argv, {}
    path = Path(known.config)
    if not path.is_file():
        raise ConfigError(f"--config {path}: no such file; the shipped ones are in "
                          "training/configs/")
    import yaml

    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    except yaml.YAMLError as exc:
        raise ConfigError(f"--config {path} is not valid YAML or JSON: {exc}") from None
    if not isinstance(settings, dict):
        raise ConfigError(f"--config {path} must hold a mapping of setting: value")
    settings = {str(k).replace("-", "_"): v for k, v in settings.items()}
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(settings) - names)
    if unknown:
        raise ConfigError(f"--config {path} sets {', '.join(unknown)}, which {cls.__name__} "
                          f"does not have; see --help for the settings")
    return rest, settings
