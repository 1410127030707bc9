"""What every prompted policy shares: an LLM (optionally with a LoRA adapter) and a template."""

from __future__ import annotations

import json
from pathlib import Path

from agentmem.errors import ConfigError
from agentmem.llm import LLM, get_llm, provider_of
from agentmem.llm.local import ADAPTER_META
from policies._templates import Template, load_template

__all__ = ["PromptedPolicy", "adapter_template", "resolve_adapter", "shipped_adapters",
           "SHIPPED_ADAPTERS"]

#: Trained adapters that come with the package (``policies/adapters/NAME``, each with a
#: model card); ``adapter="NAME"`` loads one wherever a directory is accepted.
SHIPPED_ADAPTERS = Path(__file__).resolve().parent / "adapters"


def shipped_adapters() -> list[str]:
    """The names of the adapters shipped with the package."""
    if not SHIPPED_ADAPTERS.is_dir():
        return []
    return sorted(d.name for d in SHIPPED_ADAPTERS.iterdir()
                  if (d / "adapter_config.json").is_file())


def resolve_adapter(adapter: str | Path) -> Path:
    """An adapter directory, or the name of a shipped one (``household-actor``)."""
    path = Path(adapter).expanduser()
    if path.is_dir():
        return path
    if str(adapter) in shipped_adapters():
        return SHIPPED_ADAPTERS / str(adapter)
    raise ConfigError(f"adapter {str(adapter)!r} is neither a directory nor a shipped adapter; "
                      f"pass a run's OUTPUT_DIR/adapter or one of: "
                      f"{', '.join(shipped_adapters()) or '(none shipped)'}")


def adapter_template(adapter: str | Path) -> str | None:
    """The template id (``actor.v2``) an adapter was trained with, from its
    ``agentmem-adapter.json``; None when it does not say (older adapters)."""
    meta = Path(adapter).expanduser() / ADAPTER_META
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
        remote = isinstance(llm, str) and provider_of(llm) != "local"
        if adapter is not None and not remote:  # a remote model refuses any adapter first
            adapter = str(resolve_adapter(adapter))
        self.llm = None if llm is None else (
            get_llm(llm, adapter=adapter) if adapter else get_llm(llm))
        self.template: Template = _template_for(template, version, adapter)
        self.max_tokens = max_tokens
