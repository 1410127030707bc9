"""Default policies, found through the ``agentmem.policies`` entry-point group.

The runtime depends on Protocols only; the distribution registers the prompted
policies of the ``policies`` package under this group, and other packages can
register their own.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from agentmem.errors import ConfigError

__all__ = ["default_policy"]


def default_policy(role: str, llm: Any, **kwargs: Any) -> Any:
    """Build the policy registered as ``role`` ("manager", "answerer") around ``llm``."""
    found = [ep for ep in entry_points(group="agentmem.policies") if ep.name == role]
    if not found:
        raise ConfigError(
            f"no default {role} policy is registered (entry-point group 'agentmem.policies'); "
            "reinstall agentmem (pip install -e .) or pass the policy explicitly")
    return found[0].load()(llm, **kwargs)
