"""Prompt templates stored as versioned text files (``templates/NAME.vN.txt``).

A template file has ``### system`` and ``### user`` sections whose text may hold
``{field}`` placeholders. The training code renders the very same files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agentmem.errors import ConfigError

__all__ = ["Template", "load_template", "TEMPLATE_DIR"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_SECTION = re.compile(r"^### (system|user)\s*$", re.MULTILINE)
_FIELD = re.compile(r"\{([A-Za-z_]\w*)\}")


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    system: str
    user: str

    @property
    def id(self) -> str:
        return f"{self.name}.v{self.version}"

    def render(self, **fields: str) -> list[dict[str, str]]:
        """Fill ``{name}`` placeholders; other braces (JSON examples) stay as they are."""

        def fill(match: re.Match) -> str:
            if match.group(1) not in fields:
                raise ConfigError(f"template {self.id} needs the field {match.group(1)!r}")
            return str(fields[match.group(1)])

        return [{"role": "system", "content": _FIELD.sub(fill, self.system)},
                {"role": "user", "content": _FIELD.sub(fill, self.user)}]


def load_template(name: str, version: int | None = None, directory: Path | None = None) -> Template:
    """Load ``NAME.vN.txt`` (the highest N when ``version`` is None)."""
    directory = directory or TEMPLATE_DIR
    found = sorted((int(m.group(1)), p) for p in directory.glob(f"{name}.v*.txt")
                   if (m := re.fullmatch(rf"{re.escape(name)}\.v(\d+)\.txt", p.name)))
    if not found:
        raise ConfigError(f"no template named {name!r} in {directory}")
    if version is None:
        version, path = found[-1]
    else:
        path = dict(found).get(version)
        if path is None:
            raise ConfigError(f"template {name!r} has no version {version}; "
                              f"have {[v for v, _ in found]}")
    parts = _SECTION.split(path.read_text(encoding="utf-8"))
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    if set(sections) != {"system", "user"}:
        raise ConfigError(f"{path} needs exactly one '### system' and one '### user' section")
    return Template(name, version, sections["system"], sections["user"])
