"""Memory structures on top of :class:`~agentmem.Memory`, each inside one scope.

* :mod:`~agentmem.structures.notes`: linked notes with links and evolution (A-MEM style);
* :mod:`~agentmem.structures.tasks`: task trees of steps (Task Memory Engine style);
* :mod:`~agentmem.structures.lessons`: lessons distilled from trajectories (ReasoningBank style);
* :mod:`~agentmem.structures.summaries`: turns, topics and session summaries (RMM style).

All of them share :class:`~agentmem.structures.base.Structure` and write only through
:meth:`Memory.apply`. Importing this package loads none of them.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Structure": "agentmem.structures.base",
    "LinkedNotes": "agentmem.structures.notes",
    "TaskTree": "agentmem.structures.tasks",
    "LessonStore": "agentmem.structures.lessons",
    "SessionSummarizer": "agentmem.structures.summaries",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agentmem.structures' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
