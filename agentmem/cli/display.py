"""The one way stored text reaches the terminal: as plain text, controls made visible.

Memories are attacker-controlled text (a web page, an email, another agent can write
them). Printed as rich markup, ``cats [/bold] x`` crashes the command and
``[link=https://...]`` becomes a clickable link; written raw, ``\\x1b[2J`` clears the
screen and other escapes retitle the window or hide text. :func:`shown` returns a
:class:`rich.text.Text`, which rich never parses as markup, with every control
character (C0, C1, DEL) and bidirectional override written as a visible ``\\xNN`` /
``\\uNNNN`` escape. Newlines and tabs stay as they are. ``--json`` output does not pass
through here: JSON escapes control characters itself and must stay exact.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

__all__ = ["shown", "visible"]

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides
# and isolates that can make text read differently from what it is ("Trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: Any) -> str:
    """``value`` as a string with its unsafe characters written as escapes."""
    return _UNSAFE.sub(_escape, str(value))


def shown(value: Any, style: str = "") -> Text:
    """``value`` for the terminal: plain text (never markup), controls visible."""
    return Text(visible(value), style=style)
