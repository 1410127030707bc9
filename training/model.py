"""The trainable policy model: the base model with a LoRA adapter, and saving it.

The adapter is saved with ``agentmem-adapter.json`` (the base model's shape and
the policy it was trained for) so :func:`agentmem.llm.local.load_adapter`
refuses it on a different base model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agentmem.errors import ConfigError, missing
from agentmem.llm.local import ADAPTER_META

__all__ = ["load_policy_model", "load_for", "load_reference", "save_adapter", "lora_params",
           "completion_logprobs", "template_of"]


def load_policy_model(model: str, *, r: int, alpha: int, dropout: float, targets: list[str],
                      seed: int, adapter: str | Path | None = None) -> tuple[Any, Any]:
    """Base model (float32) + a fresh (or loaded) LoRA adapter, and the tokenizer."""
    try:
        import torch
        from peft import LoraConfig, PeftModel, get_peft_model
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise missing("peft", "train", "Training") from None
    from agentmem.llm.local import resolve_model_dir

    torch.manual_seed(seed)
    path = resolve_model_dir(None if model == "smollm2" else model)
    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    base = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    if adapter is not None:
        peft_model = PeftModel.from_pretrained(base, str(adapter), is_trainable=True)
    else:
        config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout,
                            target_modules=list(targets), task_type="CAUSAL_LM")
        peft_model = get_peft_model(base, config)
    return peft_model, tokenizer


def load_for(config: Any, adapter: str | Path | None = None) -> tuple[Any, Any]:
    """The policy model a training config asks for: its base model with ``adapter`` (a
    checkpoint being resumed), else its ``init_adapter`` (e.g. an SFT warm start, whose
    template must be the one this policy prompts with now), else a fresh LoRA."""
    adapter = adapter or config.init_adapter
    if config.init_adapter is not None and adapter == config.init_adapter:
        from policies.base import adapter_template

        trained, now = adapter_template(adapter), template_of(config.template_policy)
        if trained is not None and trained != now:
            raise ConfigError(f"init_adapter {adapter} was trained with the {trained} template, "
                              f"but the {config.policy} policy prompts with {now} now; train "
                              "it again or start from a fresh adapter")
    return load_policy_model(config.model, r=config.lora_r, alpha=config.lora_alpha,
                             dropout=config.lora_dropout, targets=config.lora_targets,
                             seed=config.seed, adapter=adapter)


def load_reference(config: Any) -> Any | None:
    """The frozen policy RL's KL term is measured against when training starts from a warm
    start: the ``init_adapter`` merged into a second copy of the base model. None without
    one (the trained model with its adapter disabled is then the reference)."""
    if config.init_adapter is None:
        return None
    model, _ = load_policy_model(config.model, r=config.lora_r, alpha=config.lora_alpha,
                                 dropout=0.0, targets=config.lora_targets, seed=config.seed,
                                 adapter=config.init_adapter)
    reference = model.merge_and_unload().eval()
    for p in reference.parameters():
        p.requires_grad_(False)
    return reference


def completion_logprobs(model: Any, prompt_ids: list[int], completion_ids: list[int],
                        temperature: float) -> list[float]:
    """Log-probabilities of the completion tokens under ``model`` (sampling at
    ``temperature``), without gradients: the behaviour log-probs of a rollout."""
    import torch

    with torch.no_grad():
        ids = torch.tensor([prompt_ids + completion_ids], device=next(model.parameters()).device)
        logits = model(input_ids=ids).logits[0, len(prompt_ids) - 1:-1].float()
        logp = torch.log_softmax(logits / temperature, -1)
        return logp.gather(-1, ids[0, len(prompt_ids):, None])[:, 0].tolist()


def template_of(policy: str) -> str:
    """The template id the runtime's ``policy`` prompts with now (what training rendered)."""
    from policies import ExtractiveManager, PromptedActor, PromptedAnswerer, PromptedManager

    kinds = {"answer": PromptedAnswerer, "manager": PromptedManager, "actor": PromptedActor,
             "extractive": ExtractiveManager}
    return kinds[policy](None).template.id


def lora_params(model: Any) -> dict[str, Any]:
    """A copy of the LoRA weights (to check that training changed them)."""
    return {n: p.detach().clone() for n, p in model.named_parameters() if "lora_" in n}


def save_adapter(model: Any, tokenizer: Any, path: str | Path, *, policy: str,
                 template: str, extra: dict[str, Any] | None = None) -> Path:
    """Save the LoRA adapter where the agent can load it by path. ``template``: the id
    the training data was rendered with, taken by the caller when its run started
    (:func:`template_of` then); read again at save time, a template added while a long
    run trains would relabel the adapter."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(path))
    cfg = model.config if not hasattr(model, "get_base_model") else model.get_base_model().config
    meta = {k: getattr(cfg, k, None) for k in ("model_type", "hidden_size", "num_hidden_layers",
                                               "vocab_size")}
    meta.update({"policy": policy, "template": template, **(extra or {})})
    (path / ADAPTER_META).write_text(json.dumps(meta, indent=1, default=str))
    return path
