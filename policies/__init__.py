"""Policies behind the Protocols of ``agentmem.protocols``: prompted, or trained (a LoRA adapter).

Each policy is a versioned prompt template (``policies/templates``), an LLM backend
and a structured-output parser; the training code renders the same templates.
"""

from typing import Any

from agentmem.protocols import MANAGER_MODES, ManagerMode
from policies._templates import Template, load_template
from policies.actor import PromptedActor
from policies.answer import AnswerOutput, PromptedAnswerer, answerer_for, default_answerer
from policies.extractive import ExtractiveManager
from policies.manager import ManagerOp, ManagerOutput, PromptedManager

__all__ = ["Template", "load_template", "PromptedManager", "ManagerOutput", "ManagerOp",
           "ExtractiveManager", "memory_manager", "SMALL_MODEL_PARAMETERS",
           "PromptedAnswerer", "AnswerOutput", "default_answerer", "answerer_for",
           "PromptedActor"]

#: Local models below this size get the no-model statements manager by default.
SMALL_MODEL_PARAMETERS = 1_000_000_000


def memory_manager(llm: Any = "local", *,
                   mode: ManagerMode = "auto",
                   **kwargs: Any) -> ExtractiveManager | PromptedManager:
    """The default memory manager (the ``agentmem.policies`` entry point ``manager``).

    ``mode="auto"`` picks, for a local model under :data:`SMALL_MODEL_PARAMETERS`,
    ``statements``: the extractive manager without a model, which turns every statement
    of a turn into a fact (up to three per turn; the code rewrites it to stand alone) and
    makes no LLM call. With the embedded 135M model it recalled more of LoCoMo's
    evidence than letting the model choose the sentences (``extractive``) or training it
    to (docs/results.md). Bigger and hosted models get ``generative`` (the model writes
    each fact).
    """
    if mode not in MANAGER_MODES:
        from agentmem.errors import ConfigError

        raise ConfigError(f"mode must be one of {', '.join(MANAGER_MODES)}, got {mode!r}")
    if mode == "auto":
        size = _parameters(llm)
        mode = "statements" if size is not None and size < SMALL_MODEL_PARAMETERS else "generative"
    if mode == "statements":
        return ExtractiveManager(None, **kwargs)
    return (ExtractiveManager if mode == "extractive" else PromptedManager)(llm, **kwargs)


def _parameters(llm: Any) -> int | None:
    """The model's size; for a local model named by a string, read from its weights'
    headers, so choosing the no-model manager loads no model."""
    from agentmem.llm import get_llm, provider_of

    if isinstance(llm, str) and provider_of(llm) == "local":
        from agentmem.llm.local import model_parameters

        size = model_parameters(llm.partition(":")[2] or None)
        if size is not None:
            return size
    llm = get_llm(llm) if isinstance(llm, str) else llm
    return getattr(llm, "parameters", None)
