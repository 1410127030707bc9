"""Ship a trained adapter: ``python -m training.export RUN/adapter DEST [--card CARD.md]``.

Writes the LoRA weights in half precision (half the size of the fp32 ones training saves;
the base model casts them back when it loads them), the adapter's config, its agentmem
metadata (base model, policy, template, run settings) and a model card as README.md.
This is how ``policies/adapters/household-actor`` was made from run 13's adapter.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from agentmem.errors import ConfigError
from agentmem.llm.local import ADAPTER_META as _META

__all__ = ["export_adapter"]

_WEIGHTS = "adapter_model.safetensors"


def export_adapter(source: str | Path, dest: str | Path, *, card: str | None = None) -> Path:
    """Copy the adapter at ``source`` to ``dest`` with fp16 weights and ``card`` as README.md.
    Refuses a directory that is not an agentmem adapter (no weights, no metadata)."""
    from safetensors.torch import load_file, save_file

    source, dest = Path(source), Path(dest)
    missing = [n for n in ("adapter_config.json", _WEIGHTS, _META) if not (source / n).is_file()]
    if missing:
        raise ConfigError(f"{source} is not an agentmem adapter (missing {', '.join(missing)}); "
                          "pass a run's OUTPUT_DIR/adapter")
    dest.mkdir(parents=True, exist_ok=True)
    weights = load_file(str(source / _WEIGHTS))
    save_file({k: v.half().contiguous() for k, v in weights.items()}, str(dest / _WEIGHTS))
    config = json.loads((source / "adapter_config.json").read_text())
    # The base model's folder on the training machine means nothing elsewhere (the
    # runtime loads the base model itself); keep its name only.
    base = config.get("base_model_name_or_path")
    if base and Path(base).is_absolute():
        config["base_model_name_or_path"] = Path(base).name
    (dest / "adapter_config.json").write_text(json.dumps(config, indent=2))
    meta = json.loads((source / _META).read_text())
    meta["dtype"] = "float16"
    (dest / _META).write_text(json.dumps(meta, indent=1))
    if card is not None:
        (dest / "README.md").write_text(card)
    return dest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a run's OUTPUT_DIR/adapter")
    parser.add_argument("dest", help="where the shipped adapter goes "
                        "(policies/adapters/NAME to ship it with the package)")
    parser.add_argument("--card", type=Path, default=None, help="the model card (markdown)")
    args = parser.parse_args(argv)
    card = args.card.read_text() if args.card else None
    print(export_adapter(args.source, args.dest, card=card))


if __name__ == "__main__":
    main()
