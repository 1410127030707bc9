"""The shared actor-episode loop, on a character tokenizer and a scripted model (no torch).

Both trainers play episodes through :func:`training.rollout.play_actor_episode`; only
the context differs (PPO: each turn prompted on its own; GRPO: one growing sequence).
"""

from __future__ import annotations

import json
from itertools import groupby
from operator import itemgetter

import pytest

from agentmem.errors import InvalidContentError
from envs import make_env
from training.rollout import ChatSequence, TurnJoiner, TurnPrompts, parse_action, play_actor_episode

EOS = "<eos>"


class CharTokenizer:
    """One token per character, ``<eos>`` is token 0, a ChatML-like chat template."""

    eos_token, eos_token_id = EOS, 0

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for i, part in enumerate(text.split(EOS)):
            ids += ([0] if i else []) + [ord(c) for c in part]
        return ids

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": self.encode(text)}

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str:
        return "".join("" if i == 0 and skip_special_tokens else EOS if i == 0 else chr(i)
                       for i in ids)

    def apply_chat_template(self, chat: list[dict], add_generation_prompt: bool = False,
                            tokenize: bool = False) -> str:
        text = "".join(f"<|{m['role']}|>{m['content']}{EOS}\n" for m in chat)
        return text + ("<|assistant|>" if add_generation_prompt else "")


class ScriptedActorLLM:
    """Replies with the next scripted text (None: the first admissible action, as JSON;
    "": an empty reply; an exception instance: raised), and records every call."""

    def __init__(self, tokenizer: CharTokenizer, script: list = ()):
        self.tokenizer, self.script, self.calls = tokenizer, list(script), []

    def generate_ids(self, messages, schema, max_tokens=256, temperature=0.0, *,
                     prompt_ids=None):
        self.calls.append({"messages": messages, "max_tokens": max_tokens,
                           "temperature": temperature, "prompt_ids": prompt_ids})
        step = self.script.pop(0) if self.script else None
        if isinstance(step, Exception):
            raise step
        if prompt_ids is None:
            prompt_ids = self.tokenizer(self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True))["input_ids"]
        if step == "":
            return list(prompt_ids), []
        text = step if step is not None else json.dumps(
            {"action": schema["properties"]["action"]["enum"][0]})
        return list(prompt_ids), self.tokenizer.encode(text) + [0]


def household(max_steps: int = 3):
    return make_env("household", instance=1, max_steps=max_steps)()


def test_parse_action_takes_the_json_action_or_keeps_the_raw_text():
    assert parse_action('{"action": "look"}') == "look"
    assert parse_action("go north") == "go north"
    assert parse_action('{"act": "look"}') == '{"act": "look"}'
    assert parse_action("[1]") == "[1]"


def test_turn_prompts_prompt_each_turn_alone_with_the_given_budget():
    tok = CharTokenizer()
    llm = ScriptedActorLLM(tok, [None, "not json", ""])
    ep = play_actor_episode(llm, household(), 5, TurnPrompts(tok), max_new_tokens=17,
                            temperature=0.7)
    assert len(ep.turns) == ep.steps == 3
    assert all(c["max_tokens"] == 17 and c["temperature"] == 0.7 for c in llm.calls)
    assert all(c["prompt_ids"] is None for c in llm.calls)  # templated by the model's LLM
    # Every prompt is the actor's own single-turn prompt (system + user), as at inference.
    assert all(len(c["messages"]) == 2 for c in llm.calls)
    assert ep.turns[1].action == "not json" and ep.turns[1].invalid
    assert ep.turns[2].reply_ids == [0]  # an empty reply is scored as one end token
    assert ep.invalid == sum(t.invalid for t in ep.turns) >= 1


def test_chat_sequence_is_the_chat_template_of_the_whole_episode():
    tok = CharTokenizer()
    llm = ScriptedActorLLM(tok, [None, "not json", None])
    context = ChatSequence(TurnJoiner(tok))
    ep = play_actor_episode(llm, household(), 5, context, max_new_tokens=23, temperature=1.0)
    prompt, completion, mask = context.sequence()
    assert len(ep.turns) == 3 and len(completion) == len(mask)
    # Each generation continues the exact sequence so far, with the trainer's budget.
    for call, turn in zip(llm.calls, ep.turns, strict=True):
        assert call["max_tokens"] == 23 and call["prompt_ids"] == turn.prompt_ids
        assert (prompt + completion)[:len(turn.prompt_ids)] == turn.prompt_ids
    # The sequence is what the chat template renders for the episode's chat, while the
    # replies keep their sampled tokens (the end token included).
    last = tok.decode(ep.turns[-1].reply_ids, skip_special_tokens=True)
    chat = context.chat + [{"role": "assistant", "content": last}]
    assert tok.decode(prompt + completion) + "\n" == tok.apply_chat_template(chat)


def test_grpo_episode_masks_the_environment_and_subtracts_the_penalty():
    from training.grpo import play_episode

    tok = CharTokenizer()
    env = household()
    ep = play_episode(ScriptedActorLLM(tok, [None, "not json", None]), TurnJoiner(tok), env, 5,
                      max_tokens=23, temperature=1.0, invalid_penalty=0.5)
    completion, mask = ep["completion_ids"], ep["env_mask"]
    assert len(completion) == len(mask) and ep["steps"] == 3
    # Masked 1: exactly the three replies; 0: the two observations + prompts between.
    runs = [(m, [token for token, _ in run])
            for m, run in groupby(zip(completion, mask, strict=True), key=itemgetter(1))]
    assert [m for m, _ in runs] == [1, 0, 1, 0, 1]
    replies = [tok.decode(r, skip_special_tokens=True) for m, r in runs if m == 1]
    assert replies[1] == "not json" and json.loads(replies[0])["action"]
    assert all(tok.decode(r).endswith("<|assistant|>") for m, r in runs if m == 0)
    assert ep["env_reward"] == pytest.approx(env.total_reward - 0.5 * 1)


def test_chat_sequence_ends_the_episode_when_the_context_is_full():
    from training.grpo import play_episode

    tok = CharTokenizer()
    full = InvalidContentError("prompt exceeds the context window")
    ep = play_episode(ScriptedActorLLM(tok, [None, full]), TurnJoiner(tok), household(), 5,
                      max_tokens=8, temperature=1.0, invalid_penalty=0.1)
    mask = ep["env_mask"]
    assert ep["steps"] == 1 and mask == sorted(mask, reverse=True)  # one reply, the next prompt
    ep = play_episode(ScriptedActorLLM(tok, [full]), TurnJoiner(tok), household(), 5,
                      max_tokens=8, temperature=1.0, invalid_penalty=0.1)
    assert (ep["completion_ids"], ep["env_mask"], ep["steps"]) == ([0], [1], 0)


def test_turn_prompts_let_a_full_context_raise():
    tok = CharTokenizer()
    llm = ScriptedActorLLM(tok, [InvalidContentError("too long")])
    with pytest.raises(InvalidContentError):
        play_actor_episode(llm, household(), 5, TurnPrompts(tok), max_new_tokens=8,
                           temperature=1.0)


def ppo_actor_batch(monkeypatch, llm, config, step: int = 0) -> list:
    """PPO's rollout batch for ``step`` with a scripted model; log-probs are zeros."""
    import training.model
    from training.ppo import rollout_batches

    monkeypatch.setattr(training.model, "completion_logprobs",
                        lambda model, p, c, t: [0.0] * len(c))

    class Model:
        def eval(self):
            return self

    return rollout_batches(config, llm, Model(), llm.tokenizer, [], None)(step)


def test_ppo_plays_actor_episodes_with_its_configured_token_budget(monkeypatch):
    """PPO once hard-coded 48 new tokens for the actor; it now passes its config's."""
    from training.config import PPOConfig

    llm = ScriptedActorLLM(CharTokenizer(), [None, "not json"] * 10)
    config = PPOConfig(policy="actor", env="household", max_completion_tokens=21, batch_size=4,
                       max_episode_steps=2, gamma=0.5, invalid_penalty=0.25)
    samples = ppo_actor_batch(monkeypatch, llm, config)
    assert len(samples) >= 4 and {c["max_tokens"] for c in llm.calls} == {21}
    # Two-turn episodes: the second turn (invalid) gets the outcome, the first half of it.
    first, second = samples[0], samples[1]
    outcome = second.reward + 0.25
    assert first.reward == pytest.approx(0.5 * outcome)
    assert first.logprobs == [0.0] * len(first.completion_ids)


def test_ppo_samples_the_manager_under_the_schema_of_the_memories_shown(monkeypatch):
    import training.model
    from training.config import PPOConfig
    from training.ppo import rollout_batches
    from training.rewards import Reward, RewardKind

    monkeypatch.setattr(training.model, "completion_logprobs",
                        lambda model, p, c, t: [0.0] * len(c))
    tok = CharTokenizer()
    schemas = []

    class ManagerLLM:
        def generate_ids(self, messages, schema, max_tokens, temperature):
            schemas.append(schema)
            return [1, 2], tok.encode('{"operations": []}')

    class Model:
        def eval(self):
            return self

    rows = [{"prompt": [{"role": "user", "content": "Existing memories:\n[0] a\n[1] b"}],
             "shown": ["a", "b"]},
            {"prompt": [{"role": "user", "content": "[x] not a memory line"}], "shown": []}]
    reward = Reward("n", RewardKind.COMPLETION, lambda p, c, **kw: [float(len(kw["shown"][0]))])
    config = PPOConfig(policy="manager", batch_size=2, minibatch_size=2)
    samples = rollout_batches(config, ManagerLLM(), Model(), tok, rows, reward)(0)
    assert [s.reward for s in samples] == [2.0, 0.0]
    ids = [s["properties"]["operations"]["items"]["properties"]["id"]["enum"] for s in schemas]
    assert ids == [[-1, 0, 1], [-1]]  # from the rows' memories, not from counting "[" lines


def test_rollouts_list_untried_actions_first_as_the_runtime_loop_does():
    # A model that always takes the first action listed never repeats one while an
    # untried one is left: the rollout lists them as training.eval.episodes does.
    tok = CharTokenizer()
    llm = ScriptedActorLLM(tok)
    ep = play_actor_episode(llm, household(max_steps=8), 5, TurnPrompts(tok),
                            max_new_tokens=40, temperature=1.0)
    actions = [t.action for t in ep.turns]
    assert len(actions) == 8 and len(set(actions)) == 8, actions


def test_rollouts_with_memory_see_what_earlier_episodes_left_as_at_inference():
    # The rollout is the runtime's own loop: with memory, the second episode's prompt
    # holds the first one's notes and lesson, and both are written to the store.
    from agentmem.memory import Memory
    from training.eval.episodes import EnvMemory

    tok = CharTokenizer()
    llm = ScriptedActorLLM(tok, [None, "not json", None, None])
    env = household(max_steps=4)
    memory = EnvMemory(Memory(home=":memory:", embedder="hash"))
    first = play_actor_episode(llm, env, 0, TurnPrompts(tok), max_new_tokens=60,
                               temperature=1.0, memory=memory)
    asked = len(llm.calls)
    play_actor_episode(llm, env, 1, TurnPrompts(tok), max_new_tokens=60, temperature=1.0,
                       memory=memory, episode=1)
    assert [t.invalid for t in first.turns] == [False, True, False, False]
    assert first.invalid == 1 and first.steps == 4
    before = llm.calls[0]["messages"][-1]["content"]
    after = llm.calls[asked]["messages"][-1]["content"]
    assert "Lessons from earlier episodes:\n(none)" in before
    assert "This failed for" in after and "was in cabinet 1" in after
    kept = [r.content for r in memory.memory.list(agent_id="actor", limit=100)]
    assert any(c.startswith("This failed for") for c in kept)


def test_ppo_with_memory_trains_on_the_prompts_memory_gives(monkeypatch):
    from training.config import PPOConfig

    tok = CharTokenizer()
    config = PPOConfig(policy="actor", env="household", batch_size=6, minibatch_size=2,
                       max_episode_steps=3, memory="full", instances=[2, 3])
    samples = ppo_actor_batch(monkeypatch, ScriptedActorLLM(tok), config, step=1)
    prompts = [tok.decode(s.prompt_ids) for s in samples]
    assert len(samples) == 6  # two 3-step episodes of home 3 (step 1 of instances 2, 3)
    lessons = "Lessons from earlier episodes:\n(none)"
    assert lessons in prompts[0] and lessons not in prompts[3]  # episode 2 sees episode 1's
    assert all("[>] active" in p for p in prompts)  # the task tree, in every turn


def test_ppo_refuses_to_train_the_actor_where_evaluation_is_held_out():
    from agentmem.errors import ConfigError
    from training.config import PPOConfig

    assert PPOConfig(policy="actor").instances == [1]
    with pytest.raises(ConfigError, match="held out"):
        PPOConfig(policy="actor", env="shop", instances=[3, 1000]).check()
    with pytest.raises(ConfigError, match="none or full"):
        PPOConfig(policy="actor", memory="some").check()


def test_turn_credit_pays_each_turn_what_it_reached_from_then_on():
    from training.rewards import turn_returns

    # Three turns: the first reaches a sub-goal (0 -> 0.5), the second repeats the first
    # action and reaches nothing, the third is invalid and the episode ends with 0.3.
    got = turn_returns(0.3, 0.0, [0.5, 0.5, 0.5], [False, False, True], [False, True, False],
                       shaping=1.0, penalty=0.1, repeat_penalty=0.2, discount=0.5)
    rewards = [0.5, -0.2, -0.1 + 0.3]
    assert got == pytest.approx([rewards[0] + 0.5 * rewards[1] + 0.25 * rewards[2],
                                 rewards[1] + 0.5 * rewards[2], rewards[2]])
    with pytest.raises(Exception, match="not a number"):
        turn_returns(0.0, 0.0, [float("nan")], [False], [False], shaping=1.0, penalty=0.0,
                     repeat_penalty=0.0, discount=1.0)


def test_rollouts_record_the_progress_after_each_turn():
    # A scripted model that follows the admissible list: progress never falls, the last
    # turn's is the episode's, and PPO's turn credit sums to the shaped episode return.
    from training.config import PPOConfig
    from training.ppo import actor_turn_rewards

    tok = CharTokenizer()
    ep = play_actor_episode(ScriptedActorLLM(tok), household(max_steps=6), 5, TurnPrompts(tok),
                            max_new_tokens=40, temperature=1.0)
    shares = [ep.start_progress] + [t.progress for t in ep.turns]
    assert shares == sorted(shares) and ep.turns[-1].progress == ep.progress
    config = PPOConfig(policy="actor", env="household", credit="turn", turn_discount=1.0,
                       actor_reward="shaped", progress_weight=0.5, invalid_penalty=0.0)
    first = actor_turn_rewards(config, ep, "household")[0]
    assert first == pytest.approx(ep.total_reward + 0.5 * (ep.progress - ep.start_progress))


class RandomActorLLM(ScriptedActorLLM):
    """Picks an admissible action at random (seeded), so a group's episodes differ."""

    def __init__(self, tokenizer: CharTokenizer, seed: int = 0):
        super().__init__(tokenizer)
        import random

        self.rng = random.Random(seed)

    def generate_ids(self, messages, schema, max_tokens=256, temperature=0.0, *,
                     prompt_ids=None):
        self.script = [json.dumps({"action": self.rng.choice(
            schema["properties"]["action"]["enum"])})]
        return super().generate_ids(messages, schema, max_tokens, temperature,
                                    prompt_ids=prompt_ids)


def test_group_credit_plays_the_group_from_copies_of_one_anchor_memory(monkeypatch):
    """GRPO's rollout: the anchor trip is played once, greedily, and fills the memory;
    each of the group's episodes starts from its own copy of it (the same first prompt,
    although failed episodes write lessons), and each turn carries its episode's
    advantage within the group."""
    import training.ppo
    from training.config import PPOConfig
    from training.ppo import group_advantages
    from training.rewards import episode_return

    played, stores, anchor_history = [], [], []
    real = training.ppo.play_actor_episode

    def recording(llm, env, seed, context, **kw):
        stores.append(kw["memory"].memory)
        ep = real(llm, env, seed, context, **kw)
        played.append((seed, kw["temperature"], kw["episode"], ep))
        anchor_history.append(stores[0].history_cursor())
        return ep

    monkeypatch.setattr(training.ppo, "play_actor_episode", recording)
    tok = CharTokenizer()
    llm = RandomActorLLM(tok, seed=3)
    config = PPOConfig(policy="actor", env="household", credit="group", group_size=4,
                       anchors=[0, 1], instances=[3, 2], memory="full", max_episode_steps=8,
                       batch_size=4, minibatch_size=2, temperature=0.9, invalid_penalty=0.1,
                       actor_reward="shaped", progress_weight=0.5)
    samples = ppo_actor_batch(monkeypatch, llm, config, step=1)  # home 2, one anchor trip
    anchor, group = played[0], played[1:]
    assert anchor[1] == 0.0 and anchor[2] == 0 and len(group) == 4
    assert {(seed, t, n) for seed, t, n, _ in group} == {(group[0][0], 0.9, 1)}
    # Each group episode had its own store, and none wrote into the anchor's.
    assert len({id(m) for m in stores}) == 5 and len(set(anchor_history)) == 1
    starts = [c for c in llm.calls if c["temperature"] == 0.9]
    firsts = [starts[sum(len(g[3].turns) for g in group[:i])]["messages"][-1]["content"]
              for i in range(4)]
    assert len(set(firsts)) == 1 and "Lessons from earlier episodes:\n(none)" not in firsts[0]
    returns = [episode_return(ep.total_reward, ep.progress, ep.invalid, shaping=0.5,
                              penalty=0.1) for *_, ep in group]
    expected = [(r, a, 1 / len(ep.turns)) for (*_, ep), r, a in zip(
        group, returns, group_advantages(returns), strict=True) for _ in ep.turns]
    assert [(s.reward, s.advantage, s.weight) for s in samples] == pytest.approx(expected)
    assert len(set(returns)) > 1  # the random actor's episodes differ, so the group teaches
