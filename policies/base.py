"""What every prompted policy shares: an LLM (optionally with a LoRA adapter) and a template."""

from __future__ import annotations

from agentmem.llm import LLM, get_llm
from policies._templates import Template, load_template

__all__ = ["PromptedPolicy"]


class PromptedPolicy:
    """A prompt template + an LLM; subclasses add the parser. ``adapter=`` loads the
    trained variant of the same policy on a local model."""

    def __init__(self, llm: LLM | str | None, *, adapter: str | None, template: str,
                 version: int | None, max_tokens: int):
        # llm=None: the template and parser only (training renders prompts this way).
        self.llm = None if llm is None else (
            get_llm(llm, adapter=adapter) if adapter else get_llm(llm))
        self.template: Template = load_template(template, version)
        self.max_tokens = max_tokens
