"""What every prompted policy shares: an LLM (optionally with a LoRA adapter) and a template."""

from __future__ import annotations

import json
from pathlib import Path

from agentmem.errors import ConfigError
from agentmem.llm import LLM, get_llm
from policies._templates import Template, load_template

__all__ = ["PromptedPolicy", "adapter_template"]


def adapter_template(adapter: str | Path) -> str | None:
    """The template id (``actor.v2``) an adapter was trained with, from its
    ``agentmem-adapter.json``; None when it does not say (older adapters)."""
    meta = Path(adapter).expanduser() / "agentmem-adapter.json"
    if not meta.is_file():
        return None
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("template")
    except (ValueError, AttributeError):
        raise ConfigError(f"{meta} is not a JSON object; re-save the adapter") from None


def _template_for(name: str, version: int | None, adapter: str | None) -> Template:
    """The template to prompt with: an adapter is prompted with the template version it
    was trained on (the default moves on; a trained adapter must not), and asking for
    another version, or loading an adapter trained for another policy, is refused."""
    trained = adapter_template(adapter) if adapter else None
    if trained is None:
        return load_template(name, version)
    trained_name, _, trained_version = trained.rpartition(".v")
    if trained_name != name:
        raise ConfigError(f"adapter {adapter} was trained with the {trained} template, not a "
                          f"{name!r} one: it belongs to another policy")
    if version is not None and version != int(trained_version):
        raise ConfigError(f"adapter {adapter} was trained with {trained}, but version={version} "
                          f"was asked for; leave version= out to use {trained}")
    return load_template(name, int(trained_version))


class PromptedPolicy:
    """A prompt template + an LLM; subclasses add the parser. ``adapter=`` loads the
    trained variant of the same policy on a local model."""

    def __init__(self, llm: LLM | str | None, *, adapter: str | None, template: str,
                 version: int | None, max_tokens: int):
        # llm=None: the template and parser only (training renders prompts this way).
        self.llm = None if llm is None else (
            get_llm(llm, adapter=adapter) if adapter else get_llm(llm))
        self.template: Template = _template_for(template, version, adapter)
        self.max_tokens = max_tokens
